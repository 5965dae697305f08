"""The declarative rule engine: rules are data (``rules/``), evaluated on a Document.

``evaluate(doc, options)`` runs every rule that applies to the document's kind
and the targeted library versions, after following ``deepspeed_config_file``.
"""

from __future__ import annotations

from shardlint.diagnostics import Diagnostic
from shardlint.document import Document, format_path
from shardlint.options import FileOptions


class Findings:
    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        # (code, key path) pairs of schema findings a rule's sharper message replaces
        self.superseded: set[tuple[str, str]] = set()


def evaluate(doc: Document, options: FileOptions) -> Findings:
    from shardlint.builtins import finding
    from shardlint.engine.context import Context
    from shardlint.engine.link import CONFIG_FILE_PATH
    from shardlint.engine.registry import load_ruleset

    ruleset = load_ruleset(options.rule_paths)
    ctx = Context(doc, options)
    findings = Findings()
    link = ctx.link
    # only a DeepSpeed launch reads the file (accelerate/commands/launch.py: deepspeed_launcher)
    if link.problem and link.code and doc.get(("distributed_type",)) == "DEEPSPEED":
        findings.diagnostics.append(finding(link.code, link.problem, doc.range(CONFIG_FILE_PATH, "value"),
                                            format_path(CONFIG_FILE_PATH)))
    top = doc.data.keys() if isinstance(doc.data, dict) else frozenset()
    for rule in ruleset.candidates(ctx, top):
        found = rule.evaluate(ctx)
        findings.diagnostics.extend(found)
        for diagnostic in found:
            findings.superseded.update((code, diagnostic.path) for code in rule.supersedes)
    return findings


def drop_superseded(diagnostics: list[Diagnostic], superseded: set[tuple[str, str]]) -> list[Diagnostic]:
    if not superseded:
        return diagnostics
    return [d for d in diagnostics if (d.code, d.path) not in superseded]

"""Errors that hold only for the DeepSpeed runner shardlint assumed.

Who hands a DeepSpeed JSON to DeepSpeed decides some of its errors: Accelerate's plugin (and so the
Trainer) refuses a file without ``zero_optimization`` that plain ``deepspeed.initialize`` runs at
stage 0. When nothing says who runs the file (no ``--deepspeed-runner``, no ``deepspeed-runner`` in
the configuration, no launch naming it whose script shows it), the Trainer is assumed. An error is
then kept only where every runner gives one at the same place; one that some runner accepts becomes a
warning that names the runners it fails under.
"""

from __future__ import annotations

from shardlint.diagnostics import Diagnostic, Severity
from shardlint.document import Document
from shardlint.options import DEEPSPEED_RUNNERS as RUNNERS, FileOptions


def runner_may_matter(doc: Document) -> bool:
    """Whether the runner can change ``doc``'s findings: DeepSpeed JSON, or an Accelerate config that runs
    DeepSpeed."""
    data = doc.data
    return doc.kind == "deepspeed" or (doc.kind == "accelerate" and isinstance(data, dict) and (
        data.get("distributed_type") == "DEEPSPEED" or "deepspeed_config" in data))


def hedge(doc: Document, file: FileOptions, found: list[Diagnostic]) -> list[Diagnostic]:
    """The rule engine's findings ``found`` with the errors some other runner does not give turned into
    warnings (schema findings do not depend on the runner)."""
    if not file.runner_assumed or not runner_may_matter(doc):
        return found
    from shardlint.engine import evaluate
    from shardlint.engine.registry import load_ruleset

    rules = load_ruleset(file.rule_paths).by_id
    if not any(d.severity == Severity.ERROR and "deepspeed-runner" in getattr(rules.get(d.code), "facts", ())
               for d in found):
        return found

    failing = {runner: {d.range for d in evaluate(doc, file._replace(deepspeed_runner=runner)).diagnostics
                        if d.severity == Severity.ERROR}
               for runner in RUNNERS if runner != file.deepspeed_runner}
    out = []
    for diagnostic in found:
        if diagnostic.severity == Severity.ERROR:
            under = [file.deepspeed_runner] + [r for r, ranges in failing.items() if diagnostic.range in ranges]
            if len(under) < len(RUNNERS):
                names = " or ".join(RUNNERS[r] for r in RUNNERS if r in under)
                diagnostic = diagnostic.replace(severity=Severity.WARNING, message=(
                    f"{diagnostic.message} (an error if {names} runs this file; --deepspeed-runner or "
                    "a launch naming the file says which runs it)"))
        out.append(diagnostic)
    return out

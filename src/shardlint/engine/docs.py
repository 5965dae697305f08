"""Rule documentation generated from the rule files: ``docs/rules/<CODE>.md`` and an index.

The same text backs ``shardlint rule CODE``; each diagnostic's
``codeDescription.href`` points at the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shardlint.families import BUILTIN_FAMILIES
from shardlint.resources import data_dir

FAMILIES = {family.folder: family.title for family in BUILTIN_FAMILIES}


def docs_dir() -> Path:
    return data_dir("rules").parent / "docs" / "rules"


def _fence(text: str, filename: str) -> str:
    lang = "json" if filename.endswith(".json") else "yaml"
    return f"```{lang}\n{text.rstrip()}\n```"


def rule_markdown(spec: dict[str, Any], family: str, defined_in: str | None = None) -> str:
    """One rule's page (also what ``shardlint rule CODE`` prints); ``defined_in`` names a project's rule file."""
    lines = [f"# {spec['id']}: {spec['name']}", ""]
    facts = [f"Severity: **{spec['severity']}**", f"applies to: {', '.join(spec['applies-to'])}",
             f"family: `{family}`", "checked by: " + ("shardlint's code" if spec["check"] == "builtin" else "a declarative rule")]
    if defined_in is not None:
        facts.append(f"a rule of this project, defined in `{defined_in}`")
    if spec.get("fix"):
        facts.append(f"fix: {spec['fix']['safety']} ({spec['fix']['title']})")
    if spec.get("versions"):
        facts.append("versions: " + ", ".join(f"{k} {v}" for k, v in spec["versions"].items()))
    if spec.get("supersedes"):
        facts.append("supersedes: " + ", ".join(spec["supersedes"]))
    lines += ["; ".join(facts) + ".", "", spec["summary"], "", "## Why", "", spec["rationale"].rstrip(), ""]
    if spec["check"] == "declarative":
        lines += ["## Message", "", f"> {spec['message'].strip()}", ""]
    bad = [e for e in spec["examples"] if "bad" in e]
    good = [e for e in spec["examples"] if "good" in e]
    for title, examples, key in (("Example: flagged", bad, "bad"), ("Example: fine", good, "good")):
        for i, example in enumerate(examples):
            heading = title if len(examples) == 1 else f"{title} ({i + 1})"
            lines += [f"## {heading}", ""]
            if example.get("note"):
                lines += [example["note"], ""]
            filename = example.get("filename", "config.yaml")
            if example.get("missing"):
                lines += [f"`{filename}` does not exist.", ""]
            else:
                where = f", line {example['line']}" if key == "bad" else ""
                codec = f", saved as {example['encoding']}" if example.get("encoding") else ""
                lines += [f"`{filename}`{where}{codec}:", "", _fence(example[key], filename), ""]
            for name, text in (example.get("files") or {}).items():
                lines += [f"`{name}`, beside it:", "", _fence(text, name), ""]
            if example.get("options"):
                lines += ["Options: " + ", ".join(f"`--{k} {v}`" for k, v in example["options"].items()), ""]
            if "fixed" in example:
                lines += ["After the fix:", "", _fence(example["fixed"], filename), ""]
    if spec.get("fix"):
        lines += ["## Fix safety", "", _fix_safety(spec["fix"]), ""]
    lines += ["## Source", ""] + [f"- {s}" for s in spec["source"]] + [""]
    return "\n".join(lines)


def _fix_safety(fix: dict[str, Any]) -> str:
    if fix["safety"] == "safe":
        return "The fix is safe: it keeps what the file evidently meant, and `--fix` applies it."
    return ("The fix is unsafe: only `--fix --unsafe-fixes` applies it, and editors mark it (unsafe). "
            + fix["fix-safety"])


def render_docs() -> dict[str, str]:
    """File name -> text for every page of ``docs/rules/``."""
    from shardlint.engine.registry import read_rule_files, rules_root

    root = rules_root()
    pages: dict[str, str] = {}
    index: dict[str, list[str]] = {}
    for path, spec in read_rule_files(root):
        family = path.parent.name
        pages[f"{spec['id']}.md"] = rule_markdown(spec, family)
        summary = spec["summary"].replace("|", "\\|")
        index.setdefault(family, []).append(
            f"| [{spec['id']}]({spec['id']}.md) | {spec['name']} | {spec['severity']} | "
            f"{'yes' if spec.get('fix') else ''} | {summary} |")
    lines = ["# shardlint rules", "",
             "Generated from `rules/` by `python -m shardlint.engine.build`; do not edit by hand.",
             "The rule format is described in [../rule-format.md](../rule-format.md).", ""]
    for family in sorted(index, key=lambda f: list(FAMILIES).index(f) if f in FAMILIES else len(FAMILIES)):
        lines += [f"## {FAMILIES.get(family, family)}", "", "| code | name | severity | fix | summary |",
                  "|---|---|---|---|---|", *index[family], ""]
    pages["README.md"] = "\n".join(lines)
    return pages

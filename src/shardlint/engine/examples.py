"""A rule's examples, run through the real pipeline from real files.

The one implementation behind shardlint's own rule tests and ``shardlint
test-rules``.  A ``bad`` example must fire the rule's code on its ``line``, a
``good`` one must not fire it, and ``fixed`` must be what the rule's fix turns
the bad text into, on which the finding is gone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from shardlint.diagnostics import Diagnostic
from shardlint.options import LintOptions


class Outcome(NamedTuple):
    code: str
    label: str  # "example 2 (good)"
    problem: str | None  # None when the example holds


def example_label(index: int, example: dict[str, Any]) -> str:
    return f"example {index + 1} ({'bad' if 'bad' in example else 'good'})"


def _options(example: dict[str, Any], rule_paths: tuple[Path, ...]) -> LintOptions:
    options = example.get("options") or {}
    target = dict(item.split("=", 1) for item in options.get("target", "").split(",") if item)
    return LintOptions(target=target, deepspeed_runner=options.get("deepspeed-runner"), isolated=True,
                       rule_paths=rule_paths)


def _lint(folder: Path, example: dict[str, Any], text: str, rule_paths: tuple[Path, ...]) -> list[Diagnostic]:
    from shardlint.lint import lint_paths

    for name, content in (example.get("files") or {}).items():
        extra = folder / name
        extra.parent.mkdir(parents=True, exist_ok=True)
        extra.write_text(content, encoding="utf-8")
    path = folder / example.get("filename", "config.yaml")
    if not example.get("missing"):
        path.write_bytes(text.encode(example.get("encoding", "utf-8")))
    report = lint_paths([str(path)], _options(example, rule_paths))
    return [d for f in report.all_files for d in f.diagnostics]


def _show(diagnostics: list[Diagnostic]) -> str:
    return "\n".join(f"  line {d.range.start.line + 1}: {d.code} {d.message}" for d in diagnostics) or "  (none)"


def _diff(got: str, wanted: str) -> str:
    import difflib

    lines = difflib.unified_diff(wanted.splitlines(keepends=True), got.splitlines(keepends=True),
                                 "fixed (expected)", "after the fix", n=1)
    return "".join("  " + line if line.endswith("\n") else f"  {line}\n" for line in lines).rstrip("\n")


def check_example(code: str, example: dict[str, Any], folder: Path,
                  rule_paths: tuple[Path, ...] = ()) -> str | None:
    """What is wrong with one example of rule ``code`` (written into the empty ``folder``), or ``None``.

    ``rule_paths`` are the project rule files or folders to lint with, beside shardlint's own rules.
    """
    if "good" in example:
        found = _lint(folder, example, example["good"], rule_paths)
        if [d for d in found if d.code == code]:
            return f"{code} fired on a good example:\n{_show(found)}"
        return None
    found = _lint(folder, example, example["bad"], rule_paths)
    hits = [d for d in found if d.code == code and d.range.start.line + 1 == example["line"]]
    if not hits:
        return f"{code} did not fire on line {example['line']}; found:\n{_show(found)}"
    if "fixed" not in example:
        return None
    from shardlint.fixes.splice import apply_edits

    fixes = [f for d in hits for f in d.fixes]
    if not fixes:
        return f"{code} has a fixed example but its finding carries no fix"
    got = apply_edits(example["bad"], list(fixes[0].edits))
    if got != example["fixed"]:
        return f"the fix does not give the fixed text:\n{_diff(got, example['fixed'])}"
    after = _lint(folder, example, example["fixed"], rule_paths)
    if [d for d in after if d.code == code and d.range.start.line + 1 == example["line"]]:
        return f"{code} still fires on line {example['line']} after its fix:\n{_show(after)}"
    return None


def check_rule(spec: dict[str, Any], rule_paths: tuple[Path, ...] = ()) -> list[Outcome]:
    """Every example of one validated rule, each in a temporary folder of its own."""
    import tempfile

    out = []
    for index, example in enumerate(spec["examples"]):
        with tempfile.TemporaryDirectory(prefix="shardlint-example-") as folder:
            problem = check_example(spec["id"], example, Path(folder), rule_paths)
        out.append(Outcome(spec["id"], example_label(index, example), problem))
    return out

"""Every example of every rule file, linted through the real pipeline from real files.

A ``bad`` example must fire the rule's code on its ``line``, a ``good`` one must
not fire it, and ``fixed`` must be what the rule's fix turns the bad text into, on
which the finding is gone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from shardlint.diagnostics import Diagnostic
from shardlint.engine.registry import rule_files
from shardlint.lint import lint_paths
from shardlint.options import LintOptions


def _examples() -> list[Any]:
    params = []
    for path in rule_files():
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(spec, dict):
            continue  # reported by test_rule_files.py
        for i, example in enumerate(spec.get("examples") or []):
            if isinstance(example, dict):
                kind = "bad" if "bad" in example else "good"
                params.append(pytest.param(spec.get("id"), example, id=f"{spec.get('id')}-{kind}{i}"))
    return params


def _options(example: dict[str, Any]) -> LintOptions:
    options = example.get("options") or {}
    target = dict(item.split("=", 1) for item in options.get("target", "").split(",") if item)
    return LintOptions(target=target, deepspeed_runner=options.get("deepspeed-runner", "trainer"), isolated=True)


def _lint(tmp_path: Path, example: dict[str, Any], text: str) -> list[Diagnostic]:
    for name, content in (example.get("files") or {}).items():
        extra = tmp_path / name
        extra.parent.mkdir(parents=True, exist_ok=True)
        extra.write_text(content, encoding="utf-8")
    path = tmp_path / example.get("filename", "config.yaml")
    if not example.get("missing"):
        path.write_bytes(text.encode(example.get("encoding", "utf-8")))
    report = lint_paths([str(path)], _options(example))
    return [d for f in report.all_files for d in f.diagnostics]


def _show(diagnostics: list[Diagnostic]) -> str:
    return "\n".join(f"  line {d.range.start.line + 1}: {d.code} {d.message}" for d in diagnostics) or "  (none)"


@pytest.mark.parametrize(("code", "example"), _examples())
def test_example(code: str, example: dict[str, Any], tmp_path: Path) -> None:
    if "good" in example:
        found = _lint(tmp_path, example, example["good"])
        assert not [d for d in found if d.code == code], f"{code} fired on a good example:\n{_show(found)}"
        return
    found = _lint(tmp_path, example, example["bad"])
    hits = [d for d in found if d.code == code and d.range.start.line + 1 == example["line"]]
    assert hits, f"{code} did not fire on line {example['line']}; found:\n{_show(found)}"
    if "fixed" in example:
        apply = pytest.importorskip("shardlint.fixes.apply")
        fixes = [f for d in hits for f in d.fixes]
        assert fixes, f"{code} has a fixed example but its diagnostic carries no fix"
        assert apply.apply_edits(example["bad"], list(fixes[0].edits)) == example["fixed"]
        after = _lint(tmp_path, example, example["fixed"])
        assert not [d for d in after if d.code == code and d.range.start.line + 1 == example["line"]], \
            f"{code} still fires on line {example['line']} after its fix:\n{_show(after)}"


def test_a_wrong_example_fails(tmp_path: Path) -> None:
    """The example checks are real: a wrong line, a good text that fires, or a wrong fix all fail."""
    bad = "distributed_type: FSDP\nnum_processes: 2\nfsdp_config:\n  fsdp_sync_module_states: false\n"
    for example in ({"bad": bad, "line": 3},
                    {"good": bad},
                    {"bad": bad, "line": 4, "fixed": bad}):
        with pytest.raises(AssertionError):
            test_example("FSDP100", example, tmp_path)
    test_example("FSDP100", {"bad": bad, "line": 4}, tmp_path)

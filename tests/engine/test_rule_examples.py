"""Every example of every rule file, linted through the real pipeline from real files.

The checks themselves live in ``shardlint.engine.examples`` (``shardlint test-rules``
runs a project's rules with the same code).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from shardlint.engine.examples import check_example, example_label
from shardlint.engine.registry import rule_files


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


@pytest.mark.parametrize(("code", "example"), _examples())
def test_example(code: str, example: dict[str, Any], tmp_path: Path) -> None:
    problem = check_example(code, example, tmp_path)
    assert problem is None, problem


@pytest.mark.parametrize(("example", "says"), [
    ({"bad": "distributed_type: FSDP\nnum_processes: 2\nfsdp_config:\n  fsdp_sync_module_states: false\n",
      "line": 3}, "FSDP100 did not fire on line 3"),
    ({"good": "distributed_type: FSDP\nnum_processes: 2\nfsdp_config:\n  fsdp_sync_module_states: false\n"},
     "FSDP100 fired on a good example"),
    ({"bad": "distributed_type: FSDP\nnum_processes: 2\nfsdp_config:\n  fsdp_sync_module_states: false\n",
      "line": 4, "fixed": "distributed_type: FSDP\n"}, "the fix does not give the fixed text"),
])
def test_a_wrong_example_fails(example: dict[str, Any], says: str, tmp_path: Path) -> None:
    """The example checks are real: a wrong line, a good text that fires, or a wrong fix all fail."""
    problem = check_example("FSDP100", example, tmp_path)
    assert problem is not None and problem.startswith(says), problem


def test_a_right_example_passes(tmp_path: Path) -> None:
    bad = "distributed_type: FSDP\nnum_processes: 2\nfsdp_config:\n  fsdp_sync_module_states: false\n"
    assert check_example("FSDP100", {"bad": bad, "line": 4}, tmp_path) is None
    assert example_label(0, {"bad": bad}) == "example 1 (bad)"

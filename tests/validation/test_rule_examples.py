"""The examples of every rules/schema file, checked directly against the schema layer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from shardlint.resources import data_dir
from shardlint.validation.findings import CODES
from tests.validation.helpers import apply_fix, schema_findings

RULE_DIR = data_dir("rules") / "schema"


def _rule_files() -> list[Path]:
    return sorted(RULE_DIR.glob("*.yaml"))


def _examples() -> list[Any]:
    params = []
    for path in _rule_files():
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, example in enumerate(spec["examples"]):
            kind = "bad" if "bad" in example else "good"
            params.append(pytest.param(spec, example, id=f"{spec['id']}-{kind}{i}"))
    return params


def test_every_code_has_a_builtin_rule_file() -> None:
    specs = {s["id"]: s for s in (yaml.safe_load(p.read_text(encoding="utf-8")) for p in _rule_files())}
    emitted = set(CODES.values())
    assert set(specs) == emitted
    for code in emitted:
        assert specs[code]["check"] == "builtin"
        assert (RULE_DIR / f"{code}-{specs[code]['name']}.yaml").is_file()


@pytest.mark.parametrize(("spec", "example"), _examples())
def test_example(spec: dict[str, Any], example: dict[str, Any], tmp_path: Path) -> None:
    name = example.get("filename", "config.yaml")
    if "good" in example:
        found = schema_findings(tmp_path, example["good"], name)
        assert not [d for d in found if d.code == spec["id"]]
        return
    found = schema_findings(tmp_path, example["bad"], name)
    hits = [d for d in found if d.code == spec["id"] and d.range.start.line + 1 == example["line"]]
    assert hits, [(d.code, d.range.start.line + 1, d.message) for d in found]
    if "fixed" in example:
        assert apply_fix(example["bad"], hits[0]) == example["fixed"]
        assert not [d for d in schema_findings(tmp_path, example["fixed"], name) if d.code == spec["id"]]

"""Rule files are valid, and what is generated from them (bundle, docs) is up to date."""

from __future__ import annotations

from pathlib import Path

import pytest

from shardlint.engine.build import stale_files
from shardlint.engine.registry import RuleFileError, read_rule_file, read_rule_files, rule_files
from shardlint.engine.rules import compile_rule


@pytest.mark.parametrize("path", rule_files(), ids=lambda p: p.stem.split("-")[0])
def test_rule_file_is_valid(path: Path) -> None:
    spec = read_rule_file(path)
    rule = compile_rule(spec)
    assert rule.id == spec["id"]
    assert path.parent.name != "input" or spec["id"].startswith("SL")


def test_codes_are_unique() -> None:
    ids = [spec["id"] for _, spec in read_rule_files()]
    assert len(ids) == len(set(ids))


def test_generated_files_are_up_to_date() -> None:
    stale = stale_files()
    assert not stale, ("out of date (run `python -m shardlint.engine.build`): "
                       + ", ".join(str(p) for p in stale))


@pytest.mark.parametrize(("text", "problem"), [
    ("id: FSDP150\nname: x\n", "is a required property"),
    ("- a list\n", "a rule file must be a mapping"),
    ("id: [unclosed\n", "cannot be read as YAML"),
])
def test_malformed_rule_file_fails_with_path_and_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "FSDP150-x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        read_rule_file(path)
    assert str(path) in str(info.value)
    assert problem in str(info.value)


def test_bad_predicate_is_reported_with_rule_id(tmp_path: Path) -> None:
    from shardlint.engine.rules import RuleError

    with pytest.raises(RuleError, match=r"rule FSDP150: when: unknown fact 'no-such-fact'"):
        compile_rule({"id": "FSDP150", "name": "x", "severity": "warning", "applies-to": ["accelerate"],
                      "check": "declarative", "when": {"fact": "no-such-fact", "equals": 1},
                      "at": "a", "message": "something is wrong"})


def test_a_bad_predicate_in_a_rule_file_is_named_precisely(tmp_path: Path) -> None:
    path = tmp_path / "FSDP150-x.yaml"
    path.write_text(
        "id: FSDP150\nname: x\nseverity: warning\napplies-to: [accelerate]\nsummary: a summary of it\n"
        "check: declarative\nwhen: {all: [{path: distributed_type, equal: FSDP}]}\nat: distributed_type\n"
        "message: something is wrong\nsource: ['seed: x']\nrationale: because it is wrong, really\n"
        "examples: [{bad: 'a: 1', line: 1}, {good: 'a: 2'}]\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"FSDP150-x.yaml: rule FSDP150: when.all\[0\]: unknown predicate key\(s\) equal"):
        read_rule_file(path)

"""What a run derives from the rule bundle is kept between runs, and never trusted blindly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shardlint.bundle import BUNDLE_FORMAT, derived_from_bundle
from tests.conftest import ROOT


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def bundle(folder: Path, rules: list[dict]) -> Path:
    path = folder / "rules.json"
    path.write_text(json.dumps({"format": BUNDLE_FORMAT, "rules": rules}), encoding="utf-8")
    return path


class Counting:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, data: dict) -> list[str]:
        self.calls += 1
        return [rule["id"] for rule in data["rules"]]


def test_derived_once_then_taken_from_the_cache(tmp_path: Path, cache_home: Path):
    path, derive = bundle(tmp_path, [{"id": "A1"}]), Counting()
    assert derived_from_bundle(path, "ids", 1, derive) == ["A1"]
    assert derived_from_bundle(path, "ids", 1, derive) == ["A1"]
    assert derive.calls == 1
    assert len(list((cache_home / "shardlint").iterdir())) == 1  # no temporary file left behind


def test_a_changed_bundle_or_stamp_is_derived_again(tmp_path: Path, cache_home: Path):
    derive = Counting()
    path = bundle(tmp_path, [{"id": "A1"}])
    derived_from_bundle(path, "ids", 1, derive)
    assert derived_from_bundle(path, "ids", 2, derive) == ["A1"]  # the deriving code changed
    path = bundle(tmp_path, [{"id": "B2"}])
    assert derived_from_bundle(path, "ids", 2, derive) == ["B2"]  # the bundle changed
    assert derive.calls == 3


def test_a_corrupt_cache_is_derived_again_and_replaced(tmp_path: Path, cache_home: Path):
    path, derive = bundle(tmp_path, [{"id": "A1"}]), Counting()
    derived_from_bundle(path, "ids", 1, derive)
    (kept,) = (cache_home / "shardlint").iterdir()
    for garbage in (b"", b"\x00\x01garbage", kept.read_bytes()[:len(kept.read_bytes()) // 2]):
        kept.write_bytes(garbage)
        assert derived_from_bundle(path, "ids", 1, derive) == ["A1"]
    assert derived_from_bundle(path, "ids", 1, derive) == ["A1"]
    assert derive.calls == 4  # the last call found the rewritten cache


def test_an_unwritable_cache_is_passed_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path, derive = bundle(tmp_path, [{"id": "A1"}]), Counting()
    assert derived_from_bundle(path, "ids", 1, derive) == ["A1"]
    assert derived_from_bundle(path, "ids", 1, derive) == ["A1"]
    assert derive.calls == 2


def test_what_marshal_cannot_hold_is_derived_by_every_run(tmp_path: Path, cache_home: Path):
    path = bundle(tmp_path, [{"id": "A1"}])
    assert derived_from_bundle(path, "objects", 1, lambda data: object) is object
    assert not (cache_home / "shardlint").exists() or not any((cache_home / "shardlint").iterdir())


def test_a_missing_or_foreign_bundle_gives_nothing(tmp_path: Path, cache_home: Path):
    assert derived_from_bundle(tmp_path / "missing.json", "ids", 1, Counting()) is None
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": BUNDLE_FORMAT + 1, "rules": []}), encoding="utf-8")
    assert derived_from_bundle(other, "ids", 1, Counting()) is None


def test_rules_from_the_cache_are_the_rules_compiled_from_the_bundle(cache_home: Path):
    from shardlint.bundle import read_bundle
    from shardlint.engine.registry import ruleset_from_bundle
    from shardlint.engine.rules import compile_rule

    path = ROOT / "rules" / "rules.json"
    compiled = [compile_rule(spec, lazy=True) for spec in read_bundle(path)["rules"]]
    for _ in range(2):  # derived, then from the cache
        rules = ruleset_from_bundle(path, None).rules
        assert [vars(rule) for rule in rules] == [vars(rule) for rule in compiled]
        assert all(type(a.severity) is type(b.severity) for a, b in zip(rules, compiled))
    assert any((cache_home / "shardlint").iterdir())

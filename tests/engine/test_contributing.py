"""CONTRIBUTING.md's family table and number blocks match the rule families and the rules on disk."""

from __future__ import annotations

import re

from shardlint.engine.registry import read_rule_files
from shardlint.families import BUILTIN_FAMILIES
from tests.conftest import ROOT

GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_every_family_is_in_the_table_with_its_codes() -> None:
    rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]+?) \|", GUIDE, flags=re.M))
    assert rows == {family.folder: family.span for family in BUILTIN_FAMILIES}


def test_the_codes_it_gives_as_examples_exist() -> None:
    codes = {spec["id"] for _, spec in read_rule_files()}
    section = GUIDE.split("Within the rule families", 1)[1].split("\n`rules/", 1)[0]
    named = set(re.findall(r"\b(?:SL|SUP|ACC|DSA|DS|FSDP|HF|YAML)[0-9]{3}\b", section))
    assert len(named) > 10 and named <= codes, named - codes


def test_the_build_command_is_the_real_one() -> None:
    assert ".venv/bin/python -m shardlint.engine.build" in GUIDE
    assert (ROOT / "src" / "shardlint" / "engine" / "build.py").is_file()

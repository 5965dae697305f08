"""A rule file's problems are named as a contributor needs to read them, not as the schema dumps them."""

from __future__ import annotations

from pathlib import Path

import pytest

from shardlint.engine.registry import RuleFileError, read_rule_file, read_rule_files
from tests.conftest import write

BASE = """id: FSDP150
name: x
severity: warning
applies-to: [accelerate]
summary: a summary of it
check: declarative
when: {path: mixed_precision, equals: fp16}
at: mixed_precision
message: something is wrong
source: ['seed: x']
rationale: because it is wrong, really
"""
BAD = "{bad: 'mixed_precision: fp16', line: 1}"
FIXED = "{bad: 'mixed_precision: fp16', line: 1, fixed: 'mixed_precision: bf16'}"
GOOD = "{good: 'mixed_precision: bf16'}"
SAFE_FIX = "fix: {title: Use bf16, safety: safe, set: {mixed_precision: bf16}}\n"
UNSAFE_FIX = "fix: {title: Use bf16, safety: unsafe, set: {mixed_precision: bf16}}\n"


@pytest.mark.parametrize(("extra", "problem"), [
    (SAFE_FIX + f"examples: [{BAD}, {GOOD}]\n",
     "at examples: a rule with a fix needs an example with `fixed:` (its `bad:` text after the fix)"),
    (UNSAFE_FIX + f"examples: [{FIXED}, {GOOD}]\n",
     "at fix: an unsafe fix needs `fix-safety:`, one line saying why it is unsafe (from the rationale)"),
    (SAFE_FIX.replace("safe,", "safe, fix-safety: it changes nothing at all,") + f"examples: [{FIXED}, {GOOD}]\n",
     "at fix: `fix-safety:` says why a fix is unsafe; a safe fix has none"),
    (f"examples: [{BAD}, {BAD}]\n", "at examples: a rule needs an example with `good:` (text it stays quiet on)"),
    (f"examples: [{GOOD}, {GOOD}]\n",
     "at examples: a rule needs an example with `bad:` (text it fires on) and `line:` (where)"),
    (f"examples: [{{bad: 'mixed_precision: fp16'}}, {GOOD}]\n",
     "at examples/0: an example with `bad:` needs `line:`, the 1-based line where the rule fires"),
    (f"examples: [{{bad: 'a: 1', good: 'b: 2', line: 1}}, {GOOD}]\n",
     "at examples/0: an example has either `bad:` or `good:` (one of them, not both)"),
])
def test_schema_errors_name_the_missing_piece(tmp_path: Path, extra: str, problem: str) -> None:
    path = write(tmp_path, "FSDP150-x.yaml", BASE + extra)
    with pytest.raises(RuleFileError) as info:
        read_rule_file(path)
    assert info.value.problem == problem
    assert "mixed_precision: fp16" not in str(info.value)  # the example list is not dumped


def test_an_unsafe_fix_with_its_reason_is_valid(tmp_path: Path) -> None:
    fix = UNSAFE_FIX.replace("unsafe,", "unsafe, fix-safety: bf16 changes the numerics of the run,")
    spec = read_rule_file(write(tmp_path, "FSDP150-x.yaml", BASE + fix + f"examples: [{FIXED}, {GOOD}]\n"))
    assert spec["fix"]["fix-safety"] == "bf16 changes the numerics of the run"


@pytest.mark.parametrize(("where", "says"), [
    ("fsdp/DS150-x.yaml", "DS150 does not belong in rules/fsdp/, whose codes are FSDP100-FSDP999"),
    ("input/SL150-x.yaml", "SL150 does not belong in rules/input/, whose codes are SL001-SL099"),
    ("misc/FSDP150-x.yaml", "rules/misc/ is not a rule family"),
])
def test_shardlints_own_codes_sit_in_their_family(tmp_path: Path, where: str, says: str) -> None:
    code = where.split("/")[1].split("-")[0]
    write(tmp_path, where, BASE.replace("FSDP150", code) + f"examples: [{BAD}, {GOOD}]\n")
    with pytest.raises(RuleFileError, match=says):
        read_rule_files(tmp_path)

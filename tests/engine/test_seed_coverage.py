"""Every restriction and tip of the seed document maps to a rule that cites it.

The seed (``../shared/seeds/fsdp_and_deepspeed.md``) is parsed here: its sections, its
``<Tip>`` blocks and the restrictions column of its settings table. A tip, section or
restriction without a rule citing it (``source: "seed: <section> ..."``) fails the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shardlint.engine.registry import read_rule_files

# a phrase of each tip -> the rules that implement it
TIPS = {
    "link a `deepspeed_config_file`": ["DSA102"],
    "`--zero3_save_16bit_model true`": ["DSA105", "DSA106"],
    "`fsdp_backward_prefetch: BACKWARD_PRE`": ["FSDP102"],
    "also set `--fsdp_sync_module_states true`": ["FSDP100"],
    "`fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP`": ["FSDP103", "FSDP104"],
    "please set `fsdp_use_orig_params: True`": ["FSDP101"],
    "`gradient_accumulation_steps: \"auto\"`": ["DSA108", "DSA109"],
    "when using DeepSpeed a small number of GPUs": ["DSA110"],
    "FSDP (like DeepSpeed) will upcast": ["FSDP106"],
}
# tips that say nothing a config file can get wrong, with the reason
NOT_CHECKABLE = {
    "we recommend 🤗 `accelerate launch`": "advice on how to launch; shardlint models `accelerate launch` "
                                           "throughout (its launch defaults are what `effective:` uses)",
}
# table groups whose restriction is only "Transparent to user" (nothing to configure)
TRANSPARENT = re.compile(r"transparent to user\.?", re.IGNORECASE)


def _seed(shared_dir: Path) -> str:
    return (shared_dir / "seeds" / "fsdp_and_deepspeed.md").read_text(encoding="utf-8")


def _tips(text: str) -> list[tuple[str, str]]:
    """(section, tip text) for every <Tip> block."""
    out, section = [], ""
    for block in re.split(r"(<Tip[^>]*>.*?</Tip>)", text, flags=re.DOTALL):
        if block.startswith("<Tip"):
            out.append((section, " ".join(block.split())))
            continue
        for line in block.splitlines():
            heading = re.match(r"^(?:##\s+(.+)|\*\*(.+)\*\*\s*)$", line.strip())
            if heading:
                section = (heading.group(1) or heading.group(2)).strip()
    return out


def _sections(text: str) -> list[str]:
    return [m.group(1) or m.group(2) for m in re.finditer(r"^(?:##\s+(.+)|\*\*(.+)\*\*)\s*$", text, re.MULTILINE)]


def _restricted_rows(text: str) -> list[str]:
    """Groups of the settings table whose 'Restrictions' cell says more than 'Transparent to user'."""
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) == 5 and cells[1] in ("FSDP<br>DeepSpeed", "FSDP<br><br>DeepSpeed") and cells[0] != "Group":
            restriction = TRANSPARENT.sub("", cells[4].replace("<br>", " ")).strip()
            if restriction:
                rows.append(cells[0])
    return rows


@pytest.fixture(scope="module")
def sources() -> dict[str, list[str]]:
    return {spec["id"]: spec["source"] for _, spec in read_rule_files()}


def _cites(sources: list[str], section: str) -> bool:
    return any(re.match(rf"seed: {re.escape(section)}(\s*\(|,|$)", s) for s in sources)


def test_the_seed_has_what_this_test_expects(shared_dir: Path) -> None:
    text = _seed(shared_dir)
    assert len(_tips(text)) == len(TIPS) + len(NOT_CHECKABLE)
    assert len(_restricted_rows(text)) == 5


def test_every_tip_has_a_rule_citing_its_section(shared_dir: Path, sources: dict[str, list[str]]) -> None:
    for section, tip in _tips(_seed(shared_dir)):
        mapped = [codes for phrase, codes in TIPS.items() if phrase in tip]
        excluded = [phrase for phrase in NOT_CHECKABLE if phrase in tip]
        assert len(mapped) + len(excluded) == 1, f"seed tip in {section!r} has no (or several) entries: {tip[:120]}"
        for code in (mapped[0] if mapped else []):
            assert code in sources, f"{code} (for the {section!r} tip) does not exist"
            assert _cites(sources[code], section), f"{code} does not cite 'seed: {section}'"


def test_every_section_has_a_rule(shared_dir: Path, sources: dict[str, list[str]]) -> None:
    for section in _sections(_seed(shared_dir)):
        citing = [code for code, src in sources.items() if _cites(src, section)]
        assert citing, f"no rule cites the seed section {section!r}"


def test_every_table_restriction_has_a_rule(shared_dir: Path, sources: dict[str, list[str]]) -> None:
    for group in _restricted_rows(_seed(shared_dir)):
        phrase = f"seed: Configuring Functionalities table, {group} row"
        citing = [code for code, src in sources.items() if any(s.startswith(phrase) for s in src)]
        assert citing, f"no rule cites the restriction of the table's {group!r} row"

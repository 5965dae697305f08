"""The README's worked examples are what the converter really prints."""

from __future__ import annotations

import re
from pathlib import Path

from shardlint.convert import convert_text
from tests.conftest import readme_section


def _blocks() -> list[str]:
    section = readme_section("## Converting between FSDP and DeepSpeed")
    return re.findall(r"```(?:yaml|json)\n(.*?)```", section, flags=re.S)


def test_readme_examples_are_real(tmp_path: Path):
    fsdp, to_deepspeed, deepspeed, ds_json, to_fsdp2, fsdp1, migrated = _blocks()
    (tmp_path / "fsdp.yaml").write_text(fsdp)
    (tmp_path / "deepspeed.yaml").write_text(deepspeed)
    (tmp_path / "ds_zero3.json").write_text(ds_json)
    assert convert_text(fsdp, "deepspeed", tmp_path / "fsdp.yaml").text == to_deepspeed
    assert convert_text(deepspeed, "fsdp2", tmp_path / "deepspeed.yaml").text == to_fsdp2
    assert convert_text(fsdp1, "fsdp2", tmp_path / "fsdp1.yaml").text == migrated

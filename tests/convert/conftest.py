"""Helpers for the convert tests: convert a YAML string, look at the result as Accelerate would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from shardlint.convert import Conversion, convert_text


class Converted:
    def __init__(self, conversion: Conversion) -> None:
        self.conversion = conversion
        self.text = conversion.text
        self.data: dict[str, Any] = yaml.safe_load(conversion.text)  # PyYAML reads it as Accelerate does
        self.notes = conversion.notes

    @property
    def fsdp(self) -> dict[str, Any]:
        return self.data.get("fsdp_config", {})

    @property
    def ds(self) -> dict[str, Any]:
        return self.data.get("deepspeed_config", {})

    def noted(self, kind: str, text: str) -> bool:
        """Some note of ``kind`` mentions ``text`` (in its key or message)."""
        return any(n.kind == kind and (text in n.key or text in n.message) for n in self.notes)


@pytest.fixture
def convert(tmp_path: Path):
    def run(text: str, target: str, name: str = "accelerate.yaml") -> Converted:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return Converted(convert_text(text, target, path))
    return run

"""The FSDP1 -> FSDP2 migration both ways: FSDP190's fix and ``convert --to fsdp2``, as parsed sections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from shardlint.builtins.fsdp190 import check_fsdp1, is_fsdp1
from shardlint.convert import ConvertError, convert_text
from shardlint.fixes.splice import apply_edits
from shardlint.kinds import detect_kind
from shardlint.loading.reader import read_document


def fsdp1_configs(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        doc = read_document(path, path.name)
        if doc.loaded and detect_kind(doc) == "accelerate" and is_fsdp1(doc):
            found.append(path)
    return found


def by_fix(path: Path) -> dict[str, Any] | None:
    """The fsdp_config FSDP190's fix writes, or ``None`` when it offers none."""
    doc = read_document(path, path.name)
    doc.kind = detect_kind(doc)
    (finding,) = check_fsdp1(doc)
    if not finding.fixes:
        return None
    return yaml.safe_load(apply_edits(doc.text, list(finding.fixes[0].edits)))["fsdp_config"]


def by_convert(path: Path) -> dict[str, Any] | None:
    try:
        converted = convert_text(path.read_text(encoding="utf-8"), "fsdp2", path)
    except ConvertError:
        return None
    return yaml.safe_load(converted.text)["fsdp_config"]

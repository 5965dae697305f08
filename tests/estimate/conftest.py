"""Shared data: the pinned model configs and DeepSpeed's own estimates."""

from __future__ import annotations

import json
from pathlib import Path

from shardlint.estimate.params import ModelSize, count_parameters

DATA = Path(__file__).parent / "data"
MODELS = DATA / "models"
COUNTS = json.loads((MODELS / "counts.json").read_text(encoding="utf-8"))["models"]


def model(name: str) -> ModelSize:
    """A pinned model, counted from its config.json."""
    return count_parameters(json.loads((MODELS / name / "config.json").read_text(encoding="utf-8")), name)

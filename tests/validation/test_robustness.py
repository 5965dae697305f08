"""Arbitrary content under the known sections never makes validation raise."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shardlint.kinds import detect_kind
from shardlint.loading.reader import read_document
from shardlint.validation import validate_document

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**12), st.floats(allow_nan=False),
                    st.text(max_size=12), st.dates(min_value=datetime.date(2000, 1, 1)))
KEYS = st.one_of(st.sampled_from(["fsdp_config", "deepspeed_config", "zero_optimization", "offload_param",
                                  "stage", "fsdp_version", "version", "dynamo_config", "fp16", "auto"]),
                 st.text(min_size=1, max_size=8), st.integers(0, 3), st.booleans())
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
                      max_leaves=12)


def _validate(path: Path, text: str, kind: str) -> None:
    path.write_text(text, encoding="utf-8")
    doc = read_document(path, path.name)
    if not doc.loaded:
        return
    doc.kind = detect_kind(doc) or kind
    for diagnostic in validate_document(doc):
        assert diagnostic.message and diagnostic.range.start <= diagnostic.range.end


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(KEYS, VALUES, max_size=5))
def test_accelerate_yaml(tmp_path: Path, body: dict[Any, Any]) -> None:
    text = yaml.safe_dump({"distributed_type": "FSDP", **body}, sort_keys=False)
    _validate(tmp_path / "config.yaml", text, "accelerate")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(st.text(min_size=1, max_size=8) | KEYS.filter(lambda k: isinstance(k, str)),
                            VALUES, max_size=5))
def test_deepspeed_json(tmp_path: Path, body: dict[str, Any]) -> None:
    text = json.dumps({"train_batch_size": 8, **body}, default=str)
    _validate(tmp_path / "ds_config.json", text, "deepspeed")

"""The shipped schemas, read and prepared once per process."""

from __future__ import annotations

import zlib
from functools import cache
from pathlib import Path
from typing import Any

from shardlint.kept import kept
from shardlint.resources import data_dir
from shardlint.validation.evaluator import Validator

SCHEMA_FILES = {"accelerate": "accelerate-config.schema.json", "deepspeed": "deepspeed-config.schema.json"}


def _schema_file(kind: str) -> Path:
    return data_dir("schemas") / SCHEMA_FILES[kind]


def schema_text(kind: str) -> str:
    """The schema file of ``kind`` ('accelerate' or 'deepspeed'), verbatim."""
    return _schema_file(kind).read_text(encoding="utf-8")


@cache
def schema(kind: str) -> dict[str, Any]:
    """The parsed schema of ``kind``, kept between runs (:func:`~shardlint.kept.kept`) while the file's
    bytes are the ones it was parsed from."""
    raw = _schema_file(kind).read_bytes()
    return kept(f"schema-{kind}", (len(raw), zlib.crc32(raw)), lambda: _parsed(raw))  # type: ignore[no-any-return]


def _parsed(raw: bytes) -> dict[str, Any]:
    import json

    return json.loads(raw.decode("utf-8"))  # type: ignore[no-any-return]


@cache
def validator(kind: str) -> Validator:
    return Validator(schema(kind))

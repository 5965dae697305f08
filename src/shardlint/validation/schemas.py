"""The shipped schemas, read and prepared once per process."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from shardlint.resources import data_dir
from shardlint.validation.evaluator import Validator

SCHEMA_FILES = {"accelerate": "accelerate-config.schema.json", "deepspeed": "deepspeed-config.schema.json"}


def schema_text(kind: str) -> str:
    """The schema file of ``kind`` ('accelerate' or 'deepspeed'), verbatim."""
    return (data_dir("schemas") / SCHEMA_FILES[kind]).read_text(encoding="utf-8")


@cache
def schema(kind: str) -> dict[str, Any]:
    return json.loads(schema_text(kind))


@cache
def validator(kind: str) -> Validator:
    return Validator(schema(kind))

"""Load text as a Document from a real file and apply edits to it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from shardlint.diagnostics import TextEdit
from shardlint.document import Document
from shardlint.fixes.splice import apply_edits
from shardlint.loading.reader import read_document


def load(tmp_path: Path, text: str, name: str = "config.yaml") -> Document:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    doc = read_document(path, name)
    assert doc.loaded, doc.load_diagnostics
    return doc


def applied(doc: Document, edits: list[TextEdit]) -> str:
    return apply_edits(doc.text, edits)


def parse(text: str, syntax: str) -> Any:
    return json.loads(text) if syntax == "json" else yaml.safe_load(text)


def comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.lstrip().startswith("#")]

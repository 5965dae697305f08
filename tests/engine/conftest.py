"""Helpers for engine tests: documents from text on disk, evaluation contexts."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from shardlint.document import Document
from shardlint.engine.context import Context
from shardlint.kinds import detect_kind
from shardlint.loading.reader import read_document
from shardlint.options import LintOptions
from shardlint.settings.resolve import file_options, settings_for


@pytest.fixture
def load(tmp_path: Path) -> Callable[..., Document]:
    """Write ``text`` to ``tmp_path/name`` (and ``files`` beside it) and load it as the pipeline does."""

    def make(text: str, name: str = "config.yaml", files: dict[str, str] | None = None) -> Document:
        for rel, content in (files or {}).items():
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text(content, encoding="utf-8")
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        doc = read_document(path, name)
        doc.kind = detect_kind(doc)
        return doc

    return make


@pytest.fixture
def context(load: Callable[..., Document]) -> Callable[..., Context]:
    def make(text: str, name: str = "config.yaml", files: dict[str, str] | None = None, **options: object) -> Context:
        doc = load(text, name, files)
        invocation = LintOptions(isolated=True, **options)  # type: ignore[arg-type]
        return Context(doc, file_options(invocation, settings_for(doc.path, invocation)))

    return make

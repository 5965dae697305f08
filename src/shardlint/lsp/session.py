"""The open buffers, their latest lint results and the links between them.

Transport-free: the pygls server feeds it buffer events and publishes what it
returns, and the latency benchmark drives it directly.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from lsprotocol import types

from shardlint.lint import FileResult, lint_document
from shardlint.loading.reader import read_document
from shardlint.lsp.code_actions import fixed_text
from shardlint.lsp.protocol_types import to_lsp_diagnostic
from shardlint.lsp.encoding import PositionEncoder
from shardlint.lsp.folder_settings import FolderSettings, SettingsCache
from shardlint.lsp.links import linked_json
from shardlint.validation.schema_index import UNKNOWN
from shardlint.options import LintOptions


@dataclass
class OpenFile:
    uri: str
    path: Path
    text: str
    version: int | None = None
    result: FileResult | None = None  # the lint of ``text``; None when stale
    links: tuple[Path, ...] = ()  # the files this buffer's lint read (or may, once created): see lsp/links.py
    kind: str | None = None  # the kind found by the last lint that could tell
    data: Any = UNKNOWN  # the last tree that parsed (completion runs on half-typed text)
    fixed: str | None = None  # ``text`` with every safe fix applied; None until asked for

    def stale(self) -> None:
        self.result = self.fixed = None


def lint_buffer(path: Path, text: str, options: LintOptions, folder: FolderSettings | None = None) -> FileResult:
    """Lint an editor buffer as a directory walk would see the file.

    A YAML or JSON file that is neither an Accelerate nor a DeepSpeed config gets
    no diagnostics (rather than SL009 on every YAML file the editor opens);
    a broken ``.yaml``/``.json`` still reports its syntax error. ``folder``: the settings
    of the buffer's folder, when the caller keeps them.
    """
    doc = read_document(path, str(path), text=text)
    if folder is None:
        return FileResult(doc, lint_document(doc, options, explicit=False) or [])
    found = lint_document(doc, options, explicit=False, settings=folder.settings,
                          resolved=lambda: folder.resolved(options.buffers))
    return FileResult(doc, found or [])


_frozen = False


def freeze_warm_objects() -> None:
    """Leave what the first lint built (compiled schemas and rules, lsprotocol's converters) out of
    the cyclic collector: they live as long as the server, and a full collection that walks them
    all (about 60,000 objects) paused a re-lint for 18-57 ms every few hundred edits.  Once per
    process (``gc.get_freeze_count`` walks the frozen objects, so it is no cheap test), after the
    first diagnostics are out: the collection before the freeze takes 40-90 ms."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


class Session:
    def __init__(self, options: Callable[[], LintOptions]) -> None:
        self.options = options  # the current settings (the project's configuration applies per file)
        self.files: dict[str, OpenFile] = {}
        self.encoder = PositionEncoder()
        self.folders = SettingsCache()  # each folder's resolved settings, between re-lints

    def open(self, uri: str, path: Path, text: str, version: int | None = None) -> OpenFile:
        self.files[uri] = OpenFile(uri, path, text, version)
        return self.files[uri]

    def update(self, uri: str, text: str, version: int | None = None) -> None:
        file = self.files.get(uri)
        if file is None:
            return
        if text != file.text:
            file.text = text
            file.stale()
        file.version = version

    def close(self, uri: str) -> None:
        self.files.pop(uri, None)

    def forget_settings(self) -> None:
        """A configuration or a file the project's pins are read from changed: resolve settings anew."""
        self.folders.forget()

    def invalidate(self, uris: list[str] | None = None) -> None:
        """Forget results (settings or a linked file changed), so the next lint is fresh."""
        for uri in self.files if uris is None else uris:
            if uri in self.files:
                self.files[uri].stale()

    def lint_options(self) -> LintOptions:
        """The current settings, with the open buffers for reading linked files (unsaved edits count)."""
        return self.options().replace(buffers={f.path: f.text for f in self.files.values()})

    def lint(self, uri: str) -> FileResult | None:
        file = self.files.get(uri)
        if file is None:
            return None
        if file.result is None:
            options = self.lint_options()
            file.result = lint_buffer(file.path, file.text, options, self.folders.get(file.path, options))
            file.links = linked_json(file.result.document, self.is_open)
            document = file.result.document
            file.kind = document.kind or file.kind
            if document.loaded:
                file.data = document.data
        return file.result

    def target(self, uri: str) -> dict[str, str]:
        """The library versions the buffer's lint targets (its project's configuration, then the settings)."""
        return dict(self.folders.get(self.files[uri].path, self.options()).resolved().target)

    def fixed_text(self, uri: str) -> str:
        """The buffer with every safe fix applied (cached: editors ask on every cursor move)."""
        file = self.files[uri]
        result = self.lint(uri)
        if file.fixed is None and result is not None:
            file.fixed = fixed_text(result, self.lint_options())
        return file.text if file.fixed is None else file.fixed

    def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        result = self.lint(uri)
        if result is None:
            return []
        index = result.document.index
        return [to_lsp_diagnostic(d, index, self.encoder) for d in result.diagnostics]

    def is_open(self, path: Path) -> bool:
        return any(f.path == path for f in self.files.values())

    def dependents(self, path: Path) -> list[str]:
        """Open configs whose last lint linked them to ``path``."""
        return [f.uri for f in self.files.values() if path in f.links]

"""A real ``shardlint lsp`` subprocess per module, and helpers to edit like an editor does."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.lsp.rpc import LspClient

try:
    import pygls.lsp.server  # noqa: F401
except ImportError:  # without the 'lsp' extra there is no server to test
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workspace")
    (root / ".git").mkdir()  # the repository root: linked files are looked up to here
    return root


@pytest.fixture(scope="module")
def client(workspace: Path) -> Iterator[LspClient]:
    lsp = LspClient(workspace)
    lsp.capabilities = lsp.initialize(workspace)["capabilities"]
    yield lsp
    assert lsp.close() == 0


def apply_edits(text: str, edits: list[dict[str, Any]]) -> str:
    """Apply LSP TextEdits (UTF-16 positions, as negotiated by default) the way an editor does."""
    lines = text.split("\n")

    def offset(pos: dict[str, int]) -> int:
        line = lines[pos["line"]] if pos["line"] < len(lines) else ""
        units, i = 0, 0
        while i < len(line) and units < pos["character"]:
            units += 2 if ord(line[i]) > 0xFFFF else 1
            i += 1
        return sum(len(l) + 1 for l in lines[:pos["line"]]) + i

    spans = sorted(((offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits),
                   reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def workspace_edits(edit: dict[str, Any], uri: str) -> list[dict[str, Any]]:
    if "documentChanges" in edit:
        return [e for change in edit["documentChanges"] if change["textDocument"]["uri"] == uri
                for e in change["edits"]]
    return edit["changes"][uri]

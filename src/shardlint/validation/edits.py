"""The text edits of a did-you-mean fix: rename a key, or replace a scalar value."""

from __future__ import annotations

import json

from shardlint.diagnostics import Fix, TextEdit
from shardlint.document import Document, KeyPath
from shardlint.fixes.scalars import yaml_scalar


def _string_text(doc: Document, written: str, new: str) -> str:
    """``new`` as a string literal written like ``written`` (the text it replaces)."""
    if doc.syntax == "json":
        return json.dumps(new, ensure_ascii=False)
    return yaml_scalar(new, quote=written[:1] if written[:1] in ("'", '"') else None)


def rename_key_fix(doc: Document, path: KeyPath, new_name: str) -> Fix | None:
    node = doc.positions.get(path)
    if node is None or node.key is None:
        return None
    written = doc.text[node.key.start:node.key.end]
    edit = TextEdit(doc.range_of_span(node.key), _string_text(doc, written, new_name))
    return Fix(f"Rename `{path[-1]}` to `{new_name}`", "safe", (edit,))


def replace_value_fix(doc: Document, path: KeyPath, new_value: str) -> Fix | None:
    node = doc.positions.get(path)
    if node is None or (node.style is not None and node.style not in ("", "'", '"')):
        return None
    written = doc.text[node.value.start:node.value.end]
    if "\n" in written:
        return None
    edit = TextEdit(doc.range_of_span(node.value), _string_text(doc, written, new_value))
    return Fix(f"Replace {written} with {new_value}", "safe", (edit,))


def unquote_fix(doc: Document, path: KeyPath) -> Fix | None:
    """The quoted scalar at ``path`` written without its quotes (``"1.0"`` becomes ``1.0``)."""
    node = doc.positions.get(path)
    if node is None or (doc.syntax == "yaml" and node.style not in ("'", '"')):
        return None
    written = doc.text[node.value.start:node.value.end]
    if "\n" in written or written[:1] not in ("'", '"') or written[-1:] != written[:1]:
        return None
    bare = written[1:-1]
    if bare != doc.get(path):  # escapes in the quotes: the text is not the value
        return None
    edit = TextEdit(doc.range_of_span(node.value), bare)
    return Fix(f"Write {bare} without quotes", "safe", (edit,))

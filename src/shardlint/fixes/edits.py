"""Minimal text edits on a loaded Document, for YAML (block and flow style) and JSON.

Each primitive returns the ``TextEdit`` list that makes one change while every
other byte stays put: comments, key order, quoting, indentation and blank lines
outside the touched lines are untouched.  An empty list means nothing needs to
change, or the change cannot be made safely on this text (say, the parent is a
scalar); callers then offer no fix.

Values are rendered by ``fixes.scalars``; where things sit in the text is ``fixes.layout``'s job.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from shardlint.diagnostics import TextEdit
from shardlint.document import Document, KeyPath
from shardlint.fixes.layout import Layout
from shardlint.fixes.scalars import yaml_scalar

__all__ = ["chain", "edits_between", "quote_scalar", "remove_key", "rename_key", "replace_value_text",
           "set_value"]

Operation = Callable[[Document], list[TextEdit]]



# --- public primitives -------------------------------------------------------

def set_value(doc: Document, path: KeyPath, value: Any) -> list[TextEdit]:
    """Give ``path`` the value ``value``: replace it in place, or insert the key.

    A missing key goes after its last sibling with the siblings' indentation;
    missing parent mappings are created.  Quoting of an existing string is kept.
    """
    layout = Layout(doc)
    if path in doc.positions:
        unchanged = doc.get(path) == value and type(doc.get(path)) is type(value)
        if unchanged or not layout.editable(path):
            return []
        return layout.replace_value(path, value)
    depth = len(path) - 1
    while depth > 0 and path[:depth] not in doc.positions:
        depth -= 1
    parent, rest = path[:depth], path[depth:]
    if any(isinstance(part, int) for part in rest) or parent not in doc.positions or not layout.editable(parent):
        return []
    for key in reversed(rest[1:]):
        value = {key: value}
    return layout.insert(parent, str(rest[0]), value)


def remove_key(doc: Document, path: KeyPath) -> list[TextEdit]:
    """Delete ``path`` with its whole block; whole-line comments inside it are kept."""
    if not path or isinstance(path[-1], int) or path not in doc.positions:
        return []
    layout = Layout(doc)
    return layout.remove(path) if layout.editable(path) else []


def rename_key(doc: Document, path: KeyPath, new_name: str) -> list[TextEdit]:
    """Rename the key of ``path``, keeping its quoting; the value is untouched."""
    node = doc.positions.get(path)
    if node is None or node.key is None or path[-1] == new_name:
        return []
    layout = Layout(doc)
    if not layout.editable(path):
        return []
    old = doc.text[node.key.start:node.key.end]
    if doc.syntax == "json":
        new = json.dumps(new_name, ensure_ascii=False)
    else:
        new = yaml_scalar(new_name, quote=old[0] if old[:1] in ("'", '"') else None)
    return [layout.edit(node.key.start, node.key.end, new)]


def replace_value_text(doc: Document, path: KeyPath, text: str) -> list[TextEdit]:
    """Replace the value of ``path`` with ``text`` verbatim (it must fit there)."""
    if path not in doc.positions:
        return []
    layout = Layout(doc)
    return layout.replace_text(path, text) if layout.editable(path) else []


def quote_scalar(doc: Document, path: KeyPath) -> list[TextEdit]:
    """Quote a plain YAML scalar so it stays a string: ``no`` -> ``'no'``."""
    node = doc.positions.get(path)
    if doc.syntax != "yaml" or node is None or node.style != "" or node.value.start == node.value.end:
        return []
    raw = doc.text[node.value.start:node.value.end]
    layout = Layout(doc)
    if "\n" in raw or not layout.editable(path):
        return []
    return [layout.edit(node.value.start, node.value.end, yaml_scalar(raw, quote="'"))]


def chain(doc: Document, operations: Iterable[Operation]) -> list[TextEdit]:
    """Several changes made one after another, as edits on the original text.

    Each operation sees the text the previous ones left (re-parsed), so changes
    that touch the same place compose: e.g. removing a mapping's last key and
    then adding another.  Returns ``[]`` when a step leaves text that does not load.
    """
    from shardlint.fixes.splice import apply_edits
    from shardlint.loading.reader import parse

    current = doc
    for operation in operations:
        edits = operation(current)
        if not edits:
            continue
        current = Document(doc.path, doc.display_path, apply_edits(current.text, edits), doc.syntax)
        parse(current)
        if not current.loaded:
            return []
    return edits_between(doc, current.text)


def edits_between(doc: Document, new_text: str) -> list[TextEdit]:
    """Line-wise edits that turn ``doc.text`` into ``new_text`` (one per changed hunk)."""
    from difflib import SequenceMatcher

    old_lines, new_lines = _lines(doc.text), _lines(new_text)
    starts = [0]
    for line in old_lines:
        starts.append(starts[-1] + len(line))
    edits = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(TextEdit(doc.index.range(starts[i1], starts[i2]), "".join(new_lines[j1:j2])))
    return edits


def _lines(text: str) -> list[str]:
    """``text`` split after each ``\n`` (a ``\r`` stays with its line)."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])

"""Completion of keys and enum values from the schemas (an Accelerate key's default from the setting model), at the cursor's key path."""

from __future__ import annotations

import json
from typing import Any

from lsprotocol import types

from shardlint.lsp.cursor import Cursor, cursor_at
from shardlint.lsp.encoding import PositionEncoder
from shardlint.lsp.accelerate_info import AccelerateIndex
from shardlint.lsp.recipe_info import RecipeIndex, index_for
from shardlint.lsp.render import code, scalar
from shardlint.validation.schema_index import UNKNOWN, KeyInfo, SchemaIndex
from shardlint.textindex import TextIndex

TRIGGER_CHARACTERS = [":", '"']


def _documentation(info: KeyInfo, syntax: str) -> types.MarkupContent | None:
    parts = [*info.descriptions]
    if info.retired:
        parts.insert(0, f"No longer read. {info.retired}")
    if info.expected:
        parts.append(f"Expected: {info.expected}")
    elif info.values:
        parts.append("Values: " + ", ".join(code(v, syntax) for v in info.values))
    if info.has_default:
        parts.append(f"Default: {code(info.default, syntax)}")
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n".join(parts)) if parts else None


def _key_text(key: str, info: KeyInfo, cursor: Cursor, syntax: str) -> str:
    line_end = cursor.text.find("\n", cursor.end)
    has_colon = cursor.text[cursor.end:None if line_end == -1 else line_end].lstrip().startswith(":")
    if syntax == "json":
        return json.dumps(key) + ("" if has_colon else ": ")
    if has_colon:
        return key
    if info.types == ["object"]:
        line_start = cursor.text.rfind("\n", 0, cursor.start) + 1
        return f"{key}:\n{' ' * (cursor.start - line_start + 2)}"
    return f"{key}: "


def key_items(index: SchemaIndex | RecipeIndex | AccelerateIndex, cursor: Cursor, syntax: str, data: Any,
              replace: types.Range) -> list[types.CompletionItem]:
    items = []
    for key, info in index.properties(cursor.path, data).items():
        if key in cursor.siblings:
            continue
        flagged = info.deprecated is not None or info.retired is not None
        items.append(types.CompletionItem(
            label=key,
            kind=types.CompletionItemKind.Property,
            detail=" | ".join(info.types) or None,
            documentation=_documentation(info, syntax),
            tags=[types.CompletionItemTag.Deprecated] if flagged else None,
            filter_text=json.dumps(key) if cursor.quoted else key,
            sort_text=("1" if flagged else "0") + key,
            text_edit=types.TextEdit(range=replace, new_text=_key_text(key, info, cursor, syntax)),
        ))
    return items


def value_items(index: SchemaIndex | RecipeIndex | AccelerateIndex, cursor: Cursor, syntax: str, data: Any,
                replace: types.Range) -> list[types.CompletionItem]:
    info = index.info(cursor.path, data)
    items = []
    for i, value in enumerate(info.values):
        text = scalar(value, syntax)
        label = text
        if syntax == "yaml" and cursor.start > 0 and cursor.text[cursor.start - 1] == ":":
            text = " " + text  # typed "key:" and asked at once
        is_default = info.has_default and info.default == value and type(info.default) is type(value)
        note = info.value_notes.get(repr(value))
        items.append(types.CompletionItem(
            label=label,
            kind=types.CompletionItemKind.EnumMember,
            detail="default" if is_default else None,
            documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=note) if note else None,
            filter_text=label,
            sort_text=f"{i:04d}",
            preselect=is_default or None,
            text_edit=types.TextEdit(range=replace, new_text=text),
        ))
    return items


def complete(text: str, syntax: str, kind: str, offset: int, encoder: PositionEncoder,
             data: Any = UNKNOWN, versions: dict[str, str] | None = None) -> types.CompletionList:
    """Keys or values for the cursor at ``offset`` in ``text``, a config of ``kind``.

    ``data`` is the last parse of the buffer, used to decide the schema's
    conditionals (the buffer being typed in rarely parses itself); ``versions`` (the target) picks the
    releases whose TrainingArguments a recipe is completed from.
    """
    index = index_for(kind, versions)
    cursor = cursor_at(text, offset, syntax)
    if index is None or cursor is None:
        return types.CompletionList(is_incomplete=False, items=[])
    replace = encoder.offset_range(TextIndex(text), cursor.start, cursor.end)
    items = (key_items if cursor.role == "key" else value_items)(index, cursor, syntax, data, replace)
    return types.CompletionList(is_incomplete=False, items=items)

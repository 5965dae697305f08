"""The text edits of a did-you-mean fix: rename a key, or replace a scalar value."""

from __future__ import annotations

import json
import re

from shardlint.diagnostics import Fix, TextEdit
from shardlint.document import Document, KeyPath

# plain YAML 1.1 scalars that would not read back as the same string
_YAML_NOT_STRING = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|~|null|Null|NULL|[-+]?[0-9][0-9_.:eE+-]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_YAML_PLAIN_SAFE = re.compile(r"^[A-Za-z_][A-Za-z0-9_./-]*$")


def _yaml_string(text: str, quote: str) -> str:
    if quote == "'":
        return "'" + text.replace("'", "''") + "'"
    if quote == '"':
        return json.dumps(text, ensure_ascii=False)
    if _YAML_PLAIN_SAFE.match(text) and not _YAML_NOT_STRING.match(text):
        return text
    return "'" + text.replace("'", "''") + "'"


def _string_text(doc: Document, written: str, new: str) -> str:
    """``new`` as a string literal written like ``written`` (the text it replaces)."""
    if doc.syntax == "json":
        return json.dumps(new, ensure_ascii=False)
    quote = written[:1] if written[:1] in ("'", '"') else ""
    return _yaml_string(new, quote)


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

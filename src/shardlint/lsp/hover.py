"""Hover on a key: what the schema says about it, and the rules that fired on it."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from shardlint.diagnostics import Diagnostic, Position
from shardlint.document import Document, KeyPath, format_path
from shardlint.lint import FileResult
from shardlint.lsp.cursor import Role, cursor_at, key_at
from shardlint.lsp.encoding import PositionEncoder
from shardlint.lsp.recipe_info import index_for
from shardlint.lsp.render import code
from shardlint.lsp.rule_docs import rule_doc
from shardlint.validation.schema_index import UNKNOWN, KeyInfo


def schema_kind(doc: Document, known: str | None = None) -> str:
    """The schema to consult; a buffer too broken to tell is judged by its syntax."""
    return doc.kind or known or ("deepspeed" if doc.syntax == "json" else "accelerate")


def target_at(doc: Document, offset: int) -> tuple[KeyPath, Role, int, int] | None:
    """The key path under the cursor, whether the cursor is on its key or value, and that span."""
    found = key_at(doc, offset) if doc.loaded else None
    if found is not None:
        path, role = found
        span = doc.span(path, role)
        return path, role, span.start, span.end
    cursor = cursor_at(doc.text, offset, doc.syntax)
    if cursor is None or (cursor.role == "key" and not cursor.word):
        return None
    path = cursor.path + (cursor.word,) if cursor.role == "key" else cursor.path
    return (path, cursor.role, cursor.start, cursor.end) if path else None


def schema_section(info: KeyInfo, value: Any, role: Role, syntax: str) -> list[str]:
    out = [*info.descriptions]
    if info.retired:
        out.insert(0, f"**No longer read.** {info.retired}")
    if info.deprecated is not None:
        out.insert(0, f"**Deprecated.** {info.deprecated}".rstrip())
    note = info.value_notes.get(repr(value)) if role == "value" and value is not UNKNOWN else None
    if note:
        out.append(f"{code(value, syntax)}: {note}")
    if info.expected:
        out.append(f"**Expected:** {info.expected}")
    elif info.values:
        out.append("**Values:** " + ", ".join(code(v, syntax) for v in info.values))
    elif info.types:
        out.append("**Type:** " + " | ".join(f"`{t}`" for t in info.types))
    if info.has_default:
        out.append(f"**Default:** {code(info.default, syntax)}")
    if info.sources:
        out.append(f"*Source: {info.sources[0]}*")
    return out


def rule_section(diag: Diagnostic) -> list[str]:
    out = [f"**{diag.code}** ({diag.severity.label}): {diag.message}"]
    doc = rule_doc(diag.code)
    if doc is not None and doc.rationale:
        out.append(doc.rationale)
    if diag.docs_url:
        out.append(f"[{diag.code} documentation]({diag.docs_url})")
    return out


def _points_at(diag: Diagnostic, pos: Position) -> bool:
    """A one-line finding under the cursor (a whole-file finding would follow every hover)."""
    return diag.range.start.line == diag.range.end.line and diag.range.start <= pos <= diag.range.end


def hover(result: FileResult, offset: int, encoder: PositionEncoder, kind: str | None = None,
          markdown: bool = True, versions: dict[str, str] | None = None) -> types.Hover | None:
    doc = result.document
    target = target_at(doc, offset)
    pos = doc.index.position(offset)
    sections: list[str] = []
    if target is None:
        start = end = offset
        fired = [d for d in result.diagnostics if _points_at(d, pos)]
    else:
        path, role, start, end = target
        dotted = format_path(path)
        index = index_for(schema_kind(doc, kind), versions, doc)
        data = doc.data if doc.loaded else UNKNOWN
        info = index.info(path, data) if index is not None else KeyInfo(path)
        if info.known:
            title = f"**{path[-1]}**" + (f" · `{dotted}`" if len(path) > 1 else "")
            value = doc.get(path, UNKNOWN) if doc.loaded else UNKNOWN
            sections = [title, *schema_section(info, value, role, doc.syntax)]
        fired = [d for d in result.diagnostics if d.path == dotted or (not d.path and _points_at(d, pos))]
    for diag in fired:
        sections.extend(["---", *rule_section(diag)] if sections else rule_section(diag))
    if not sections:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText,
                                     value="\n\n".join(sections)),
        range=encoder.offset_range(doc.index, start, end),
    )

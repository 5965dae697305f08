"""The one diagnostic model every checker produces and every reporter consumes.

Positions follow LSP 3.17: zero-based lines, characters counted in UTF-16 code
units.  A fix is a list of TextEdits on the original text, so the same object
serves ``--fix``, ``--diff``, the JSON report and the language server.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, Literal, NamedTuple

DOCS_BASE = "https://github.com/shardlint/shardlint/blob/main/docs/rules/"


class Severity(IntEnum):
    """LSP DiagnosticSeverity values; lower is more severe."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @classmethod
    def parse(cls, name: str) -> Severity:
        aliases = {"error": cls.ERROR, "warning": cls.WARNING, "info": cls.INFORMATION,
                   "information": cls.INFORMATION, "hint": cls.HINT}
        try:
            return aliases[name.lower()]
        except KeyError:
            raise ValueError(f"unknown severity {name!r} (use error, warning, info or hint)") from None

    @property
    def label(self) -> str:
        return {1: "error", 2: "warning", 3: "info", 4: "hint"}[self.value]


class Position(NamedTuple):
    line: int
    character: int

    def to_lsp(self) -> dict[str, int]:
        return {"line": self.line, "character": self.character}


class Range(NamedTuple):
    start: Position
    end: Position

    def to_lsp(self) -> dict[str, Any]:
        return {"start": self.start.to_lsp(), "end": self.end.to_lsp()}


class TextEdit(NamedTuple):
    range: Range
    new_text: str

    def to_lsp(self) -> dict[str, Any]:
        return {"range": self.range.to_lsp(), "newText": self.new_text}


Safety = Literal["safe", "unsafe"]


class Fix(NamedTuple):
    title: str
    safety: Safety
    edits: tuple[TextEdit, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "safety": self.safety,
                "edits": [e.to_lsp() for e in self.edits]}


class Diagnostic:
    __slots__ = ("code", "severity", "message", "range", "path", "fixes", "docs_url")

    def __init__(self, code: str, severity: Severity, message: str, range: Range, path: str = "",
                 fixes: list[Fix] | None = None, docs_url: str | None = None) -> None:
        self.code = code
        self.severity = severity
        self.message = message
        self.range = range
        self.path = path  # dotted key path, e.g. "fsdp_config.fsdp_sync_module_states"
        self.fixes: list[Fix] = fixes if fixes is not None else []
        self.docs_url = docs_url

    def replace(self, **changes: Any) -> Diagnostic:
        """A copy with ``changes`` applied."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        return Diagnostic(**{**fields, **changes})

    def __repr__(self) -> str:
        return f"Diagnostic({self.code} {self.severity.label} {self.path!r} {self.range}: {self.message})"

    def sort_key(self) -> tuple[int, int, int, str]:
        return (self.range.start.line, self.range.start.character, self.severity, self.code)

    def to_lsp(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "range": self.range.to_lsp(),
            "severity": int(self.severity),
            "code": self.code,
        }
        if self.docs_url:
            out["codeDescription"] = {"href": self.docs_url}
        out["source"] = "shardlint"
        out["message"] = self.message
        out["data"] = {"path": self.path, "fixes": [f.to_json() for f in self.fixes]}
        return out

"""The one diagnostic model every checker produces and every reporter consumes.

Positions follow LSP 3.17: zero-based lines, characters counted in UTF-16 code
units.  A fix is a list of TextEdits on the original text, so the same object
serves ``--fix``, ``--diff``, the JSON report and the language server.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, Callable, Literal, NamedTuple

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


class Fix:
    """A titled change.  ``edits`` may be given as a function that works them out on first use: a fix
    made of several steps is known to change the text before the line-wise diff that gives its edits
    is run, and a text report needs only the title."""

    __slots__ = ("title", "safety", "_edits")

    def __init__(self, title: str, safety: Safety,
                 edits: tuple[TextEdit, ...] | Callable[[], list[TextEdit]] = ()) -> None:
        self.title = title
        self.safety = safety
        self._edits = edits

    @property
    def edits(self) -> tuple[TextEdit, ...]:
        if callable(self._edits):
            self._edits = tuple(self._edits())
        return self._edits

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fix) and (self.title, self.safety, self.edits) == (other.title, other.safety,
                                                                                   other.edits)

    def __hash__(self) -> int:
        return hash((self.title, self.safety, self.edits))

    def __repr__(self) -> str:
        return f"Fix({self.title!r}, {self.safety!r}, {self.edits!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Fix, (self.title, self.safety, self.edits))

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "safety": self.safety,
                "edits": [e.to_lsp() for e in self.edits]}


# what a diagnostic's fixes (and, for a finding whose words depend on them, the end of its message)
# come from when they are worked out only on demand: (message suffix, fixes)
Pending = Callable[[], "tuple[str, list[Fix]]"]


class Diagnostic:
    """One finding.  Its fixes may be pending: building their edits can cost more than the rest of
    the lint (re-parsing after each step of a migration), and a text report of the findings at the
    default display level never reads them, so they are worked out on first use of ``fixes``."""

    __slots__ = ("code", "severity", "_message", "range", "path", "_fixes", "docs_url", "_pending")

    def __init__(self, code: str, severity: Severity, message: str, range: Range, path: str = "",
                 fixes: list[Fix] | None = None, docs_url: str | None = None,
                 pending: Pending | None = None) -> None:
        self.code = code
        self.severity = severity
        self._message = message
        self.range = range
        self.path = path  # dotted key path, e.g. "fsdp_config.fsdp_sync_module_states"
        self._fixes: list[Fix] = fixes if fixes is not None else []
        self.docs_url = docs_url
        self._pending = pending

    def _resolve(self) -> None:
        assert self._pending is not None
        suffix, fixes = self._pending()
        self._pending = None
        self._message += suffix
        self._fixes = fixes

    @property
    def message(self) -> str:
        if self._pending is not None:
            self._resolve()
        return self._message

    @property
    def fixes(self) -> list[Fix]:
        if self._pending is not None:
            self._resolve()
        return self._fixes

    def replace(self, **changes: Any) -> Diagnostic:
        """A copy with ``changes`` applied (pending fixes stay pending, shared with this one)."""
        if self._pending is not None and ("message" in changes or "fixes" in changes):
            self._resolve()
        fields = {"code": self.code, "severity": self.severity, "message": self._message, "range": self.range,
                  "path": self.path, "fixes": self._fixes, "docs_url": self.docs_url, "pending": self._shared()}
        return Diagnostic(**{**fields, **changes})

    def _shared(self) -> Pending | None:
        """A pending for a copy: resolving either works the fixes out once, for both."""
        if self._pending is None:
            return None
        base = self._message
        return lambda: (self.message[len(base):], self.fixes)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (to and from worker processes) with its fixes worked out."""
        return (Diagnostic, (self.code, self.severity, self.message, self.range, self.path, self.fixes,
                             self.docs_url))

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

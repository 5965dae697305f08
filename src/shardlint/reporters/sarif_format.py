"""``--format sarif``: a SARIF 2.1.0 log that GitHub code scanning accepts.

Lines and columns are 1-based; columns count UTF-16 code units, as the
diagnostics' LSP ranges do (``run.columnKind``).  Paths relative to the working
folder are given relative to ``%SRCROOT%`` so code scanning can place them in
the repository.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, Iterator, NamedTuple
from urllib.parse import quote

from shardlint import __version__
from shardlint.diagnostics import DOCS_BASE, Diagnostic, Fix, Range, Severity
from shardlint.lint import FileResult, Report
from shardlint.reporters import View, render_whole
from shardlint.reporters.entries import Entries

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/shardlint/shardlint"
SRCROOT = "%SRCROOT%"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning",
           Severity.INFORMATION: "note", Severity.HINT: "note"}


@dataclass(frozen=True)
class RuleInfo:
    id: str
    name: str
    summary: str
    severity: Severity | None


def rule_catalog() -> dict[str, RuleInfo]:
    """Every known rule, from the rule engine's registry (empty where it is not installed)."""
    try:
        from shardlint.engine.registry import load_ruleset
    except ImportError:
        return {}
    return {r.id: RuleInfo(r.id, r.name, r.summary, r.severity) for r in load_ruleset().rules}


def _descriptor(code: str, info: RuleInfo | None, example: _Example | None) -> dict[str, Any]:
    """A reportingDescriptor; a code no rule file describes is named by its code and first message."""
    summary = info.summary if info and info.summary else (example.message if example else code)
    out: dict[str, Any] = {
        "id": code,
        "name": info.name if info else code,
        "shortDescription": {"text": summary},
        "helpUri": example.docs_url if example is not None and example.docs_url else f"{DOCS_BASE}{code}.md",
    }
    if info and info.severity is not None:
        out["defaultConfiguration"] = {"level": _LEVELS[info.severity]}
    return out


def _artifact(result: FileResult) -> dict[str, Any]:
    shown = PurePath(result.path)
    if shown.is_absolute() or ".." in shown.parts:
        return {"uri": result.uri}
    # quoted as bytes: a file name that is not UTF-8 becomes %XX escapes, as in Path.as_uri()
    return {"uri": quote(os.fsencode(shown.as_posix())), "uriBaseId": SRCROOT}


def _region(rng: Range) -> dict[str, int]:
    return {"startLine": rng.start.line + 1, "startColumn": rng.start.character + 1,
            "endLine": rng.end.line + 1, "endColumn": rng.end.character + 1}


def _fix(fix: Fix, artifact: dict[str, Any]) -> dict[str, Any]:
    title = fix.title if fix.safety == "safe" else f"{fix.title} (unsafe: may change behaviour)"
    return {
        "description": {"text": title},
        "artifactChanges": [{
            "artifactLocation": artifact,
            "replacements": [{"deletedRegion": _region(e.range), "insertedContent": {"text": e.new_text}}
                             for e in fix.edits],
        }],
    }


def _fingerprint(diag: Diagnostic, artifact: dict[str, Any]) -> str:
    """Stable across unrelated edits: the code, the file and the key path (or the line without one)."""
    where = diag.path or f"line {diag.range.start.line}"
    return hashlib.sha256(f"{diag.code}\0{artifact['uri']}\0{where}".encode()).hexdigest()[:32]


def _result(diag: Diagnostic, index: int, artifact: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": diag.code,
        "ruleIndex": index,
        "level": _LEVELS[diag.severity],
        "message": {"text": diag.message},
        "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": _region(diag.range)}}],
        "partialFingerprints": {"shardlintKeyPath/v1": _fingerprint(diag, artifact)},
    }
    if diag.path:
        out["properties"] = {"keyPath": diag.path}
    fixes = [_fix(f, artifact) for f in diag.fixes if f.edits]
    if fixes:
        out["fixes"] = fixes
    return out


def _folder_uri(folder: Path) -> str:
    uri = folder.as_uri()
    return uri if uri.endswith("/") else uri + "/"


class _Example(NamedTuple):
    """What a rule's descriptor takes from a finding of it."""

    message: str
    docs_url: str | None


# the marker standing for the results in the serialised log: the last string of the log
_RESULTS = "\ufdd0results"


class SarifOutput:
    """The SARIF log, built file by file as a run reaches them: each finding's result is serialised
    when its file is added and kept in :class:`Entries`, never the files' documents.

    The rules are every known rule, sorted, then any code no rule file describes in the order the
    run met it, so a result's ``ruleIndex`` is known when it is written.
    """

    def __init__(self) -> None:
        self.catalog = rule_catalog()
        self.codes = sorted(self.catalog)
        self.index = {code: i for i, code in enumerate(self.codes)}
        self.examples: dict[str, _Example] = {}  # code -> the first finding of it
        self.results = Entries(",\n        ")
        self.failed = False

    def reserve(self) -> int:
        """A place in the log for a file added later (``add(..., slot=)``)."""
        return self.results.reserve()

    def add(self, result: FileResult, failed: bool = False, slot: int | None = None) -> None:
        self.failed |= failed
        artifact = _artifact(result)
        entries = []
        for diag in result.diagnostics:
            if diag.code not in self.index:
                self.index[diag.code] = len(self.codes)
                self.codes.append(diag.code)
            self.examples.setdefault(diag.code, _Example(diag.message, diag.docs_url))
            entry = json.dumps(_result(diag, self.index[diag.code], artifact), indent=2, ensure_ascii=False)
            entries.append(entry.replace("\n", "\n        "))
        self.results.add(",\n        ".join(entries), failed, slot)

    def pieces(self) -> Iterator[str]:
        """The log in pieces, to be written one after another (no copy of the whole is made)."""
        log = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "shardlint", "version": __version__, "semanticVersion": __version__,
                    "informationUri": INFORMATION_URI,
                    "rules": [_descriptor(c, self.catalog.get(c), self.examples.get(c)) for c in self.codes],
                }},
                "originalUriBaseIds": {SRCROOT: {"uri": _folder_uri(Path(os.getcwd()))}},
                "columnKind": "utf16CodeUnits",
                # false: a path could not be read
                "invocations": [{"executionSuccessful": not self.failed}],
                "results": [_RESULTS] if self.results.count else [],
            }],
        }
        text = json.dumps(log, indent=2, ensure_ascii=False) + "\n"
        if not self.results.count:
            yield text
            return
        head, _, tail = text.rpartition(json.dumps(_RESULTS, ensure_ascii=False))
        yield head
        yield from self.results.pieces()
        yield tail

    def render(self) -> str:
        return "".join(self.pieces())


def render(report: Report, *, color: bool = False, view: View = View()) -> str:
    """Every finding, whatever ``view`` shows: tools filter on ``severity`` themselves."""
    return render_whole(SarifOutput(), report)

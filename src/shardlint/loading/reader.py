"""Read a file from disk into a Document: decoding, syntax choice, parsing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shardlint.builtins.input import problem_finding
from shardlint.document import Document, KeyPath, Node, Syntax
from shardlint.loading.files import NotARegularFile, read_regular
from shardlint.loading.limits import MAX_FILE_BYTES
from shardlint.loading.problems import Problem

JSON_SUFFIXES = {".json", ".jsonc"}


class Unreadable(Exception):
    """The path could not be read at all (missing, permissions, a directory ...)."""


def choose_syntax(path: Path, text: str) -> Syntax:
    """``.json`` is JSON (as Accelerate decides); other files are JSON when they look like it."""
    if path.suffix.lower() in JSON_SUFFIXES:
        return "json"
    return "json" if text.lstrip()[:1] == "{" else "yaml"


def decode(raw: bytes) -> tuple[str | None, Problem | None]:
    if b"\x00" in raw[:8192]:
        return None, Problem("not-text", "binary file (it contains NUL bytes); not a config", 0, 0)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", "replace")
        return good + raw[exc.start:].decode("utf-8", "replace"), Problem(
            "not-text", f"invalid UTF-8 at byte {exc.start} (byte 0x{raw[exc.start]:02x}); "
            "config files must be UTF-8", len(good), len(good) + 1)
    return text, None


def parse(doc: Document) -> None:
    """Fill ``doc.data``/``doc.positions`` from ``doc.text``; never raises.

    Each loader is imported only for a document of its syntax: a run over JSON files never imports PyYAML.
    """
    if doc.syntax == "json":
        from shardlint.loading.json_loader import load_json

        data, positions, problems = load_json(doc.text)
        if data is None and problems and problems[0].kind == "syntax" and doc.path.suffix.lower() not in JSON_SUFFIXES:
            from shardlint.loading.yaml_loader import load_yaml

            # looked like JSON but is not: YAML flow style is a superset, try it
            ydata, ypositions, yproblems = load_yaml(doc.text)
            if ydata is not None:
                doc.syntax = "yaml"
                data, positions, problems = ydata, ypositions, yproblems
        _fill(doc, data, positions, problems)
    else:
        from shardlint.loading.yaml_loader import load_yaml

        _fill(doc, *load_yaml(doc.text))


def _fill(doc: Document, data: Any, positions: dict[KeyPath, Node], problems: list[Problem]) -> None:
    doc.data, doc.positions = data, positions
    doc.load_diagnostics.extend(problem_finding(doc, p) for p in problems)


def read_document(path: Path, display_path: str, text: str | None = None) -> Document:
    """Load ``path`` (or the given ``text`` for it, as an editor buffer).

    Raises :class:`Unreadable` when the file cannot be opened or read.
    """
    if text is not None:
        return _document(path, display_path, text, None)  # type: ignore[return-value]
    return document_from_bytes(path, display_path, _read(path), _OVER_LIMIT)


def read_walked(path: Path, display_path: str) -> Document | None:
    """:func:`read_document` for a file a folder walk found; ``None`` for a YAML file whose top-level
    keys already show it is no config, which a walk passes over without building its values.

    Raises :class:`Unreadable` when the file cannot be opened or read.
    """
    return _from_bytes(path, display_path, _read(path), _OVER_LIMIT, walked=True)


_OVER_LIMIT = f"file is over the {MAX_FILE_BYTES:,}-byte limit; not checked"


def _read(path: Path) -> bytes:
    try:
        return read_regular(path)
    except IsADirectoryError as exc:
        raise Unreadable("is a directory") from exc
    except NotARegularFile as exc:
        raise Unreadable(str(exc)) from exc
    except OSError as exc:
        raise Unreadable(f"cannot read the file: {exc.strerror or exc}") from exc


def document_from_bytes(path: Path, display_path: str, raw: bytes, over_limit: str) -> Document:
    """Load ``raw`` (a file's bytes, or standard input's) as ``path``; ``over_limit`` is the message
    for bytes over the size limit."""
    return _from_bytes(path, display_path, raw, over_limit)  # type: ignore[return-value]


def _from_bytes(path: Path, display_path: str, raw: bytes, over_limit: str, walked: bool = False) -> Document | None:
    if len(raw) > MAX_FILE_BYTES:
        doc = Document(path, display_path, "", "yaml")
        doc.load_diagnostics.append(problem_finding(doc, Problem("over-a-limit", over_limit, 0, 0)))
        return doc
    text, problem = decode(raw)
    if text is None:
        doc = Document(path, display_path, "", "yaml")
        doc.load_diagnostics.append(problem_finding(doc, problem))  # type: ignore[arg-type]
        return doc
    return _document(path, display_path, text, problem, walked)


def _document(path: Path, display_path: str, text: str, problem: Problem | None,
              walked: bool = False) -> Document | None:
    """The document of decoded ``text``: a launch surface, or YAML/JSON parsed unless ``problem``;
    ``walked`` (a file a walk found, decoded without a problem): ``None`` for a YAML mapping whose keys
    make it no config."""
    from shardlint.launch.sniff import surface_of

    surface = surface_of(path, text[:256].encode("utf-8", "replace"))
    if surface in ("shell", "markdown", "makefile"):
        doc = Document(path, display_path, text, surface, kind="launch")  # type: ignore[arg-type]
        if problem is not None:
            doc.load_diagnostics.append(problem_finding(doc, problem))
        return doc
    doc = Document(path, display_path, text, choose_syntax(path, text))
    if problem is not None:
        doc.load_diagnostics.append(problem_finding(doc, problem))
        return doc
    if doc.syntax == "yaml" and walked and surface is None:  # a workflow's launches are read from its jobs
        from shardlint.kinds import walked_yaml_kind
        from shardlint.loading.yaml_loader import build_yaml, compose_yaml, top_level_keys

        composed = compose_yaml(text)
        keys = top_level_keys(composed)
        if keys is not None and walked_yaml_kind(keys) is None:
            return None
        _fill(doc, *build_yaml(composed))
        return doc
    parse(doc)
    return doc

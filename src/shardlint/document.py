"""A loaded config file: its text, plain parsed tree and where every key sits.

Every diagnostic is placed from ``positions``, never by searching the text again.
Key paths are tuples such as ``("fsdp_config", "fsdp_sync_module_states")``;
list items use integer indices.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any, Iterator, Literal, NamedTuple, Union

from shardlint.diagnostics import Diagnostic, Range
from shardlint.textindex import TextIndex

KeyPath = tuple[Union[str, int], ...]
Kind = Literal["accelerate", "deepspeed", "launch", "recipe"]
Syntax = Literal["yaml", "json", "shell", "markdown", "makefile"]  # the last three hold launch commands


class Span(NamedTuple):
    """Half-open code-point offsets into the document text."""

    start: int
    end: int


class Node(NamedTuple):
    """Where a key path's key and value sit.  The root has no key span.

    ``style`` records how a YAML scalar was written (``''`` plain, ``'"'``,
    ``"'"``, ``'|'``, ``'>'``), so rules can tell ``no`` from ``'no'``.
    """

    key: Span | None
    value: Span
    style: str | None = None


def format_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


class Document:
    def __init__(self, path: Path, display_path: str, text: str, syntax: Syntax, data: Any = None,
                 positions: dict[KeyPath, Node] | None = None, kind: Kind | None = None) -> None:
        self.path = path
        self.display_path = display_path
        self.text = text
        self.syntax = syntax
        self.data = data
        self.positions: dict[KeyPath, Node] = positions if positions is not None else {}
        self.kind = kind
        self.load_diagnostics: list[Diagnostic] = []
        # for a launch file: each config file its accelerate launches name, with the options that launch passes
        self.launched_configs: list[tuple[Path, frozenset[str]]] = []
        # for a launch file: each DeepSpeed JSON its launches name, with the launch's runner (None: not shown)
        # and where the launch is (file:line)
        self.launched_runners: list[tuple[Path, str | None, str]] = []
        # for a config launches name: the runners its "auto" values were checked for (empty: --deepspeed-runner)
        self.runners: tuple[str, ...] = ()
        # for a launch file: the files its launches name (each found, or every place a missing one was looked for)
        self.launch_files: list[Path] = []

    def __repr__(self) -> str:
        return f"Document({self.display_path!r}, {self.syntax}, kind={self.kind})"

    @cached_property
    def index(self) -> TextIndex:
        return TextIndex(self.text)

    @property
    def loaded(self) -> bool:
        """True when the text parsed into a tree that checks can run on (a script is read as shell)."""
        return self.data is not None or self.kind == "launch"

    def get(self, path: KeyPath, default: Any = None) -> Any:
        node = self.data
        for part in path:
            if isinstance(part, int):
                if not isinstance(node, list) or not -len(node) <= part < len(node):
                    return default
            elif not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def span(self, path: KeyPath, part: Literal["key", "value", "item"] = "key") -> Span:
        """The span of ``path``'s key (or value); falls back to the nearest ancestor.

        ``item`` spans the key through the end of the value.
        """
        while path not in self.positions and path:
            path = path[:-1]
        node = self.positions.get(path)
        if node is None:
            return Span(0, 0)
        if part == "value" or node.key is None:
            return node.value
        if part == "item":
            return Span(node.key.start, node.value.end)
        return node.key

    def range(self, path: KeyPath, part: Literal["key", "value", "item"] = "key") -> Range:
        """Where a diagnostic about ``path`` is shown.

        A finding about the whole document (a missing top-level key, say) is shown on
        the document's first line: underlining every line helps no one.
        """
        span = self.span(path, part)
        root = self.positions.get(())
        if root is not None and span == root.value:
            line_end = self.text.find("\n", span.start)
            if line_end != -1 and line_end < span.end:
                span = Span(span.start, line_end - (self.text[line_end - 1:line_end] == "\r"))
        return self.index.range(span.start, span.end)

    def range_of_span(self, span: Span) -> Range:
        return self.index.range(span.start, span.end)

    def walk(self, prefix: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
        """Every key path below ``prefix`` (mappings only), depth first, in file order."""
        node = self.get(prefix)
        if isinstance(node, dict):
            for key, value in node.items():
                path = prefix + (key,)
                yield path, value
                yield from self.walk(path)

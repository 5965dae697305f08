"""Everything a rule looks at while one document is evaluated."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from shardlint.document import Document
from shardlint.engine import paths
from shardlint.engine.link import Link, resolve
from shardlint.engine.values import normaliser_for
from shardlint.engine.versions import Version, target_versions
from shardlint.options import FileOptions


Match = tuple[tuple[Any, ...], Any, tuple[Any, ...]]


class Context:
    """One document's evaluation.  Everything a rule reads is a pure function of the document and
    the options, so lookups, wildcard selections and predicate results are remembered here: rules
    share paths, selections (three rules walk every value of a DeepSpeed JSON) and whole atoms."""

    def __init__(self, doc: Document, options: FileOptions) -> None:
        self.doc = doc
        self.options = options
        self.kind = doc.kind
        self.aliases = doc.kind == "accelerate"
        self._facts: dict[str, Any] = {}
        self._raw: dict[paths.PathPattern, tuple[bool, Any, tuple[Any, ...]]] = {}
        self._matches: dict[tuple[paths.PathPattern, bool], list[Match]] = {}
        self.memo: dict[Any, bool] = {}  # predicate results, by the predicate's number (and bindings)

    @cached_property
    def target(self) -> dict[str, Version]:
        return target_versions(self.options.target)

    @property
    def runner(self) -> str:
        return self.options.deepspeed_runner

    @cached_property
    def link(self) -> Link:
        if self.kind != "accelerate":
            return Link()
        return resolve(self.doc, self.options.buffers)

    @property
    def linked(self) -> Document | None:
        return self.link.document

    def raw(self, path: paths.PathPattern) -> tuple[bool, Any, tuple[Any, ...]]:
        """(found, value as loaded, path as written) for a concrete path in this file."""
        hit = self._raw.get(path)
        if hit is None:
            hit = self._raw[path] = paths.lookup(self.doc.data, path, self.aliases)
        return hit

    def matches(self, pattern: paths.PathPattern, linked: bool = False) -> list[Match]:
        """Every (path as written, value, wildcard bindings) ``pattern`` selects in this file, or in
        the linked DeepSpeed JSON (``linked``; none when there is no such file)."""
        key = (pattern, linked)
        hit = self._matches.get(key)
        if hit is None:
            doc = self.linked if linked else self.doc
            if doc is None:
                hit = []
            elif paths.has_wildcards(pattern):
                hit = paths.matches(doc.data, pattern, self.aliases and not linked)
            else:  # a path without wildcards selects what looking it up finds
                found, value, written = self.raw(pattern) if not linked else paths.lookup(doc.data, pattern, False)
                hit = [(written, value, ())] if found else []
            self._matches[key] = hit
        return hit

    def reads_as_selected(self, path: tuple[Any, ...]) -> bool:
        """Whether a predicate bound to a target that a wildcard selected at ``path`` looks up that very
        value.  Not with key aliases (a lookup finds the last spelling), nor when the path holds glob
        characters (the bound pattern selects again) or an integer that may be a mapping's key, which a
        lookup takes for a list index (JSON keys are all strings)."""
        if self.aliases:
            return False
        for segment in path:
            if type(segment) is str:
                if "*" in segment or "?" in segment or "[" in segment:
                    return False
            elif type(segment) is not int or self.doc.syntax != "json":
                return False
        return True

    def normalise(self, path: paths.PathPattern, value: Any) -> Any:
        """``value`` as the library reads the key at ``path`` in this kind of file."""
        normaliser = normaliser_for(self.kind, tuple(path))
        return normaliser(value) if normaliser else value

    def effective(self, path: paths.PathPattern) -> tuple[bool, Any]:
        """The value Accelerate uses: the file's, else the launch default for the key."""
        from shardlint.engine.defaults import launch_default

        found, value, _ = self.raw(path)
        if found:
            return True, self.normalise(path, value)
        return launch_default(self, path)

    def linked_raw(self, path: paths.PathPattern) -> tuple[bool, Any]:
        doc = self.linked
        if doc is None:
            return False, None
        found, value, _ = paths.lookup(doc.data, path, False)
        return found, value

    def fact(self, name: str) -> Any:
        if name not in self._facts:
            from shardlint.engine.facts import FACTS

            self._facts[name] = FACTS[name](self)
        return self._facts[name]

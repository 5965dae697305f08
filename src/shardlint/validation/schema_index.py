"""What the shipped JSON Schemas say about a key path: description, values, default, children.

Read straight from ``schemas/*.schema.json`` by walking ``properties`` (and
``patternProperties``, ``additionalProperties``, ``items``, ``prefixItems``),
following local ``$ref`` and looking into every branch of ``anyOf``/``oneOf``/
``allOf`` (but for an object or array, not into an alternative typed otherwise).  An ``if`` is decided against the document where it can be (the
Accelerate schema picks the cluster or SageMaker key set by
``compute_environment``); otherwise both ``then`` and ``else`` count.
shardlint's own annotations are honoured: ``x-shardlint-values`` (the canonical
spellings, offered before every accepted alias), ``x-shardlint-expected``,
``x-shardlint-deprecated``, ``x-shardlint-renamed``, ``x-shardlint-removed`` and
``x-source``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Iterator

from shardlint.document import KeyPath
from shardlint.validation.evaluator import Schema, Validator

_BRANCHES = ("anyOf", "oneOf", "allOf")
_MAX_DEPTH = 32
UNKNOWN: Any = object()  # data not known (the buffer does not parse)


class KeyInfo:
    """What the schema branches that apply at one path say, merged."""

    def __init__(self, path: KeyPath) -> None:
        self.path = path
        self.descriptions: list[str] = []
        self.values: list[Any] = []  # what to offer, best first (see _values)
        self.value_notes: dict[str, str] = {}  # repr(value) -> what it means
        self.types: list[str] = []
        self.expected: str | None = None
        self.default: Any = None
        self.has_default = False
        self.deprecated: str | None = None  # "" when deprecated without a note
        self.retired: str | None = None  # renamed or removed: the key is no longer read
        self.sources: list[str] = []

    @property
    def known(self) -> bool:
        return bool(self.descriptions or self.values or self.types or self.has_default or self.retired)


class SchemaIndex:
    """Key paths of one schema document, resolved and decided by the validator of that document."""

    def __init__(self, schema: Schema | Validator) -> None:
        self.validator = schema if isinstance(schema, Validator) else Validator(schema)
        self.root = self.validator.root

    def _deref(self, node: Any, instance: Any, depth: int = 0) -> Iterator[tuple[Schema, int]]:
        """``node`` and every schema it stands for (through $ref, branches and a decided ``if``),
        each with how many of those steps it lies below ``node``."""
        if not isinstance(node, dict) or depth > _MAX_DEPTH:
            return
        yield node, depth
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield from self._deref(self.validator.pointer(ref), instance, depth + 1)
        for key in _BRANCHES:
            branch = node.get(key)
            for sub in branch if isinstance(branch, list) else []:
                if key != "allOf" and _rules_out(sub, instance):
                    continue
                yield from self._deref(sub, instance, depth + 1)
        if "if" in node:
            verdict = None if instance is UNKNOWN else self.validator.is_valid(instance, node["if"])
            if verdict is not False:
                yield from self._deref(node.get("then"), instance, depth + 1)
            if verdict is not True:
                yield from self._deref(node.get("else"), instance, depth + 1)

    @staticmethod
    def _children(schema: Schema, step: str | int) -> Iterator[Any]:
        if isinstance(step, int):
            prefix = schema.get("prefixItems")
            if isinstance(prefix, list) and step < len(prefix):
                yield prefix[step]
            elif isinstance(schema.get("items"), dict):
                yield schema["items"]
            return
        props = schema.get("properties")
        if isinstance(props, dict) and step in props:
            yield props[step]
            return
        matched = False
        for pattern, sub in (schema.get("patternProperties") or {}).items():
            try:
                if re.search(pattern, step):
                    matched = True
                    yield sub
            except re.error:
                continue
        if not matched and isinstance(schema.get("additionalProperties"), dict):
            yield schema["additionalProperties"]

    def _at(self, path: KeyPath, data: Any) -> list[tuple[Schema, int]]:
        current = list(self._deref(self.root, data))
        for step in path:
            data = _step(data, step)
            nxt: list[tuple[Schema, int]] = []
            for schema, _ in current:
                for child in self._children(schema, step):
                    nxt.extend(self._deref(child, data))
            if not nxt:
                return []
            current = nxt
        return current

    def schemas_at(self, path: KeyPath, data: Any = UNKNOWN) -> list[Schema]:
        """Every (dereferenced) schema that applies at ``path`` of a document holding ``data``."""
        return [schema for schema, _ in self._at(path, data)]

    def info(self, path: KeyPath, data: Any = UNKNOWN) -> KeyInfo:
        info = KeyInfo(path)
        found = self._at(path, data)
        for schema, _ in found:
            _collect(schema, info)
        info.values = _values(found)
        if path and isinstance(path[-1], str):
            info.retired = self._retired(path, data)
        return info

    def _retired(self, path: KeyPath, data: Any) -> str | None:
        key = path[-1]
        for parent in self.schemas_at(path[:-1], data):
            renamed = (parent.get("x-shardlint-renamed") or {}).get(key)
            if isinstance(renamed, dict):
                to, version = renamed.get("to"), renamed.get("version")
                return (f"Renamed to `{to}`" + (f" (no longer read since {version})" if version else "")
                        + (f": {renamed['note']}" if renamed.get("note") else "") + ".")
            removed = (parent.get("x-shardlint-removed") or {}).get(key)
            if isinstance(removed, dict):
                version = removed.get("version")
                return ("Removed" + (f" in {version}" if version else "")
                        + (f": {removed['note']}" if removed.get("note") else "") + ".")
        return None

    def properties(self, path: KeyPath, data: Any = UNKNOWN) -> dict[str, KeyInfo]:
        """The keys the schema names for the mapping at ``path``, with their info."""
        out: dict[str, KeyInfo] = {}
        for schema in self.schemas_at(path, data):
            props = schema.get("properties")
            if not isinstance(props, dict):
                continue
            for key in props:
                if key not in out:
                    out[key] = self.info(path + (key,), data)
        return out


def _rules_out(branch: Any, instance: Any) -> bool:
    """An alternative whose declared type cannot hold ``instance``, an object or array (so an object
    ``zero_optimization`` is not described by its deprecated boolean form).  Scalars rule nothing
    out: the value may be half typed, or a mapping not yet written under the key."""
    container = "object" if isinstance(instance, dict) else "array" if isinstance(instance, list) else None
    types = _types(branch) if isinstance(branch, dict) else []
    return container is not None and bool(types) and container not in types


def _step(data: Any, step: str | int) -> Any:
    if isinstance(step, int):
        return data[step] if isinstance(data, list) and -len(data) <= step < len(data) else UNKNOWN
    return data[step] if isinstance(data, dict) and step in data else UNKNOWN


def _description(schema: Schema) -> str | None:
    for key in ("markdownDescription", "description"):
        text = schema.get(key)
        if isinstance(text, str) and text.strip():
            return text.strip()
    return None


def _add(values: list[Any], value: Any) -> None:
    if not any(value == v and type(value) is type(v) for v in values):
        values.append(value)


def _values(found: list[tuple[Schema, int]]) -> list[Any]:
    """The values worth offering, best first.

    The shallowest ``x-shardlint-values`` list names the canonical spellings, unless a
    ``boolean`` type sits at least as high (then ``true``/``false``); else every
    ``enum`` member, else the one-value branches.  ``"auto"`` (``x-shardlint-auto``)
    is always offered where it is accepted.
    """
    canonical = min(((d, s["x-shardlint-values"]) for s, d in found
                     if isinstance(s.get("x-shardlint-values"), list)), key=lambda c: c[0], default=None)
    boolean = min((d for s, d in found if "boolean" in _types(s)), default=None)
    out: list[Any] = []
    if boolean is not None and (canonical is None or boolean <= canonical[0]):
        out = [True, False]
    elif canonical is not None:
        for value in canonical[1]:
            _add(out, value)
    else:
        for schema, _ in found:
            for value in schema.get("enum") if isinstance(schema.get("enum"), list) else []:
                _add(out, value)
        if not out:
            for schema, _ in found:
                if "const" in schema:
                    _add(out, schema["const"])
    for schema, _ in found:
        if schema.get("x-shardlint-auto") and "const" in schema:
            _add(out, schema["const"])
    return out


def _types(schema: Schema) -> list[str]:
    types = schema.get("type")
    return [t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]


def _collect(schema: Schema, info: KeyInfo) -> None:
    text = _description(schema)
    if "const" in schema:  # a one-value branch: its description is the value's
        if text:
            info.value_notes.setdefault(repr(schema["const"]), text)
    elif text and text not in info.descriptions:
        info.descriptions.append(text)
    for t in _types(schema):
        if t not in info.types:
            info.types.append(t)
    if isinstance(schema.get("x-shardlint-expected"), str) and info.expected is None:
        info.expected = schema["x-shardlint-expected"]
    if "default" in schema and not info.has_default:
        info.default, info.has_default = schema["default"], True
    deprecated = schema.get("x-shardlint-deprecated")
    if isinstance(deprecated, dict) and info.deprecated is None:
        use, note = deprecated.get("use"), deprecated.get("note")
        info.deprecated = " ".join(filter(None, [f"{note}." if note else None, f"Use `{use}`." if use else None]))
    elif schema.get("deprecated") is True and info.deprecated is None:
        info.deprecated = ""
    source = schema.get("x-source")
    if isinstance(source, str) and source not in info.sources:
        info.sources.append(source)


@cache
def schema_index(kind: str) -> SchemaIndex | None:
    """The index of the shipped schema for ``kind``, or ``None`` while this installation has none."""
    from shardlint.validation.schemas import SCHEMA_FILES, validator

    if kind not in SCHEMA_FILES:
        return None
    try:
        return SchemaIndex(validator(kind))
    except (OSError, ValueError):
        return None

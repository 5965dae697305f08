"""A small JSON Schema (2020-12) evaluator that reports failures shardlint can explain.

It covers the keywords in KEYWORDS (those the shipped schemas and the rules'
``schema:`` tests use) and, unlike a generic validator, returns one failure per
problem: a failed ``anyOf`` is reduced to the branch that fits the value's type,
or to a single type failure when none does.  Importing ``jsonschema`` would cost
about as much as the rest of a ``shardlint check`` run; the test suite checks
that this evaluator and ``jsonschema`` agree on every file of the corpus.
"""

from __future__ import annotations

import re
from typing import Any, Literal, NamedTuple

from shardlint.document import KeyPath

Schema = dict[str, Any]
# keywords that validate (the rest of KEYWORDS annotate)
_SUBSCHEMA = ("not", "items", "additionalProperties", "if", "then", "else")
_SUBSCHEMA_LISTS = ("anyOf", "allOf", "oneOf")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs")
KEYWORDS = frozenset({
    "type", "enum", "const", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "minItems", "maxItems", "required", "$ref", "deprecated",
    *_SUBSCHEMA, *_SUBSCHEMA_LISTS, *_SUBSCHEMA_MAPS,
    "$schema", "$id", "$comment", "title", "description", "default", "examples",
})
FailureKind = Literal["unknown-key", "type", "value", "range", "required", "conflict"]


class Failure(NamedTuple):
    """One way the instance at ``path`` breaks ``schema``.

    ``schema`` is the node that failed: the object schema for ``unknown-key``,
    ``required`` and ``conflict``, else the value's own schema.  ``expected``
    lists JSON type names and allowed literal values (for ``type``/``value``) or
    the violated bound (for ``range``); ``keys`` names the keys involved.
    """

    kind: FailureKind
    path: KeyPath
    schema: Schema
    expected: tuple[Any, ...] = ()
    keys: tuple[str, ...] = ()


class Outcome:
    __slots__ = ("failures", "deprecated")

    def __init__(self) -> None:
        self.failures: list[Failure] = []
        self.deprecated: list[tuple[KeyPath, Schema]] = []

    def extend(self, other: Outcome) -> None:
        self.failures.extend(other.failures)
        self.deprecated.extend(other.deprecated)


def unsupported_keywords(schema: Any) -> set[str]:
    """Keywords of ``schema`` (at any depth) this evaluator does not implement; ``x-`` annotations are fine."""
    if not isinstance(schema, dict):
        return set()
    out = {k for k in schema if k not in KEYWORDS and not k.startswith("x-")}
    for key in _SUBSCHEMA:
        out |= unsupported_keywords(schema.get(key))
    for key in _SUBSCHEMA_LISTS:
        for sub in schema.get(key) or ():
            out |= unsupported_keywords(sub)
    for key in _SUBSCHEMA_MAPS:
        for sub in (schema.get(key) or {}).values():
            out |= unsupported_keywords(sub)
    return out


def json_type(value: Any) -> str:
    """The JSON type of a value from ``yaml.safe_load``/``json.load`` (dates and the like are 'unknown')."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "unknown"


def type_matches(value_type: str, wanted: str) -> bool:
    """Whether a value of JSON type ``value_type`` is a ``wanted`` (every integer is a number)."""
    return value_type == wanted or (wanted == "number" and value_type == "integer")


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality, at any depth: 1 == 1.0, but true != 1 and "1" != 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


class _Exactly:
    """What ``re.compile("^word$")`` finds, without compiling it: the schemas name many keys by such
    patterns (each a few times dearer to compile than a run's matching against it)."""

    __slots__ = ("word",)

    def __init__(self, word: str) -> None:
        self.word = word

    def search(self, text: str) -> bool:
        return text == self.word or text == f"{self.word}\n"  # re's $ also matches before a final newline


class Validator:
    """Evaluates instances against one schema document; create once, reuse for every file."""

    def __init__(self, root: Schema) -> None:
        self.root = root
        self._patterns: dict[str, re.Pattern[str] | _Exactly] = {}
        self._refs: dict[str, Any] = {}

    # -- helpers ----------------------------------------------------------------
    def pointer(self, ref: str) -> Any:
        """The node a local ``$ref`` (``#/...``) names in this schema document, or ``None``."""
        if ref in self._refs:
            return self._refs[ref]
        node: Any = self.root if ref.startswith("#") else None
        for part in ref[1:].split("/")[1:] if node is not None else ():
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                node = None
                break
        self._refs[ref] = node
        return node

    def resolve(self, schema: Schema) -> Schema:
        """``schema`` with its ``$ref`` chain followed."""
        while isinstance(schema, dict) and "$ref" in schema:
            schema = self.pointer(schema["$ref"])
        return schema

    def pattern(self, source: str) -> re.Pattern[str] | _Exactly:
        compiled = self._patterns.get(source)
        if compiled is None:
            word = source[1:-1]
            exact = source == f"^{word}$" and word.isascii() and word.replace("_", "a").isalnum()
            compiled = self._patterns[source] = _Exactly(word) if exact else re.compile(source)
        return compiled

    def natural_types(self, schema: Schema) -> set[str] | None:
        """The JSON types a schema can accept at its top, or ``None`` when it does not say."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict):  # a boolean schema
            return None
        if "type" in schema:
            wanted = schema["type"]
            return {wanted} if isinstance(wanted, str) else set(wanted)
        if "const" in schema:
            return {json_type(schema["const"])}
        if "enum" in schema:
            return {json_type(v) for v in schema["enum"]}
        branches = schema.get("anyOf") or schema.get("oneOf")
        if branches:
            found: set[str] = set()
            for branch in branches:
                types = self.natural_types(branch)
                if types is None:
                    return None
                found |= types
            return found
        for part in schema.get("allOf", ()):
            types = self.natural_types(part)
            if types is not None:
                return types
        return None

    def accepts_type(self, schema: Schema, value: Any) -> bool:
        types = self.natural_types(schema)
        value_type = json_type(value)
        return types is None or any(type_matches(value_type, t) for t in types)

    # -- evaluation -------------------------------------------------------------
    def evaluate(self, value: Any, schema: Schema | None = None, path: KeyPath = ()) -> Outcome:
        out = Outcome()
        self._eval(value, self.root if schema is None else schema, path, out)
        return out

    def is_valid(self, value: Any, schema: Schema, path: KeyPath = ()) -> bool:
        return not self.evaluate(value, schema, path).failures

    def _eval(self, value: Any, schema: Schema | bool, path: KeyPath, out: Outcome) -> None:
        if schema is True or schema is False:  # boolean schemas: anything / nothing
            if schema is False:
                out.failures.append(Failure("value", path, {"not": {}}))
            return
        schema = self.resolve(schema) if "$ref" in schema else schema
        if not self._scalar_checks(value, schema, path, out):
            return
        if schema.get("deprecated") is True and path:
            out.deprecated.append((path, schema))
        if isinstance(value, dict):
            self._object(value, schema, path, out)
        elif isinstance(value, list) and "items" in schema:
            for index, item in enumerate(value):
                self._eval(item, schema["items"], path + (index,), out)
        for part in schema.get("allOf", ()):
            self._eval(value, part, path, out)
        for keyword in ("anyOf", "oneOf"):
            if keyword in schema:
                self._any_of(value, schema, schema[keyword], path, out, exactly_one=keyword == "oneOf")
        if "not" in schema and self.is_valid(value, schema["not"], path):
            # the shipped schemas use `not` only as {"not": {"required": [a, b]}}: two spellings of one setting
            out.failures.append(Failure("conflict", path, schema, keys=tuple(schema.get("x-shardlint-conflict", ()))))
        if "if" in schema:
            branch = schema.get("then") if self.is_valid(value, schema["if"], path) else schema.get("else")
            if branch is not None:
                self._eval(value, branch, path, out)

    def _scalar_checks(self, value: Any, schema: Schema, path: KeyPath, out: Outcome) -> bool:
        """type, enum, const, pattern, bounds; False when the type is wrong (nothing else is worth saying)."""
        value_type = json_type(value)
        if "type" in schema:
            wanted = schema["type"]
            wanted_list = [wanted] if isinstance(wanted, str) else list(wanted)
            if not any(type_matches(value_type, t) for t in wanted_list):
                extra = [v for v in schema.get("enum", ()) if json_type(v) not in wanted_list]
                out.failures.append(Failure("type", path, schema, tuple(wanted_list) + tuple(extra)))
                return False
        if "const" in schema and not json_equal(value, schema["const"]):
            out.failures.append(Failure("value", path, schema, (schema["const"],)))
            return True
        if "enum" in schema and not any(json_equal(value, v) for v in schema["enum"]):
            out.failures.append(Failure("value", path, schema, tuple(schema["enum"])))
            return True
        if isinstance(value, str) and "pattern" in schema and not self.pattern(schema["pattern"]).search(value):
            out.failures.append(Failure("value", path, schema, tuple(schema.get("x-shardlint-values", ()))))
            return True
        if value_type in ("integer", "number"):
            for keyword, ok in (("minimum", lambda b: value >= b), ("maximum", lambda b: value <= b),
                                ("exclusiveMinimum", lambda b: value > b), ("exclusiveMaximum", lambda b: value < b)):
                if keyword in schema and not ok(schema[keyword]):
                    out.failures.append(Failure("range", path, schema, (keyword, schema[keyword])))
        if isinstance(value, str):
            for keyword, ok in (("minLength", lambda b: len(value) >= b), ("maxLength", lambda b: len(value) <= b)):
                if keyword in schema and not ok(schema[keyword]):
                    out.failures.append(Failure("range", path, schema, (keyword, schema[keyword])))
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                out.failures.append(Failure("range", path, schema, ("minItems", schema["minItems"])))
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                out.failures.append(Failure("range", path, schema, ("maxItems", schema["maxItems"])))
        return True

    def _object(self, value: dict[Any, Any], schema: Schema, path: KeyPath, out: Outcome) -> None:
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        additional = schema.get("additionalProperties", True)
        for key in schema.get("required", ()):
            if key not in value:
                out.failures.append(Failure("required", path, schema, keys=(key,)))
        for key, item in value.items():
            child = path + (key,)
            matched = False
            if isinstance(key, str):
                if key in properties:
                    matched = True
                    self._eval(item, properties[key], child, out)
                for source, sub in patterns.items():
                    if self.pattern(source).search(key):
                        matched = True
                        self._eval(item, sub, child, out)
            if matched:
                continue
            if additional is False:
                out.failures.append(Failure("unknown-key", child, schema, keys=(str(key),)))
            elif isinstance(additional, dict):
                self._eval(item, additional, child, out)

    def _any_of(self, value: Any, schema: Schema, branches: list[Schema], path: KeyPath, out: Outcome,
                exactly_one: bool = False) -> None:
        """Keep the outcome of a passing branch; otherwise the one clearest failure.

        For ``oneOf`` (``exactly_one``) a second passing branch is a ``value`` failure.
        """
        fitting: list[Outcome] = []
        placeholders_only = True
        for i, branch in enumerate(branches):
            if not self.accepts_type(branch, value):
                continue
            outcome = self.evaluate(value, branch, path)
            if not outcome.failures:
                if exactly_one and any(self.is_valid(value, other, path) for other in branches[i + 1:]):
                    out.failures.append(Failure("value", path, schema))
                    return
                out.extend(outcome)
                return
            fitting.append(outcome)
            placeholders_only = placeholders_only and bool(self.resolve(branch).get("x-shardlint-auto"))
        # a string that only the "auto" placeholder could have been: "must be auto" would hide that a
        # number (say) is right too, so it is a type failure listing every branch
        if not fitting or (placeholders_only and len(fitting) < len(branches)):
            expected: list[Any] = []
            for branch in branches:
                resolved = self.resolve(branch)
                if "x-shardlint-values" in resolved:
                    expected.extend(v for v in resolved["x-shardlint-values"] if v not in expected)
                elif "type" not in resolved and ("const" in resolved or "enum" in resolved):
                    values = [resolved["const"]] if "const" in resolved else list(resolved["enum"])
                    expected.extend(v for v in values if v not in expected)
                else:
                    for t in sorted(self.natural_types(branch) or ()):
                        if t not in expected:
                            expected.append(t)
            out.failures.append(Failure("type", path, schema, tuple(expected)))
            return
        if len(fitting) > 1 and all(f.kind == "value" and f.path == path for o in fitting for f in o.failures):
            allowed: list[Any] = []
            for outcome in fitting:
                for failure in outcome.failures:
                    allowed.extend(v for v in failure.expected if v not in allowed)
            out.failures.append(Failure("value", path, schema, tuple(allowed)))
            return
        out.extend(min(fitting, key=lambda o: len(o.failures)))

"""Schema failures as diagnostics: one stable code per failure class, one clear message, a fix when
the intended spelling is known.

The code follows what the libraries do with the input; the schemas say it per
object with ``x-shardlint-unknown`` (``error``: the library refuses unknown
keys there; ``warning``: it silently ignores them). Each code's severity is its rule file's.
"""

from __future__ import annotations

import json
import re
from typing import Any

from shardlint.builtins import finding
from shardlint.diagnostics import Diagnostic, Fix, Range
from shardlint.document import Document, KeyPath, format_path
from shardlint.validation.edits import rename_key_fix, replace_value_fix, unquote_fix
from shardlint.validation.evaluator import Failure, Schema, Validator
from shardlint.validation.suggest import closest

# (family, failure class) -> code
CODES: dict[tuple[str, str], str] = {
    ("accelerate", "unknown-error"): "ACC001",
    ("accelerate", "unknown-warning"): "ACC002",
    ("accelerate", "removed-error"): "ACC003",
    ("accelerate", "removed-warning"): "ACC004",
    ("accelerate", "type"): "ACC005",
    ("accelerate", "value"): "ACC006",
    ("accelerate", "range"): "ACC007",
    ("accelerate", "required"): "ACC008",
    ("accelerate", "deprecated"): "ACC009",
    ("deepspeed", "unknown-error"): "DS001",
    ("deepspeed", "unknown-warning"): "DS002",
    ("deepspeed", "removed-error"): "DS003",
    ("deepspeed", "removed-warning"): "DS004",
    ("deepspeed", "type"): "DS005",
    ("deepspeed", "value"): "DS006",
    ("deepspeed", "range"): "DS007",
    ("deepspeed", "conflict"): "DS008",
    ("deepspeed", "deprecated"): "DS009",
}

_TYPE_WORDS = {"integer": "an integer", "number": "a number", "string": "a string", "boolean": "a boolean",
               "object": "a mapping", "array": "a list", "null": "null"}
_LIBRARY = {"accelerate": "Accelerate", "deepspeed": "DeepSpeed"}
_EXPONENT = re.compile(r"^[-+]?[0-9.]+[eE][-+]?[0-9]+$")
# a number both YAML 1.1 and JSON read as one when written without quotes
_PLAIN_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {json.dumps(value)}"
    if isinstance(value, (int, float)):
        return f"the number {value:g}" if isinstance(value, float) else f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"the string {json.dumps(shown, ensure_ascii=False)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _literal(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _join(words: list[str], last: str = "or") -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def _ignores_case(validator: Validator, schema: Schema) -> bool:
    schema = validator.resolve(schema)
    if schema.get("x-shardlint-ignore-case"):
        return True
    return any(_ignores_case(validator, b) for b in [*schema.get("anyOf", []), *schema.get("oneOf", [])])


class FindingBuilder:
    """Turns one document's failures into diagnostics."""

    def __init__(self, doc: Document, validator: Validator) -> None:
        self.doc = doc
        self.validator = validator
        self.family = doc.kind or "accelerate"
        self.library = _LIBRARY[self.family]

    # -- entry points ---------------------------------------------------------
    def failure(self, failure: Failure) -> Diagnostic:
        handler = {"unknown-key": self._unknown, "type": self._type, "value": self._value,
                   "range": self._range, "required": self._required, "conflict": self._conflict}[failure.kind]
        return handler(failure)

    def deprecated(self, path: KeyPath, schema: Schema) -> Diagnostic:
        info = schema.get("x-shardlint-deprecated", {})
        use = f"; use {info['use']}" if info.get("use") else ""
        if self.family == "deepspeed":
            note = f" ({info['note']})" if info.get("note") else ""
            what = f"DeepSpeed logs a deprecation warning and translates it{note}"
        else:
            what = info.get("note", "Accelerate still accepts it")
        message = f"`{format_path(path)}` is deprecated: {what}{use}"
        return self._make("deprecated", message, path, self.doc.range(path, "key"))

    # -- failure classes ------------------------------------------------------
    def _unknown(self, failure: Failure) -> Diagnostic:
        path, key, obj = failure.path, failure.keys[0], failure.schema
        level = obj.get("x-shardlint-unknown", "warning")
        where = self._where(path)
        note = obj.get("x-shardlint-unknown-note", "")
        if self.family == "deepspeed" and level == "error" and self.doc.get(path) == "auto":
            note = ('DeepSpeed drops "auto" values before it checks keys, so on its own it silently ignores this '
                    'one, and the Hugging Face Trainer and Accelerate stop with "not found in kwargs"')
        old = self._outdated(obj, key)
        if old is not None:
            info, removed = old
            if removed:
                version = info.get("version")
                head = f"`{key}` {where} was removed in {version}" if version else f"`{key}` is not a setting {where}"
                message = f"{head} ({info['note']}): {note}"
                fix = None
            else:
                target = self._same_style(obj, key, info["to"])
                message = f"`{key}` {where} should be `{target}` ({info['note']}): {note}"
                present = self.doc.get(path[:-1]) or {}
                fix = None if target in present else rename_key_fix(self.doc, path, target)
            return self._make(f"removed-{level}", message, path, self.doc.range(path, "key"), fix)
        message = f"unknown key `{key}` {where}: {note}"
        suggestion = self._key_suggestion(obj, path, key)
        fix = None
        if suggestion:
            message += f". Did you mean `{suggestion}`?"
            fix = rename_key_fix(self.doc, path, suggestion)
        return self._make(f"unknown-{level}", message, path, self.doc.range(path, "key"), fix)

    def _type(self, failure: Failure) -> Diagnostic:
        value = self.doc.get(failure.path)
        expected = failure.schema.get("x-shardlint-expected") or self._expected(failure.expected)
        message = f"`{format_path(failure.path)}` must be {expected}, not {describe(value)}{self._yaml_hint(failure.path, value)}"
        fix = None
        if self._quoted_number(value, failure.expected):
            message += f" (a number in quotes is a string, and {self.library} does not convert it here)"
            fix = unquote_fix(self.doc, failure.path)
        return self._make("type", message, failure.path, self.doc.range(failure.path, "value"), fix)

    @staticmethod
    def _quoted_number(value: Any, expected: tuple[Any, ...]) -> bool:
        """A string that reads the same as a number in YAML and JSON, where a number of that kind is expected."""
        if not isinstance(value, str) or not _PLAIN_NUMBER.match(value):
            return False
        return "number" in expected or ("integer" in expected and "." not in value)

    def _value(self, failure: Failure) -> Diagnostic:
        value = self.doc.get(failure.path)
        renamed = self._renamed_value(failure.path, value)
        if renamed is not None:
            return renamed
        allowed = [v for v in failure.expected if v is not None]
        ignore_case = _ignores_case(self.validator, failure.schema)
        if failure.schema.get("x-shardlint-expected"):
            expected = failure.schema["x-shardlint-expected"]
        elif allowed:
            shown = _join(list(dict.fromkeys(_literal(v) for v in allowed)))
            expected = (f"one of {shown}" if len(allowed) > 1 else shown) + (" (any case)" if ignore_case else "")
        else:
            expected = f"a string matching {failure.schema.get('pattern')}"
        message = (f"`{format_path(failure.path)}` must be {expected}, not {describe(value)}"
                   f"{self._yaml_hint(failure.path, value)}")
        fix = None
        if isinstance(value, str):
            suggestion = closest(value, [v for v in allowed if isinstance(v, str)])
            if suggestion is not None and suggestion != value:
                message += f". Did you mean {suggestion}?"
                fix = replace_value_fix(self.doc, failure.path, suggestion)
        return self._make("value", message, failure.path, self.doc.range(failure.path, "value"), fix)

    def _renamed_value(self, path: KeyPath, value: Any) -> Diagnostic | None:
        """An old spelling the library used to accept (distributed_type: TPU), with its new name."""
        if not isinstance(value, str):
            return None
        from shardlint.validation.schema_index import SchemaIndex

        schemas = SchemaIndex(self.validator).schemas_at(path, self.doc.data)
        declared = (schema.get("x-shardlint-renamed-values", {}) for schema in schemas)
        info = next((renamed[value] for renamed in declared if value in renamed), None)
        if info is None:
            return None
        version = f", removed in {info['version']}" if info.get("version") else ""
        note = f" ({info['note']}{version})" if info.get("note") else (f" ({version[2:]})" if version else "")
        message = f"`{format_path(path)}` is {describe(value)}, the old name of {info['to']}{note}: {self.library} " \
                  f"refuses it now"
        return self._make("value", message, path, self.doc.range(path, "value"),
                          replace_value_fix(self.doc, path, info["to"]))

    def _range(self, failure: Failure) -> Diagnostic:
        keyword, bound = failure.expected
        value = self.doc.get(failure.path)
        phrase = {"minimum": f"at least {bound}", "maximum": f"at most {bound}",
                  "exclusiveMinimum": f"greater than {bound}", "exclusiveMaximum": f"less than {bound}",
                  "minItems": f"a list of at least {bound} items", "maxItems": f"a list of at most {bound} items",
                  "minLength": f"at least {bound} characters long", "maxLength": f"at most {bound} characters long"}
        shown = f"{len(value)} items" if isinstance(value, list) else _literal(value)
        message = f"`{format_path(failure.path)}` must be {phrase[keyword]}, not {shown}"
        return self._make("range", message, failure.path, self.doc.range(failure.path, "value"))

    def _required(self, failure: Failure) -> Diagnostic:
        key = failure.keys[0]
        where = self._where(failure.path + (key,))
        message = f"missing required key `{key}` {where}: {self.library} refuses the file without it"
        return self._make("required", message, failure.path + (key,), self._required_range(failure.path))

    def _conflict(self, failure: Failure) -> Diagnostic:
        if len(failure.keys) != 2:
            message = f"`{format_path(failure.path) or 'the file'}` combines settings {self.library} refuses together"
            return self._make("conflict", message, failure.path, self.doc.range(failure.path, "key"))
        first, second = failure.keys
        paths = sorted((failure.path + (k,) for k in (first, second)),
                       key=lambda p: self.doc.span(p, "key").start)
        later = paths[-1]
        where = self._where(later)
        message = (f"`{first}` and `{second}` {where} are two spellings of one setting: {self.library} refuses "
                   f"them together; keep one")
        return self._make("conflict", message, later, self.doc.range(later, "key"))

    # -- helpers --------------------------------------------------------------
    def _make(self, failure_class: str, message: str, path: KeyPath, where: Range,
              fix: Fix | None = None) -> Diagnostic:
        return finding(CODES[(self.family, failure_class)], message, where, format_path(path), [fix] if fix else [])

    @staticmethod
    def _where(path: KeyPath) -> str:
        parent = format_path(path[:-1])
        return f"in `{parent}`" if parent else "at the top level"

    def _outdated(self, obj: Schema, key: str) -> tuple[dict[str, Any], bool] | None:
        prefix = obj.get("x-shardlint-prefix", "")
        for name in (key, prefix + key) if prefix and not key.startswith(prefix) else (key,):
            if name in obj.get("x-shardlint-renamed", {}):
                return obj["x-shardlint-renamed"][name], False
            if name in obj.get("x-shardlint-removed", {}):
                return obj["x-shardlint-removed"][name], True
        return None

    @staticmethod
    def _same_style(obj: Schema, written: str, canonical: str) -> str:
        """``canonical`` without the section prefix when the file writes keys without it."""
        prefix = obj.get("x-shardlint-prefix", "")
        if prefix and not written.startswith(prefix) and canonical.startswith(prefix):
            return canonical[len(prefix):]
        return canonical

    def _key_suggestion(self, obj: Schema, path: KeyPath, key: str) -> str | None:
        present = self.doc.get(path[:-1]) or {}
        names = list(obj.get("properties", {}))
        prefix = obj.get("x-shardlint-prefix", "")
        if prefix and not key.startswith(prefix):
            names = [n[len(prefix):] for n in names if n.startswith(prefix)]
        return closest(key, [n for n in names if n not in present])

    @staticmethod
    def _expected(expected: tuple[Any, ...]) -> str:
        types = [_TYPE_WORDS[v] for v in expected if isinstance(v, str) and v in _TYPE_WORDS and v != "null"]
        values = [_literal(v) for v in expected if not (isinstance(v, str) and v in _TYPE_WORDS) and v is not None]
        parts = types + ([f"one of {_join(values)}" if len(values) > 1 else values[0]] if values else [])
        return _join(parts) or "null"

    def _yaml_hint(self, path: KeyPath, value: Any) -> str:
        if self.doc.syntax != "yaml":
            return ""
        node = self.doc.positions.get(path)
        if node is None or node.style != "":
            return ""
        if isinstance(value, bool):
            written = self.doc.text[node.value.start:node.value.end]
            return f" (YAML reads the unquoted {written} as a boolean; quote it if you meant a string)"
        if isinstance(value, str) and _EXPONENT.match(value):
            return f" (YAML 1.1 reads {value} as a string; write the number out in full)"
        return ""

    def _required_range(self, parent: KeyPath) -> Range:
        if parent:
            return self.doc.range(parent, "key")
        keys = [p for p in self.doc.positions if len(p) == 1]
        if keys:
            first = min(keys, key=lambda p: self.doc.span(p, "key").start)
            return self.doc.range(first, "key")
        return self.doc.range((), "value")

"""Reading a library's Python source with ``ast``: never importing it.

Values are kept as source text (``ast.unparse``), the way the reference flag
table writes them, plus a JSON value when the expression is a literal.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

NO_VALUE = object()


def text(node: ast.AST | None) -> str:
    """The expression as source text, "" when there is none."""
    return "" if node is None else ast.unparse(node)


def literal(node: ast.AST | None) -> Any:
    """The JSON value of a literal expression, else ``NO_VALUE``."""
    if node is None:
        return NO_VALUE
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return NO_VALUE
    return _jsonable(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        items = [_jsonable(v) for v in value]
        return NO_VALUE if NO_VALUE in items else items
    if isinstance(value, (set, frozenset)):
        items = [_jsonable(v) for v in value]
        return NO_VALUE if NO_VALUE in items else sorted(items, key=repr)
    if isinstance(value, dict):
        out = {str(k): _jsonable(v) for k, v in value.items()}
        return NO_VALUE if NO_VALUE in out.values() else out
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else NO_VALUE
    return NO_VALUE


def with_value(record: dict[str, Any], key: str, node: ast.AST | None) -> dict[str, Any]:
    """Add ``key`` (source text) and, for a literal, ``key + "_value"``."""
    record[key] = text(node)
    value = literal(node)
    if value is not NO_VALUE:
        record[key + "_value"] = value
    return record


def dotted(node: ast.AST) -> str:
    """``os.environ.get`` for an attribute chain, "" for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


@dataclass
class Module:
    """One parsed source file, with the string constants its names stand for."""

    path: str  # relative to the package root, with "/" separators
    tree: ast.Module
    constants: dict[str, str] = field(default_factory=dict)

    def classes(self) -> Iterator[ast.ClassDef]:
        for node in self.tree.body:
            if isinstance(node, ast.ClassDef):
                yield node

    def cls(self, name: str) -> ast.ClassDef | None:
        return next((c for c in self.classes() if c.name == name), None)

    def checks(self) -> dict[str, list[str]]:
        """What each top-level function and each method (``Class.method``) raises, for those that do."""
        out: dict[str, list[str]] = {}
        for node in self.tree.body:
            functions = [(node.name, node)] if isinstance(node, ast.FunctionDef) else \
                [(f"{node.name}.{item.name}", item) for item in node.body if isinstance(item, ast.FunctionDef)] \
                if isinstance(node, ast.ClassDef) else []
            for name, function in functions:
                if found := raises(function):
                    out[name] = found
        return out

    def function(self, name: str) -> ast.FunctionDef | None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.FunctionDef) and node.name == name:
                return node
        return None


class SourceTree:
    """The ``.py`` files of an unpacked release, parsed on demand."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, Module] = {}

    def exists(self, path: str) -> bool:
        return (self.root / path).is_file()

    def module(self, path: str) -> Module:
        if path not in self._cache:
            source = (self.root / path).read_text(encoding="utf-8")
            tree = ast.parse(source, filename=path)
            module = Module(path, tree)
            self._cache[path] = module
            module.constants = self._constants(module)
        return self._cache[path]

    def files(self, under: str) -> list[str]:
        base = self.root / under
        return sorted(p.relative_to(self.root).as_posix() for p in base.rglob("*.py"))

    def _constants(self, module: Module) -> dict[str, str]:
        """Module-level names bound to strings, including those imported from sibling modules."""
        names: dict[str, str] = {}
        for node in module.tree.body:
            if isinstance(node, ast.ImportFrom):
                target = self._resolve_import(module.path, node)
                if target is None or target == module.path:
                    continue
                imported = self.module(target).constants
                for alias in node.names:
                    if alias.name == "*":
                        names.update(imported)
                    elif alias.name in imported:
                        names[alias.asname or alias.name] = imported[alias.name]
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                value = resolve_string(node.value, names)
                if value is not None:
                    names[node.targets[0].id] = value
        return names

    def _resolve_import(self, path: str, node: ast.ImportFrom) -> str | None:
        if node.module is None:
            return None
        if node.level:
            package = Path(path).parent
            for _ in range(node.level - 1):
                package = package.parent
            parts = list(package.parts) + node.module.split(".")
        else:
            parts = node.module.split(".")
        for candidate in ("/".join(parts) + ".py", "/".join(parts) + "/__init__.py"):
            if self.exists(candidate):
                return candidate
        return None


def resolve_string(node: ast.AST, names: dict[str, str]) -> str | None:
    """The string an expression always evaluates to, from constants and names bound to them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = resolve_string(node.left, names), resolve_string(node.right, names)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                if value.conversion != -1 or value.format_spec is not None:
                    return None
                value = value.value
            part = resolve_string(value, names)
            if part is None:
                return None
            parts.append(part)
        return "".join(parts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("upper", "lower"):
        inner = resolve_string(node.func.value, names)
        return None if inner is None else getattr(inner, node.func.attr)()
    return None


def local_strings(function: ast.AST, names: dict[str, str]) -> dict[str, str]:
    """``names`` plus the function's own ``prefix = "FSDP_"`` style bindings."""
    scope = dict(names)
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = resolve_string(node.value, scope)
            if value is not None:
                scope[node.targets[0].id] = value
    return scope


ENV_READERS = {
    "os.environ.get", "os.getenv", "os.environ.setdefault", "environ.get", "getenv",
    "parse_flag_from_env", "parse_choice_from_env", "get_int_from_env", "str_to_bool_from_env",
}


def env_reads(node: ast.AST, names: dict[str, str]) -> tuple[list[str], list[str]]:
    """Environment variables read under ``node``: (resolved names, unresolved expressions)."""
    found: set[str] = set()
    unresolved: set[str] = set()

    def note(expr: ast.AST) -> None:
        value = resolve_string(expr, names)
        if value is not None:
            found.add(value)
        else:
            unresolved.add(text(expr))

    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and dotted(sub.func).removeprefix("self.") in ENV_READERS and sub.args:
            first = sub.args[0]
            if isinstance(first, (ast.List, ast.Tuple)):  # get_int_from_env(["A", "B"], default)
                for item in first.elts:
                    note(item)
            else:
                note(first)
        elif isinstance(sub, ast.Subscript) and dotted(sub.value) in ("os.environ", "environ") \
                and isinstance(sub.ctx, ast.Load):
            note(sub.slice)
        elif isinstance(sub, ast.Compare) and len(sub.comparators) == 1 \
                and dotted(sub.comparators[0]) in ("os.environ", "environ") \
                and isinstance(sub.ops[0], (ast.In, ast.NotIn)):
            note(sub.left)
    return sorted(found), sorted(unresolved)


def env_writes(node: ast.AST, names: dict[str, str], target: str) -> list[str]:
    """Keys assigned as ``target["KEY"] = ...`` under ``node`` (e.g. the launcher's ``current_env``)."""
    found: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assign):
            for tgt in sub.targets:
                if isinstance(tgt, ast.Subscript) and dotted(tgt.value) == target:
                    value = resolve_string(tgt.slice, names)
                    found.add(value if value is not None else "<" + text(tgt.slice) + ">")
    return sorted(found)


def is_dataclass(node: ast.ClassDef) -> bool:
    for deco in node.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        if dotted(target).split(".")[-1] == "dataclass":
            return True
    return False


def base_names(node: ast.ClassDef) -> list[str]:
    return [text(b) for b in node.bases]


def field_docstrings(node: ast.ClassDef) -> dict[str, str]:
    """The string literal that follows an annotated field (DeepSpeed documents fields this way)."""
    docs: dict[str, str] = {}
    body = node.body
    for current, following in zip(body, body[1:]):
        if isinstance(current, ast.AnnAssign) and isinstance(current.target, ast.Name) \
                and isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant) \
                and isinstance(following.value.value, str):
            docs[current.target.id] = " ".join(following.value.value.split())
    return docs


def class_fields(node: ast.ClassDef, field_call: str = "field") -> list[dict[str, Any]]:
    """Annotated class attributes in order: name, annotation, default (text and value), field() keywords."""
    fields = []
    for item in node.body:
        if not (isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)):
            continue
        name = item.target.id
        if name.startswith("_") or text(item.annotation).startswith("ClassVar"):
            continue
        record: dict[str, Any] = {"name": name, "line": item.lineno, "annotation": text(item.annotation)}
        value = item.value
        if isinstance(value, ast.Call) and dotted(value.func).split(".")[-1] == field_call:
            default = keyword(value, "default")
            if default is None and value.args:
                default = value.args[0]
            factory = keyword(value, "default_factory")
            if default is not None:
                with_value(record, "default", default)
            elif factory is not None:
                record["default_factory"] = text(factory)
            else:
                record["required"] = True
            for kw in value.keywords:
                if kw.arg in ("default", "default_factory") or kw.arg is None:
                    continue
                if kw.arg == "metadata" and isinstance(kw.value, ast.Dict):
                    for k, v in zip(kw.value.keys, kw.value.values):
                        key = literal(k)
                        if isinstance(key, str):
                            meta = literal(v)
                            record["metadata_" + key] = meta if meta is not NO_VALUE else text(v)
                elif kw.arg == "json_schema_extra" and isinstance(kw.value, ast.Dict):
                    extra = {}
                    for k, v in zip(kw.value.keys, kw.value.values):
                        key = literal(k)
                        if isinstance(key, str):
                            val = literal(v)
                            extra[key] = val if val is not NO_VALUE else text(v)
                    record["json_schema_extra"] = extra
                else:
                    val = literal(kw.value)
                    record[kw.arg] = val if val is not NO_VALUE else text(kw.value)
        elif value is not None:
            with_value(record, "default", value)
        else:
            record["required"] = True
        fields.append(record)
    return fields


def enum_members(node: ast.ClassDef) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for item in node.body:
        if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
            name = item.targets[0].id
            if name.startswith("_"):
                continue
            value = literal(item.value)
            members[name] = value if value is not NO_VALUE else text(item.value)
    return members


def module_literals(module: Module) -> dict[str, Any]:
    """Module-level ``NAME = <literal>`` bindings (upper-case names only: the constants)."""
    out: dict[str, Any] = {}
    for node in module.tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name.isupper():
                value = literal(node.value)
                if value is not NO_VALUE:
                    out[name] = value
    return out


def raises(node: ast.AST) -> list[str]:
    """The exceptions raised under ``node``, as ``Type: message`` (the message as source text).

    Checks a library adds, drops or rewords show up here between releases.
    """
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Raise) and isinstance(sub.exc, ast.Call):
            kind = dotted(sub.exc.func) or text(sub.exc.func)
            message = text(sub.exc.args[0]) if sub.exc.args else ""
            found.add(f"{kind}: {message}" if message else kind)
        elif isinstance(sub, ast.Assert):  # DeepSpeed checks many settings with assert
            found.add(f"assert {text(sub.test)}" + (f": {text(sub.msg)}" if sub.msg is not None else ""))
    return sorted(found)

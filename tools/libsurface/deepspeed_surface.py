"""DeepSpeed's config surface: its pydantic config models and the keys ``DeepSpeedConfig`` reads."""

from __future__ import annotations

import ast
from typing import Any

from libsurface.pysource import (
    Module, SourceTree, base_names, class_fields, dotted, field_docstrings, keyword, literal, local_strings,
    raises, resolve_string, text,
)

PACKAGE = "deepspeed"
CONFIG = "deepspeed/runtime/config.py"
MODEL_ROOTS = {"BaseModel", "DeepSpeedConfigModel"}
COPIES = {"copy.copy", "copy.deepcopy", "dict", "deepcopy"}
DICT_READERS = {"get_scalar_param", "get_list_param", "get_dict_param"}


def extract(tree: SourceTree) -> dict[str, Any]:
    files = [f for f in tree.files(PACKAGE) if "/tests/" not in f]
    modules = []
    for path in files:
        try:
            modules.append(tree.module(path))
        except (SyntaxError, UnicodeDecodeError):
            continue
    return {
        "models": _models(modules),
        "config_reads": _config_reads(modules),
        "config_checks": _config_checks(tree),
        "removed_keys": _removed_keys(modules),
    }


def _config_checks(tree: SourceTree) -> dict[str, list[str]]:
    """What ``DeepSpeedConfig`` and the functions of runtime/config.py refuse (raise or assert), per function."""
    return tree.module(CONFIG).checks()


def _models(modules: list[Module]) -> dict[str, Any]:
    """Every pydantic model (a subclass of BaseModel or DeepSpeedConfigModel, by name) and its fields."""
    classes: dict[str, tuple[Module, ast.ClassDef]] = {}
    for module in modules:
        for node in module.classes():
            classes.setdefault(node.name, (module, node))

    def is_model(name: str, seen: frozenset[str] = frozenset()) -> bool:
        if name in MODEL_ROOTS:
            return True
        if name not in classes or name in seen:
            return False
        return any(is_model(b.split(".")[-1], seen | {name}) for b in base_names(classes[name][1]))

    def extra_policy(name: str, seen: frozenset[str] = frozenset()) -> tuple[str, str]:
        if name not in classes or name in seen:
            return ("ignore", "pydantic default") if name == "BaseModel" else ("", "")
        node = classes[name][1]
        policy = _declared_extra(node)
        if policy:
            return policy, name
        for base in base_names(node):
            found = extra_policy(base.split(".")[-1], seen | {name})
            if found[0]:
                return found
        return "", ""

    out: dict[str, Any] = {}
    for name, (module, node) in sorted(classes.items()):
        if name in MODEL_ROOTS or not is_model(name):
            continue
        docs = field_docstrings(node)
        fields = class_fields(node, field_call="Field")
        for record in fields:
            if record["name"] in docs:
                record["doc"] = docs[record["name"]]
            extra = record.get("json_schema_extra", {})
            if extra.get("deprecated"):
                record["deprecated"] = True
        extra, declared_in = extra_policy(name)
        checks = {item.name: raises(item) for item in node.body
                  if isinstance(item, ast.FunctionDef) and raises(item)}  # validators
        out[name] = {
            "file": module.path,
            "line": node.lineno,
            "bases": base_names(node),
            "extra": extra,
            "extra_declared_in": declared_in,
            "fields": fields,
            "raises": checks,
        }
    return out


def _declared_extra(node: ast.ClassDef) -> str:
    for item in node.body:
        if isinstance(item, ast.Assign) and any(text(t) == "model_config" for t in item.targets) \
                and isinstance(item.value, ast.Call):
            value = literal(keyword(item.value, "extra"))
            if isinstance(value, str):
                return value
        if isinstance(item, ast.ClassDef) and item.name == "Config":
            for sub in item.body:
                if isinstance(sub, ast.Assign) and any(text(t) == "extra" for t in sub.targets):
                    value = literal(sub.value)
                    return value if isinstance(value, str) else text(sub.value).split(".")[-1]
    return ""


def _config_reads(modules: list[Module]) -> dict[str, Any]:
    """The key paths of the user's JSON that ``DeepSpeedConfig`` reads, following the dict through calls.

    From ``DeepSpeedConfig.__init__``, every ``param_dict[A][B]``, ``.get(A)``,
    ``A in param_dict`` and ``get_scalar_param(d, A, ...)`` is a read (names
    resolved through the constants modules); a call that passes the dict or a
    section of it on (``get_zero_config(param_dict)``, ``Cls(param_dict)``) is
    followed into the callee. ``Model(**section)`` records the model that
    validates a section. Each key lists where it is read.
    """
    functions: dict[str, list[tuple[Module, ast.FunctionDef, str]]] = {}  # name -> (module, def, owning class)
    for module in modules:
        for node in module.tree.body:
            if isinstance(node, ast.FunctionDef):
                functions.setdefault(node.name, []).append((module, node, ""))
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef):
                        name = node.name if item.name == "__init__" else f"{node.name}.{item.name}"
                        functions.setdefault(name, []).append((module, item, node.name))
    keys: dict[str, set[str]] = {}
    models: dict[str, str] = {}
    # (function, the dicts it reads bound to their key path, string arguments it was called with)
    root: dict[str, list[tuple[str, ...]]] = {"config": [()], "self._param_dict": [()]}
    queue: list[tuple[str, dict[str, list[tuple[str, ...]]], dict[str, str]]] = [
        (name, root, {}) for name in functions if name == "DeepSpeedConfig" or name.startswith("DeepSpeedConfig.")
    ]
    seen: set[tuple[str, tuple, tuple]] = set()
    while queue:
        name, aliases, given = queue.pop()
        marker = (name, tuple(sorted((k, tuple(v)) for k, v in aliases.items())), tuple(sorted(given.items())))
        if marker in seen or name not in functions:
            continue
        seen.add(marker)
        module, function, owner = functions[name][0]
        names = {**_parameter_defaults(function, module.constants), **given}
        found, sections, calls = _reads_in(function, local_strings(function, {**module.constants, **names}),
                                           dict(aliases))
        where = f"{module.path}:{function.name if not owner else owner + '.' + function.name}"
        for path in found:
            keys.setdefault(".".join(path), set()).add(where)
        models.update(sections)
        for callee, bound in calls:
            for candidate in (f"{owner}.{callee}" if owner else "", callee):
                if candidate in functions:
                    _, target, target_owner = functions[candidate][0]
                    params = [a.arg for a in target.args.args][1 if target_owner else 0:]
                    mapping, strings = {}, {}
                    for index_or_name, value in bound.items():
                        param = params[index_or_name] if isinstance(index_or_name, int) and \
                            index_or_name < len(params) else index_or_name if index_or_name in params else None
                        if param is not None:
                            (strings if isinstance(value, str) else mapping)[param] = value
                    if mapping:
                        queue.append((candidate, mapping, strings))
                    break
    return {
        "keys": {k: sorted(v) for k, v in sorted(keys.items())},
        "sections": dict(sorted(models.items())),
    }


def _reads_in(function: ast.FunctionDef, names: dict[str, str], aliases: dict[str, list[tuple[str, ...]]]):
    """Reads of the dicts in ``aliases`` inside ``function``: key paths, ``Model(**section)``, calls passing one on."""
    loops = _loop_strings(function, names)

    def strings(node: ast.AST) -> list[str]:
        value = resolve_string(node, names)
        if value is not None:
            return [value]
        return loops.get(node.id, []) if isinstance(node, ast.Name) else []

    def paths_of(node: ast.AST) -> list[tuple[str, ...]]:
        key = dotted(node)
        if key in aliases:
            return aliases[key]
        base_node, part_node = None, None
        if isinstance(node, ast.Subscript):
            base_node, part_node = node.value, node.slice
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "pop") \
                and node.args:
            base_node, part_node = node.func.value, node.args[0]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "keys":
            return paths_of(node.func.value)
        elif isinstance(node, ast.Call) and dotted(node.func) in COPIES and len(node.args) == 1:
            return paths_of(node.args[0])
        if base_node is None:
            return []
        return [base + (part,) for base in paths_of(base_node) for part in strings(part_node)]

    found: set[tuple[str, ...]] = set()
    models: dict[str, str] = {}
    calls: list[tuple[str, dict]] = []
    nodes = sorted((n for n in ast.walk(function) if hasattr(n, "lineno")), key=lambda n: (n.lineno, n.col_offset))
    for node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            paths = paths_of(node.value)
            if paths:  # a name bound to several sections in turn (a fallback spelling) stands for each
                known = aliases.setdefault(node.targets[0].id, [])
                known.extend(p for p in paths if p not in known)
        if isinstance(node, (ast.Subscript, ast.Call)):
            found.update(p for p in paths_of(node) if p)
        if isinstance(node, ast.Call) and dotted(node.func).split(".")[-1] in DICT_READERS and len(node.args) >= 2:
            found.update(base + (part,) for base in paths_of(node.args[0]) for part in strings(node.args[1]))
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            found.update(base + (part,) for base in paths_of(node.comparators[0]) for part in strings(node.left))
        if isinstance(node, ast.Call):
            callee = dotted(node.func).removeprefix("self.")
            bound: dict = {}
            for index, arg in enumerate(node.args):
                paths, value = paths_of(arg), resolve_string(arg, names)
                if paths or value is not None:
                    bound[index] = paths if paths else value
            for kw in node.keywords:
                paths, value = paths_of(kw.value), resolve_string(kw.value, names)
                if kw.arg is None and callee[:1].isupper():
                    models.update({".".join(p): callee for p in paths if p})
                elif kw.arg is not None and (paths or value is not None):
                    bound[kw.arg] = paths if paths else value
            if any(isinstance(v, list) for v in bound.values()) and callee.split(".")[-1] not in DICT_READERS:
                calls.append((callee, bound))
    return found, models, calls


def _parameter_defaults(function: ast.FunctionDef, names: dict[str, str]) -> dict[str, str]:
    """Parameters whose default is a string (``comm_type=COMMUNICATION_DATA_TYPE``)."""
    args = function.args.args
    out = {}
    for arg, default in zip(args[len(args) - len(function.args.defaults):], function.args.defaults):
        value = resolve_string(default, names)
        if value is not None:
            out[arg.arg] = value
    return out


def _loop_strings(function: ast.FunctionDef, names: dict[str, str]) -> dict[str, list[str]]:
    """Loop variables that run over a literal sequence of strings (``for key in ("a", "b")``)."""
    out: dict[str, list[str]] = {}
    for node in ast.walk(function):
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name) \
                and isinstance(node.iter, (ast.Tuple, ast.List)):
            values = [resolve_string(e, names) for e in node.iter.elts]
            if values and None not in values:
                out[node.target.id] = values
    return out


def _removed_keys(modules: list[Module]) -> dict[str, list[str]]:
    """Module-level ``*REMOVED*`` dicts: keys DeepSpeed refuses with a message."""
    out: dict[str, list[str]] = {}
    for module in modules:
        for node in module.tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and "REMOVED" in node.targets[0].id and isinstance(node.value, ast.Dict):
                keys = [resolve_string(k, module.constants) for k in node.value.keys if k is not None]
                out[f"{module.path}:{node.targets[0].id}"] = sorted(k for k in keys if k is not None)
    return out


"""Accelerate's config surface: config-file classes, launch flags, plugin fields and their environment."""

from __future__ import annotations

import ast
from typing import Any

from libsurface.argparse_surface import parser_options
from libsurface.pysource import (
    SourceTree, base_names, class_fields, dotted, enum_members, env_reads, env_writes, is_dataclass, local_strings,
    module_literals, raises, resolve_string, text,
)

PACKAGE = "src/accelerate"
CONFIG_ARGS = PACKAGE + "/commands/config/config_args.py"
LAUNCH = PACKAGE + "/commands/launch.py"
LAUNCH_UTILS = PACKAGE + "/utils/launch.py"
DATACLASSES = PACKAGE + "/utils/dataclasses.py"
PARALLELISM = PACKAGE + "/parallelism_config.py"
CONSTANTS = PACKAGE + "/utils/constants.py"


def extract(tree: SourceTree) -> dict[str, Any]:
    return {
        "config_classes": _dataclasses(tree, CONFIG_ARGS, lambda c: True),
        "launch_flags": _launch_flags(tree),
        "launcher_env": _launcher_env(tree),
        "launcher_exports": _launcher_exports(tree),
        "launch_args_read": _args_read(tree),
        "launch_checks": _launch_checks(tree),
        "plugins": {
            **_dataclasses(tree, DATACLASSES, _is_plugin),
            **(_dataclasses(tree, PARALLELISM, lambda c: True) if tree.exists(PARALLELISM) else {}),  # >= 1.10
        },
        "enums": _enums(tree),
        "constants": module_literals(tree.module(CONSTANTS)),
    }


def _is_plugin(node: ast.ClassDef) -> bool:
    return node.name.endswith(("Plugin", "Config", "Kwargs"))


def _dataclasses(tree: SourceTree, path: str, wanted) -> dict[str, Any]:
    """Each dataclass in ``path``: bases, own fields, and the environment variables its methods read."""
    module = tree.module(path)
    out: dict[str, Any] = {}
    for node in module.classes():
        if not (is_dataclass(node) and wanted(node)):
            continue
        env, unresolved, checks = [], [], {}
        for item in node.body:
            if isinstance(item, ast.FunctionDef):
                found, missing = env_reads(item, local_strings(item, module.constants))
                env += found
                unresolved += missing
                if raises(item):
                    checks[item.name] = raises(item)
        record: dict[str, Any] = {
            "file": path,
            "line": node.lineno,
            "bases": base_names(node),
            "fields": class_fields(node),
            "env": sorted(set(env)),
            "raises": checks,
        }
        if unresolved:
            record["env_unresolved"] = sorted(set(unresolved))
        out[node.name] = record
    return out


def _launch_flags(tree: SourceTree) -> list[dict[str, Any]]:
    function = tree.module(LAUNCH).function("launch_command_parser")
    if function is None:
        raise LookupError(f"{LAUNCH}: no launch_command_parser")
    return parser_options(function)


def _args_read(tree: SourceTree) -> list[str]:
    """Attributes the launcher reads from its argument namespace (``args.x``, ``getattr(args, "x")``).

    A config section's keys land on that namespace, so a key without a launch flag still works
    when the launcher reads it by name (``fsdp_ignored_modules``).
    """
    names: set[str] = set()
    for path in (LAUNCH, LAUNCH_UTILS):
        for node in ast.walk(tree.module(path).tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "args" \
                    and isinstance(node.ctx, ast.Load):
                names.add(node.attr)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr") \
                    and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id == "args" \
                    and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
                names.add(node.args[1].value)
    return sorted(names)


def _launch_checks(tree: SourceTree) -> dict[str, list[str]]:
    """What the launcher refuses, per function of commands/launch.py and utils/launch.py."""
    out: dict[str, list[str]] = {}
    for path in (LAUNCH, LAUNCH_UTILS):
        for node in tree.module(path).tree.body:
            if isinstance(node, ast.FunctionDef) and raises(node):
                out[f"{path.removeprefix(PACKAGE + '/')}:{node.name}"] = raises(node)
    return out


def _launcher_env(tree: SourceTree) -> dict[str, list[str]]:
    """The environment each ``prepare_*`` function of utils/launch.py hands to the training processes."""
    module = tree.module(LAUNCH_UTILS)
    out: dict[str, list[str]] = {}
    for node in module.tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith(("prepare_", "setup_")):
            names = local_strings(node, module.constants)
            keys = sorted(set(env_writes(node, names, "current_env") + env_writes(node, names, "environment")))
            if keys:
                out[node.name] = keys
    return out


def _launcher_exports(tree: SourceTree) -> dict[str, list[dict[str, Any]]]:
    """Per ``prepare_*`` / ``setup_*`` function of utils/launch.py, each variable it exports and the
    launcher arguments its value comes from: those the value reads (through local names too), else,
    for a constant such as ``"true"``, those the enclosing ``if`` tests (``if args.use_fsdp:``).

    ``setup_fp8_env`` exports every ``fp8_*`` argument under a computed name; that export is written
    with ``{ARG}`` for the upper-cased argument and ``fp8_*`` for the arguments it covers.
    """
    module = tree.module(LAUNCH_UTILS)
    out: dict[str, list[dict[str, Any]]] = {}
    for node in module.tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith(("prepare_", "setup_")):
            names = local_strings(node, module.constants)
            found = _exports(node, names, _local_args(node))
            if found:
                out[node.name] = found
    return out


def _args_in(node: ast.AST, local: dict[str, set[str]]) -> set[str]:
    """Launcher arguments an expression reads: ``args.x``, ``getattr(args, "x")`` and local names bound to them."""
    found: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "args":
            found.add(sub.attr)
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in ("getattr", "hasattr") \
                and len(sub.args) >= 2 and isinstance(sub.args[0], ast.Name) and sub.args[0].id == "args" \
                and isinstance(sub.args[1], ast.Constant) and isinstance(sub.args[1].value, str):
            found.add(sub.args[1].value)
        elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id in local:
            found |= local[sub.id]
    return found


def _local_args(function: ast.FunctionDef) -> dict[str, set[str]]:
    """Local name -> the launcher arguments the values bound to it read (to a fixed point)."""
    local: dict[str, set[str]] = {}
    changed = True
    while changed:
        changed = False
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name = node.targets[0].id
                if name in ("args", "current_env", "environment"):
                    continue
                reads = _args_in(node.value, local) - local.get(name, set())
                if reads:
                    local[name] = local.get(name, set()) | reads
                    changed = True
    return local


def _exports(function: ast.FunctionDef, names: dict[str, str], local: dict[str, set[str]]) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def visit(node: ast.AST, tests: tuple[ast.expr, ...], loop: tuple[str, str] | None) -> None:
        if isinstance(node, ast.If):
            for child in node.body + node.orelse:
                visit(child, (*tests, node.test), loop)
            return
        if isinstance(node, ast.For):
            loop = _arguments_loop(node) or loop
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and dotted(target.value) in ("current_env", "environment"):
                    _note(found, target.slice, node.value, tests, loop, names, local)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                visit(child, tests, loop)

    for statement in function.body:
        visit(statement, (), None)
    return [found[name] for name in sorted(found)]


def _arguments_loop(node: ast.For) -> tuple[str, str] | None:
    """``for arg in vars(args): if arg.startswith("fp8_"):`` -> (loop variable, the prefix)."""
    if not (isinstance(node.target, ast.Name) and isinstance(node.iter, ast.Call) and text(node.iter) == "vars(args)"):
        return None
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and text(sub.func) == f"{node.target.id}.startswith" and sub.args \
                and isinstance(sub.args[0], ast.Constant) and isinstance(sub.args[0].value, str):
            return node.target.id, sub.args[0].value
    return None


def _note(found: dict[str, dict[str, Any]], key: ast.expr, value: ast.expr, tests: tuple[ast.expr, ...],
          loop: tuple[str, str] | None, names: dict[str, str], local: dict[str, set[str]]) -> None:
    name = resolve_string(key, names)
    reads = _args_in(value, local)
    if name is None and loop is not None:
        name = resolve_string(key, {**names, loop[0]: "{ARG}"})
        if name is not None:
            reads = {loop[1] + "*"}
    if not reads and loop is not None:  # if arg == "fp8_override_linear_precision": ...
        reads = {t.comparators[0].value for t in tests if isinstance(t, ast.Compare) and text(t.left) == loop[0]
                 and isinstance(t.comparators[0], ast.Constant) and isinstance(t.comparators[0].value, str)}
    if name is None:
        name = "<" + text(key) + ">"
    if not reads and tests:
        reads = _args_in(tests[-1], local)
    record = found.setdefault(name, {"env": name, "args": [], "value": text(value)})
    record["args"] = sorted(set(record["args"]) | reads)


def _enums(tree: SourceTree) -> dict[str, dict[str, Any]]:
    module = tree.module(DATACLASSES)
    out = {}
    for node in module.classes():
        if any(b.split(".")[-1] in ("Enum", "BaseEnum", "str, enum.Enum", "IntEnum") or b.endswith("Enum")
               for b in base_names(node)):
            out[node.name] = enum_members(node)
    return out

"""Accelerate's config surface: config-file classes, launch flags, plugin fields and their environment."""

from __future__ import annotations

import ast
from typing import Any

from libsurface.argparse_surface import parser_options
from libsurface.pysource import (
    SourceTree, base_names, class_fields, enum_members, env_reads, env_writes, is_dataclass, local_strings,
    module_literals, raises,
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


def _enums(tree: SourceTree) -> dict[str, dict[str, Any]]:
    module = tree.module(DATACLASSES)
    out = {}
    for node in module.classes():
        if any(b.split(".")[-1] in ("Enum", "BaseEnum", "str, enum.Enum", "IntEnum") or b.endswith("Enum")
               for b in base_names(node)):
            out[node.name] = enum_members(node)
    return out

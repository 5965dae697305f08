"""The options an argparse parser-building function declares, read from its source."""

from __future__ import annotations

import ast
from typing import Any

from libsurface.pysource import NO_VALUE, keyword, literal, text

# argparse actions that take no value on the command line
SWITCH_ACTIONS = {"store_true", "store_false", "store_const", "append_const", "count", "help", "version"}
REFERENCE_KEYS = ("type", "default", "action", "choices", "nargs", "dest", "help")


def parser_options(function: ast.FunctionDef, parser_names: tuple[str, ...] = ("parser",)) -> list[dict[str, Any]]:
    """Every ``add_argument`` call in ``function``, in source order.

    Each record has the reference table's fields (``line``, ``group``, ``names``
    and the keywords as source text, "" when absent) plus values derived from
    them: ``dest_name`` (the attribute the value lands on), ``switch`` (takes no
    value), and ``default_value`` / ``choices_value`` when they are literals.
    """
    groups: dict[str, str] = {}
    calls: list[ast.Call] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute) \
                and node.value.func.attr in ("add_argument_group", "add_mutually_exclusive_group"):
            title = literal(node.value.args[0]) if node.value.args else NO_VALUE
            if title is NO_VALUE:
                title = literal(keyword(node.value, "title"))
            owner = text(node.value.func.value)
            if title is NO_VALUE or not isinstance(title, str):  # an untitled group belongs to its owner's
                title = groups.get(owner, "parser")
            groups[node.targets[0].id] = title
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
            calls.append(node)
    for name in parser_names:
        groups.setdefault(name, "parser")
    records = []
    for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
        receiver = text(call.func.value)
        names = [literal(a) for a in call.args]
        record: dict[str, Any] = {
            "line": call.lineno,
            "group": groups.get(receiver, receiver),
            "names": [n if isinstance(n, str) else "<" + text(a) + ">" for n, a in zip(names, call.args)],
        }
        for key in REFERENCE_KEYS:
            record[key] = text(keyword(call, key))
        record.update(_derived(call, record["names"]))
        records.append(record)
    return records


def _derived(call: ast.Call, names: list[str]) -> dict[str, Any]:
    action = literal(keyword(call, "action"))
    nargs = literal(keyword(call, "nargs"))
    dest = literal(keyword(call, "dest"))
    if not isinstance(dest, str):
        long_names = [n for n in names if n.startswith("--")]
        first = long_names[0] if long_names else names[0] if names else ""
        dest = first.lstrip("-").replace("-", "_")
    out: dict[str, Any] = {
        "dest_name": dest,
        "positional": bool(names) and not names[0].startswith("-"),
        "switch": isinstance(action, str) and action in SWITCH_ACTIONS or nargs == 0,
    }
    if action is NO_VALUE and keyword(call, "action") is not None:
        out["action_is_class"] = True  # a custom Action class: read its source to know whether it takes a value
    for key in ("default", "choices", "type"):
        node = keyword(call, key)
        value = literal(node)
        if value is not NO_VALUE:
            out[key + "_value"] = value
    return out

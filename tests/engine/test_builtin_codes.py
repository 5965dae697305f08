"""Each builtin code (a rule file with ``check: builtin``) is emitted by exactly one module.

A code is emitted where its literal (or a module constant holding it) is an argument of a call,
such as :func:`shardlint.builtins.finding`, is given as ``code=`` or is the value of a table of
codes (``builtins.input.PROBLEM_CODES``). Severity and docs link are never written beside it: they come from the
rule file (a literal code passed to ``Diagnostic`` directly counts as no emission, so it fails).
"""

from __future__ import annotations

import ast
from collections import defaultdict

import yaml

from tests.conftest import ROOT

SRC = ROOT / "src" / "shardlint"


def _builtin_codes() -> set[str]:
    codes = set()
    for path in (ROOT / "rules").glob("*/*.yaml"):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        if spec.get("check") == "builtin":
            codes.add(spec["id"])
    return codes


def _literal(node: ast.AST | None, constants: dict[str, str] | None = None) -> str | None:
    """A string literal, or a module-level string constant named by ``node``."""
    if isinstance(node, ast.Name) and constants:
        return constants.get(node.id)
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _emitted(tree: ast.Module) -> set[str]:
    constants = {target.id: value for stmt in tree.body if isinstance(stmt, ast.Assign)
                 for target in stmt.targets if isinstance(target, ast.Name) and (value := _literal(stmt.value))}
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            out.update(code for arg in node.args if (code := _literal(arg, constants)))
            out.update(code for kw in node.keywords if kw.arg == "code" and (code := _literal(kw.value)))
        elif isinstance(node, ast.Dict):
            out.update(code for value in node.values if (code := _literal(value)))
    return out


def _emitters() -> dict[str, set[str]]:
    by_code: dict[str, set[str]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        for code in _emitted(ast.parse(path.read_text(encoding="utf-8"))):
            by_code[code].add(str(path.relative_to(SRC)))
    return by_code


def test_every_builtin_code_is_emitted_by_exactly_one_module():
    emitters = _emitters()
    wrong = {code: sorted(emitters.get(code, ())) for code in _builtin_codes() if len(emitters.get(code, ())) != 1}
    assert wrong == {}


def test_no_builtin_code_is_built_with_its_own_severity():
    codes = _builtin_codes()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Diagnostic" and node.args:
                assert _literal(node.args[0]) not in codes, f"{path.relative_to(SRC)}:{node.lineno}"


def test_the_scan_reads_each_way_of_emitting():
    tree = ast.parse('C = "FSDP190"\nfinding("SL003", "x", r)\nd = {"a": "SL001"}\nLink(v, code="DSA100")\n'
                     'finding(C, "y", r)\n_diagnostic(doc, "LCH100", m, w)\nif d.code == "SL002": pass\n')
    found = _emitted(tree)
    assert {"SL003", "SL001", "DSA100", "FSDP190", "LCH100"} <= found and "SL002" not in found

"""Checks that need code (rule files with ``check: builtin``).

Each builtin family is emitted from one module: the input family from ``builtins.input``, the
schema families from ``validation.findings``, SUP from ``suppressions``, DSA100/DSA101 from
``engine.link`` and FSDP190 from ``builtins.fsdp190``. None of them states a severity or a docs
link: :func:`finding` takes both from the code's rule file.
"""

from __future__ import annotations

from functools import cache

from shardlint.bundle import BUNDLE_NAME, read_bundle
from shardlint.diagnostics import DOCS_BASE, Diagnostic, Fix, Range, Severity
from shardlint.resources import data_dir


@cache
def _severities() -> dict[str, Severity]:
    """Each builtin code's severity, from the rule files as the bundle holds them."""
    bundle = read_bundle(data_dir("rules") / BUNDLE_NAME)
    if bundle is None:
        raise RuntimeError("rules/rules.json is missing: run python -m shardlint.engine.build")
    return {spec["id"]: Severity.parse(spec["severity"]) for spec in bundle["rules"] if spec.get("check") == "builtin"}


def finding(code: str, message: str, range: Range, path: str = "", fixes: list[Fix] | None = None) -> Diagnostic:
    """A builtin check's finding, with the severity and docs link of its rule file."""
    return Diagnostic(code, _severities()[code], message, range, path, fixes, docs_url=f"{DOCS_BASE}{code}.md")

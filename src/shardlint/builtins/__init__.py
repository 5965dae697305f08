"""Checks that need code (rule files with ``check: builtin``).

Each builtin family is emitted from one module: the input family from ``builtins.input``, the
schema families from ``validation.findings``, SUP from ``suppressions``, DSA100/DSA101 from
``engine.link`` and FSDP190 from ``builtins.fsdp190``. None of them states a severity or a docs
link: :func:`finding` takes both from the code's rule file.
"""

from __future__ import annotations

from shardlint.diagnostics import Diagnostic, Fix, Range


def finding(code: str, message: str, range: Range, path: str = "", fixes: list[Fix] | None = None) -> Diagnostic:
    """A builtin check's finding, with the severity and docs link of its rule file."""
    from shardlint.engine.registry import builtin_ruleset

    rule = builtin_ruleset().by_id[code]
    return Diagnostic(code, rule.severity, message, range, path, fixes, docs_url=rule.docs_url)

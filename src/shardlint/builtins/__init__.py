"""Checks that need code (rule files with ``check: builtin``).

Each builtin family is emitted from one module: the input family from ``builtins.input``, the
schema families from ``validation.findings``, SUP from ``suppressions``, DSA100/DSA101 from
``engine.link`` and FSDP190 from ``builtins.fsdp190``. None of them states a severity or a docs
link: :func:`finding` takes both from the code's rule file.
"""

from __future__ import annotations

from functools import cache

from shardlint.diagnostics import DOCS_BASE, Diagnostic, Fix, Pending, Range, Severity


@cache
def _severities() -> dict[str, Severity]:
    """Each builtin code's severity, from its rule file (as shardlint's rules are loaded)."""
    from shardlint.engine.registry import builtin_ruleset

    return {rule.id: rule.severity for rule in builtin_ruleset().rules if rule.builtin}


def finding(code: str, message: str, range: Range, path: str = "", fixes: list[Fix] | None = None,
            pending: Pending | None = None) -> Diagnostic:
    """A builtin check's finding, with the severity and docs link of its rule file (``pending``: fixes
    worked out on first use, see :class:`~shardlint.diagnostics.Diagnostic`)."""
    return Diagnostic(code, _severities()[code], message, range, path, fixes, docs_url=f"{DOCS_BASE}{code}.md",
                      pending=pending)

"""A rule's explanation for hovers, from its rule file (through the rule engine's registry)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class RuleDoc:
    code: str
    name: str = ""
    summary: str = ""
    rationale: str = ""


@cache
def rule_doc(code: str) -> RuleDoc | None:
    """The rule's name, summary and rationale, or ``None`` when no readable file documents it."""
    import yaml

    from shardlint.engine.registry import find_rule_spec

    try:
        found = find_rule_spec(code)
    except (OSError, ValueError, yaml.YAMLError):  # an unreadable or half-written rule file
        return None
    if found is None:
        return None
    spec = found[1]

    def text(key: str) -> str:
        value = spec.get(key)
        return value.strip() if isinstance(value, str) else ""

    return RuleDoc(code, text("name"), text("summary"), text("rationale"))

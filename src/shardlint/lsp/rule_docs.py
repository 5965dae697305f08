"""A rule's explanation for hovers, read from its file in ``rules/<family>/<CODE>-<name>.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from shardlint.resources import data_dir


@dataclass(frozen=True)
class RuleDoc:
    code: str
    name: str = ""
    summary: str = ""
    rationale: str = ""


@cache
def _rule_files() -> dict[str, str]:
    try:
        root = data_dir("rules")
    except FileNotFoundError:
        return {}
    files = {}
    for path in root.glob("*/*.yaml"):
        code = path.name.split("-", 1)[0]
        files.setdefault(code, str(path))
    return files


@cache
def rule_doc(code: str) -> RuleDoc | None:
    """The rule's name, summary and rationale, or ``None`` when no file documents it."""
    path = _rule_files().get(code)
    if path is None:
        return None
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError):
        return None
    if not isinstance(data, dict):
        return None

    def text(key: str) -> str:
        value = data.get(key)
        return value.strip() if isinstance(value, str) else ""

    return RuleDoc(code, text("name"), text("summary"), text("rationale"))

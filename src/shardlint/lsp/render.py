"""Values written the way the user's file would spell them."""

from __future__ import annotations

import json
from typing import Any


def yaml_scalar(value: Any) -> str:
    """``value`` as YAML that ``yaml.safe_load`` reads back unchanged (so ``'no'`` stays a string)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if not isinstance(value, str):
        return json.dumps(value)
    import yaml

    try:
        plain = value == value.strip() and value != "" and yaml.safe_load(value) == value
    except yaml.YAMLError:
        plain = False
    return value if plain else "'" + value.replace("'", "''") + "'"


def scalar(value: Any, syntax: str) -> str:
    return json.dumps(value, ensure_ascii=False) if syntax == "json" else yaml_scalar(value)


def code(value: Any, syntax: str) -> str:
    """``value`` as inline Markdown code."""
    return f"`{scalar(value, syntax)}`"

"""Values written as YAML text that ``yaml.safe_load`` (which Accelerate uses) reads back unchanged.

Scalars are rendered for YAML 1.1, so a string such as ``"no"`` is quoted; collections are
rendered by ruamel.yaml (imported only then).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

_PLAIN_TEXT = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/]*\Z")
_STR_TAG = "tag:yaml.org,2002:str"


def plain_is_string(text: str) -> bool:
    """True when ``text`` written plain reads back as this very string under YAML 1.1."""
    import yaml

    if not _PLAIN_TEXT.match(text):
        return False
    return yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG


def yaml_scalar(value: Any, quote: str | None = None, like: str = "") -> str:
    """One YAML scalar that ``yaml.safe_load`` reads back as ``value`` (so ``'no'`` stays a string);
    ``quote`` forces a quote style for strings, ``like`` is the old text."""
    if isinstance(value, bool):
        word = "true" if value else "false"
        return word.capitalize() if like[:1].isupper() and like[1:2].islower() else word
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        if "e" in text and "." not in text:  # YAML 1.1 needs a dot: 1e-05 would be a string
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"
        return text
    text = str(value)
    if quote is None and plain_is_string(text):
        return text
    if quote != '"' and text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def yaml_fragment(value: dict[str, Any] | list[Any], unit: int, flow: bool = False) -> str:
    """A YAML collection as ruamel.yaml writes it for YAML 1.1 (newline-terminated lines)."""
    import io

    from ruamel.yaml import YAML

    writer = YAML(typ="rt")
    writer.version = (1, 1)  # so "no", "on", "1e8" come out quoted, as safe_load needs
    writer.default_flow_style = flow
    writer.width = 4096
    writer.indent(mapping=unit, sequence=unit + 2, offset=unit)
    out = io.StringIO()
    writer.dump(value, out)
    text = out.getvalue()
    return text.split("---", 1)[1].lstrip(" \n") if text.startswith("%YAML") else text

"""Rule selection as ruff does it: codes or prefixes (``FSDP``, ``DS1``, ``ALL``).

Selection is evaluated in layers (the configuration file, then the command
line).  Within a layer the most specific matching selector decides, and
``ignore`` wins a tie.  A layer that sets ``select`` starts over: codes it does
not mention are off.  A layer that only extends or ignores leaves unmentioned
codes to the layer below.  With no layer deciding, a code is on.
"""

from __future__ import annotations

import re
from typing import NamedTuple

FAMILIES = ("ACC", "DSA", "DS", "FSDP", "HF", "YAML", "SL", "SUP")
_SELECTOR = re.compile(rf"(?:{'|'.join(FAMILIES)})[0-9]{{0,3}}")
_CODE = re.compile(rf"(?:{'|'.join(FAMILIES)})[0-9]{{3}}")
ALL = "ALL"


def check_selector(text: str) -> str:
    """``text`` as a selector, or ``ValueError`` saying what a selector looks like."""
    if text == ALL or _SELECTOR.fullmatch(text):
        return text
    raise ValueError(f"{text!r} is not a rule code or prefix (for example FSDP101, FSDP, DS1 or ALL)")


def is_code(text: str) -> bool:
    return _CODE.fullmatch(text) is not None


def _specificity(selector: str, code: str) -> int:
    """Length of ``selector`` when it covers ``code``, else -1 (``ALL`` covers all with 0)."""
    if selector == ALL:
        return 0
    same_family = _family(selector) == _family(code)  # DS must not cover DSA101
    return len(selector) if same_family and code.startswith(selector) else -1


def _family(text: str) -> str:
    return text.rstrip("0123456789")


def most_specific(selectors: tuple[str, ...], code: str) -> int:
    return max((_specificity(s, code) for s in selectors), default=-1)


class SelectionLayer(NamedTuple):
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def decide(self, code: str) -> bool | None:
        """On, off, or ``None`` when this layer says nothing about ``code``."""
        on = most_specific((self.select or ()) + self.extend_select, code)
        off = most_specific(self.ignore, code)
        if on < 0 and off < 0:
            return False if self.select is not None else None
        return on > off


def is_enabled(layers: list[SelectionLayer], code: str) -> bool:
    """Whether ``code`` survives ``layers`` (lowest first)."""
    for layer in reversed(layers):
        decision = layer.decide(code)
        if decision is not None:
            return decision
    return True

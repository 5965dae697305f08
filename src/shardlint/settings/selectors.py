"""Rule selection as ruff does it: codes or prefixes (``FSDP``, ``DS1``, ``ALL``).

Selection is evaluated in layers (the configuration file, then the command
line).  Within a layer the most specific matching selector decides, and
``ignore`` wins a tie.  A layer that sets ``select`` starts over: codes it does
not mention are off.  A layer that only extends or ignores leaves unmentioned
codes to the layer below.  With no layer deciding, a code is on.

A selector names shardlint's families or those of the project's own rules
(``rule-paths``), so a misspelt prefix is refused instead of selecting nothing.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from shardlint.families import BUILTIN_PREFIXES, CODE, prefix_of

FAMILIES = BUILTIN_PREFIXES
# compiled by re on first use: most runs check no selector
_DIGITS = r"[0-9]{0,3}"
ALL = "ALL"


def check_selector(text: str, families: tuple[str, ...] = FAMILIES) -> str:
    """``text`` as a selector of ``families``, or ``ValueError`` saying what a selector looks like."""
    prefix = prefix_of(text)
    if text == ALL or prefix in families and re.fullmatch(_DIGITS, text[len(prefix):]):
        return text
    own = sorted(set(families) - set(FAMILIES))
    also = f"; this project's rules add {', '.join(own)}" if own else ""
    raise ValueError(f"{text!r} is not a rule code or prefix (for example FSDP101, FSDP, DS1 or ALL{also})")


def is_code(text: str) -> bool:
    """Whether ``text`` has the shape of a rule code (the family is not checked)."""
    return CODE.fullmatch(text) is not None


def _specificity(selector: str, code: str) -> int:
    """Length of ``selector`` when it covers ``code``, else -1 (``ALL`` covers all with 0)."""
    if selector == ALL:
        return 0
    same_family = prefix_of(selector) == prefix_of(code)  # DS must not cover DSA101
    return len(selector) if same_family and code.startswith(selector) else -1


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

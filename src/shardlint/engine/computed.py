"""Values a fix computes from the value it replaces (``fix: {compute: {PATH: NAME}}``).

Each function returns the value the library needs, or ``None`` when the old
value does not say unambiguously what was meant; no fix is offered then.
"""

from __future__ import annotations

from typing import Any, Callable

from shardlint.engine.values import strategy_name
from shardlint.semantics.accelerate import FSDP2_RESHARD_AFTER_FORWARD

# Python's default limit on the digits of an integer written as text (sys.int_info.default_max_str_digits);
# it also keeps ``1e999999999`` from being expanded into a billion digits
MAX_DIGITS = 4300


def whole_number(value: Any) -> int | None:
    """A whole number written as a float or in exponent notation (``1e8``, ``1.0e+8``) as an integer."""
    from decimal import Decimal, InvalidOperation  # only when a fix is built: decimal costs 3 ms to import

    if isinstance(value, bool) or not isinstance(value, (str, float)):
        return None
    try:  # a float's repr is the shortest text that reads back as it: 1e+30, not 1000000000000000019884624838656
        number = Decimal(value.strip() if isinstance(value, str) else repr(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or number.adjusted() >= MAX_DIGITS or number != number.to_integral_value():
        return None
    return int(number)


def comma_joined(value: Any) -> str | None:
    """A list of class names as the one comma-separated string Accelerate splits."""
    if not isinstance(value, list) or not value:
        return None
    if not all(isinstance(item, str) and item.strip() and "," not in item for item in value):
        return None
    return ",".join(item.strip() for item in value)


def fsdp2_reshard_after_forward(value: Any) -> bool | None:
    """An FSDP1 sharding strategy as FSDP2's ``reshard_after_forward`` boolean, as ``accelerate to-fsdp2`` maps it."""
    name = strategy_name(value)
    return FSDP2_RESHARD_AFTER_FORWARD[name] if name is not None else None


COMPUTED: dict[str, Callable[[Any], Any]] = {
    "whole-number": whole_number,
    "comma-joined": comma_joined,
    "fsdp2-reshard-after-forward": fsdp2_reshard_after_forward,
}

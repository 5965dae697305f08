"""Value normalisation: compare config values the way Accelerate and DeepSpeed do.

Accelerate upper-cases enum names before looking them up, accepts integer
aliases for the torch enums (``fsdp_sharding_strategy: 1`` is ``FULL_SHARD``),
parses booleans with ``str_to_bool`` and lower-cases some strings before use.
Each normaliser maps a raw value to its canonical form, or returns the raw value
unchanged when the library would reject it (so a rule can still see it).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from shardlint.semantics.accelerate import (AUTO_WRAP_POLICIES, BACKWARD_PREFETCH, SETTINGS, SHARDING_STRATEGIES,
                                            STATE_DICT_TYPES)

# accelerate/utils/environment.py:str_to_bool
_TRUE = frozenset({"y", "yes", "t", "true", "on", "1"})
_FALSE = frozenset({"n", "no", "f", "false", "off", "0"})



def str_to_bool(value: Any) -> bool | None:
    """Accelerate's ``str_to_bool`` on ``str(value)``; ``None`` where it would raise."""
    if isinstance(value, bool):
        return value
    if value is None or isinstance(value, (dict, list, float)):
        return None
    text = str(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def strategy_name(value: Any) -> str | None:
    """The sharding strategy a config value names as Accelerate reads it (any case, 1-5), if any."""
    name = NORMALISERS["sharding-strategy"](value)
    return name if isinstance(name, str) and name in SHARDING_STRATEGIES else None


def _enum(names: tuple[str, ...], max_alias: int) -> Callable[[Any], Any]:
    """Names case-insensitively; integers (or digit strings) 1..max_alias by position."""

    def normalise(value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
            number = _int_or_none(value)
            return names[number - 1] if number is not None and 1 <= number <= max_alias else value
        if isinstance(value, str):
            upper = value.strip().upper()
            if upper.lstrip("_") in names:  # torch member names such as _HYBRID_SHARD_ZERO2
                return upper.lstrip("_")
        return value

    return normalise


def _names(names: tuple[str, ...]) -> Callable[[Any], Any]:
    def normalise(value: Any) -> Any:
        if isinstance(value, str) and value.strip().upper() in names:
            return value.strip().upper()
        return value

    return normalise


def to_bool(value: Any) -> Any:
    parsed = str_to_bool(value)
    return value if parsed is None else parsed


def python_bool(value: Any) -> bool:
    """Python truthiness, as Accelerate's launcher tests some raw values (a quoted ``'false'`` is true)."""
    return bool(value)


def to_int(value: Any) -> Any:
    """``int(str(value))`` as the launcher and plugins do; floats with no fraction too."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        number = _int_or_none(value)
        return value if number is None else number
    return value


def _int_or_none(value: int | str) -> int | None:
    """``int(value)``, or ``None`` where Python refuses it (a digit string longer than its limit)."""
    try:
        return int(value)
    except ValueError:
        return None


def lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def mixed_precision(value: Any) -> Any:
    """Lower-cased; unquoted YAML ``no`` (``False``) stands for ``'no'``."""
    if value is False:
        return "no"
    return lower(value)


def true_string(value: Any) -> Any:
    """``zero3_save_16bit_model``: only ``str(value).lower() == 'true'`` counts as true."""
    return str(value).lower() == "true" if value is not None else value


def reshard_after_forward(value: Any) -> Any:
    """A bool for FSDP2, a strategy name for FSDP1: whichever parses."""
    parsed = str_to_bool(value)
    if parsed is not None and not (isinstance(value, str) and value.strip().isdigit()):
        return parsed
    return _enum(SHARDING_STRATEGIES, 5)(value)


def reshard_strategy(value: Any) -> Any:
    """``fsdp_reshard_after_forward`` as an FSDP1 strategy: a strategy name, or FSDP2's boolean as the
    strategy it stands for (``true`` FULL_SHARD, ``false`` SHARD_GRAD_OP)."""
    value = reshard_after_forward(value)
    if isinstance(value, bool):
        return "FULL_SHARD" if value else "SHARD_GRAD_OP"
    return value


NORMALISERS: dict[str, Callable[[Any], Any]] = {
    "bool": to_bool,
    "python-bool": python_bool,
    "int": to_int,
    "lower": lower,
    "upper": upper,
    "true-string": true_string,
    "mixed-precision": mixed_precision,
    "sharding-strategy": _enum(SHARDING_STRATEGIES, 5),
    "backward-prefetch": _enum(BACKWARD_PREFETCH, 2),
    "state-dict-type": _enum(STATE_DICT_TYPES, 3),
    "auto-wrap-policy": _names(AUTO_WRAP_POLICIES),
    "reshard-after-forward": reshard_after_forward,
    "reshard-strategy": reshard_strategy,
}


def normaliser_for(kind: str | None, path: tuple[Any, ...]) -> Callable[[Any], Any] | None:
    return _accelerate_normaliser(path) if kind == "accelerate" else None


@lru_cache(maxsize=4096)
def _accelerate_normaliser(path: tuple[Any, ...]) -> Callable[[Any], Any] | None:
    setting = SETTINGS.get(path)
    return NORMALISERS[setting.normaliser] if setting and setting.normaliser else None


def render(value: Any) -> str:
    """A value as it would be written in YAML, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    try:
        if isinstance(value, (dict, list)):
            import json

            return json.dumps(value, ensure_ascii=False)
        return str(value)
    except ValueError:  # an integer over Python's limit on digits written as text (a product of sizes can be)
        return "<a number too long to show>"

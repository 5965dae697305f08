"""shardlint's own rule families: their folder under ``rules/``, their codes and their title.

Code prefixes and number blocks are documented for contributors in CONTRIBUTING.md.
A project's own rules (``rule-paths``) bring families of their own, whose prefix
must not be one of these.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Family(NamedTuple):
    folder: str  # rules/<folder>/
    title: str  # heading of the family in docs/rules/README.md
    codes: str  # regular expression every code in the folder matches
    span: str  # the same, for people


BUILTIN_FAMILIES = (
    Family("input", "Input and loading (SL)", r"SL0[0-9]{2}", "SL001-SL099"),
    Family("schema", "Schema: structure, types, enums, unknown keys", r"(?:ACC|DS)0[0-9]{2}",
           "ACC001-ACC099, DS001-DS099"),
    Family("acc", "Accelerate top level and launch (ACC)", r"ACC[1-9][0-9]{2}", "ACC100-ACC999"),
    Family("fsdp", "FSDP (FSDP)", r"FSDP[1-9][0-9]{2}", "FSDP100-FSDP999"),
    Family("dsa", "DeepSpeed in an Accelerate config, and the YAML/JSON pair (DSA)", r"DSA[1-9][0-9]{2}",
           "DSA100-DSA999"),
    Family("ds", "DeepSpeed JSON (DS)", r"DS[1-9][0-9]{2}", "DS100-DS999"),
    Family("hf", "The Trainer: \"auto\" values, training arguments and recipes (HF)", r"HF[1-9][0-9]{2}", "HF100-HF999"),
    Family("yaml", "YAML scalar traps (YAML)", r"YAML[1-9][0-9]{2}", "YAML100-YAML999"),
    Family("launch", "Launch commands: accelerate launch, torchrun, deepspeed (LCH)", r"LCH[1-9][0-9]{2}",
           "LCH100-LCH999"),
    Family("suppress", "Suppression comments (SUP)", r"SUP0[0-9]{2}", "SUP001-SUP099"),
)
BUILTIN_PREFIXES = ("ACC", "DSA", "DS", "FSDP", "HF", "YAML", "LCH", "SL", "SUP")
# what every rule code looks like: an upper-case prefix and three digits
CODE = re.compile(r"[A-Z]{1,8}[0-9]{3}")


def prefix_of(code: str) -> str:
    """``FSDP`` for ``FSDP101`` (and for the selector ``FSDP1``)."""
    return code.rstrip("0123456789")

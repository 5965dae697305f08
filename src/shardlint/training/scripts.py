"""Does a training script read ``TrainingArguments``? Decided from its source when it is at hand.

A script that builds an ``HfArgumentParser``/``TrlParser`` or names ``TrainingArguments`` or a
TRL config class takes training arguments on its command line (and usually runs the Trainer).
Without the source (a module, a script outside the repository), the arguments themselves decide:
mostly ``TrainingArguments`` fields, or a recipe that looks like one.
"""

from __future__ import annotations

import re
from pathlib import Path

_PARSES = re.compile(r"\b(?:HfArgumentParser|TrlParser|H4ArgumentParser|(?:Seq2Seq)?TrainingArguments|"
                     r"(?:SFT|DPO|GRPO|KTO|ORPO|CPO|Reward|RLOO|PPO|GKD|BCO|PRM|OnlineDPO|Distillation)Config)\b")
MAX_SCRIPT_BYTES = 2_000_000
MIN_FIELDS = 2        # the command line gives at least this many training arguments ...
MIN_FIELD_SHARE = 0.5  # ... and they are at least half of its named arguments


def script_parses_training_arguments(path: Path) -> bool | None:
    """True or False from the script's source; None when it cannot be read."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_SCRIPT_BYTES:
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return _PARSES.search(text) is not None


def arguments_look_like_training_arguments(names: list[str]) -> bool:
    from shardlint.training.schema import all_names

    if not names:
        return False
    fields = sum(1 for name in names if name in all_names())
    return fields >= MIN_FIELDS and fields >= MIN_FIELD_SHARE * len(names)

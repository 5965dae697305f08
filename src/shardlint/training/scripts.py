"""Does a training script read ``TrainingArguments``? Decided from its source when it is at hand.

A script that builds an ``HfArgumentParser``/``TrlParser`` or names ``TrainingArguments`` or a
TRL config class takes training arguments on its command line (and usually runs the Trainer).
Without the source (a module, a script outside the repository), the arguments themselves decide:
nothing but training-argument fields, or a recipe that looks like one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

_PARSES = re.compile(r"\b(?:HfArgumentParser|TrlParser|H4ArgumentParser|(?:Seq2Seq)?TrainingArguments|"
                     r"(?:SFT|DPO|GRPO|KTO|ORPO|CPO|Reward|RLOO|PPO|GKD|BCO|PRM|OnlineDPO|Distillation)Config)\b")
# the script drives DeepSpeed itself, or Accelerate without the Trainer (the launch's runner)
_INITIALIZES = re.compile(r"\bdeepspeed\.initialize\s*\(")
_ACCELERATOR = re.compile(r"\bAccelerator\s*\(")
MAX_SCRIPT_BYTES = 2_000_000
MIN_FIELDS = 3  # a command line of training-argument fields only, and at least this many of them


class ScriptFacts(NamedTuple):
    parses_training_arguments: bool
    initializes_deepspeed: bool  # calls deepspeed.initialize
    builds_accelerator: bool     # builds an Accelerator


_seen: dict[Path, tuple[tuple[int, int], ScriptFacts]] = {}


def script_facts(path: Path) -> ScriptFacts | None:
    """What the script's source shows; None when it cannot be read."""
    try:
        st = path.stat()
        if not path.is_file() or st.st_size > MAX_SCRIPT_BYTES:
            return None
        stamp = (st.st_mtime_ns, st.st_size)
        hit = _seen.get(path)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    facts = ScriptFacts(_PARSES.search(text) is not None, _INITIALIZES.search(text) is not None,
                        _ACCELERATOR.search(text) is not None)
    _seen[path] = (stamp, facts)
    return facts


def script_parses_training_arguments(path: Path) -> bool | None:
    """True or False from the script's source; None when it cannot be read."""
    facts = script_facts(path)
    return facts.parses_training_arguments if facts is not None else None


def arguments_look_like_training_arguments(names: list[str]) -> bool:
    """Every argument is a TrainingArguments or TRL field (of some release).

    A weaker test fails on real commands: open-instruct's and DeepSpeed-Chat's own parsers take
    `--per_device_train_batch_size`, `--warmup_ratio` and `--gradient_checkpointing` too, beside
    arguments of their own (`--use_flash_attn`, `--zero_stage`).
    """
    from shardlint.training.schema import all_names

    return len(names) >= MIN_FIELDS and all(name in all_names() for name in names)

"""Recipe files: YAML or JSON whose keys are overwhelmingly ``TrainingArguments`` / TRL config fields.

alignment-handbook, open-r1 and TRL scripts read them with ``HfArgumentParser.parse_yaml_file``
(or ``TrlParser``'s ``--config``): every top-level key must be a field of one of the script's
dataclasses. Programs with their own config schema (axolotl, LLaMA-Factory) share many names
but hold far more of their own, so they stay below the threshold.
"""

from __future__ import annotations

from typing import Any

MIN_TRAINING_FIELDS = 4      # a handful of genuine TrainingArguments fields ...
MIN_KNOWN_SHARE = 0.75       # ... and three quarters of all keys known to transformers or TRL


def looks_like_recipe(data: Any) -> bool:
    if not isinstance(data, dict) or len(data) < MIN_TRAINING_FIELDS:
        return False
    from shardlint.training.schema import all_names, transformers_fields

    keys = [k for k in data if isinstance(k, str)]
    training = sum(1 for k in keys if k in transformers_fields())
    known = sum(1 for k in keys if k in all_names())
    return training >= MIN_TRAINING_FIELDS and known >= MIN_KNOWN_SHARE * len(data)

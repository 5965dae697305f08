"""The TrainingArguments schema is loaded only when a file needs it."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import ROOT, write
from tests.core.test_startup import imported_by_check

SCHEMA = "shardlint.training.schema"


def test_configs_do_not_load_the_training_schema_and_recipes_do(tmp_path: Path):
    for name in ("fsdp2-good.yaml", "ds_config_zero3.json"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    assert SCHEMA not in imported_by_check(tmp_path, "fsdp2-good.yaml", "ds_config_zero3.json")
    write(tmp_path, "recipe.yaml", "output_dir: out\nlearning_rate: 2.0e-05\nper_device_train_batch_size: 4\n"
                                   "bf16: true\n")
    assert SCHEMA in imported_by_check(tmp_path, "recipe.yaml")

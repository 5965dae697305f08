"""The packaged TrainingArguments schema is generated from the snapshots and answers per release."""

from __future__ import annotations

import subprocess
import sys

import pytest

from shardlint.engine.versions import parse_version
from shardlint.training.schema import known_names, schema_data, status
from tests.conftest import ROOT


def test_the_packaged_schema_is_what_the_generator_writes():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_training_schema.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_it_covers_every_snapshot():
    data = schema_data()
    versions = sorted(p.stem for p in (ROOT / "knowledge" / "transformers").glob("*.json"))
    assert sorted(data["transformers"]["versions"]) == versions
    assert {"SFTConfig", "DPOConfig", "GRPOConfig", "ModelConfig"} <= set(data["trl"]["configs"])


V = parse_version


@pytest.mark.parametrize("name, version, state", [
    ("eval_strategy", "5.25.0", "known"), ("evaluation_strategy", "4.50.3", "known"),
    ("evaluation_strategy", "4.51.3", "removed"), ("evaluation_strategy", "5.25.0", "removed"),
    ("overwrite_output_dir", "4.57.6", "known"), ("overwrite_output_dir", "5.0.0", "removed"),
    ("save_safetensors", "5.25.0", "removed"), ("logging_dir", "5.10.1", "known"), ("logging_dir", "5.25.0", "removed"),
    ("activation_checkpointing", "5.10.1", "not-yet"), ("activation_checkpointing", "5.25.0", "known"),
    ("max_length", "5.25.0", "trl"), ("dataset_mixer", "5.25.0", "unknown"),
])
def test_field_status_per_release(name, version, state):
    assert status(name, V(version), V("1.16.0")).state == state


def test_renames_are_read_from_the_deprecation_notices():
    fields = schema_data()["transformers"]["fields"]
    assert fields["evaluation_strategy"]["replacement"] == {"field": "eval_strategy"}
    assert fields["split_batches"]["replacement"] == {"field": "accelerator_config", "key": "split_batches"}
    assert fields["gradient_checkpointing"]["replacement"] == {"field": "activation_checkpointing"}
    assert fields["per_gpu_train_batch_size"]["replacement"] == {"field": "per_device_train_batch_size"}
    assert "replacement" not in fields["overwrite_output_dir"]


def test_known_names_include_trl_fields_of_the_release():
    names = known_names(V("5.25.0"), V("1.16.0"))
    assert {"per_device_train_batch_size", "max_length", "beta", "model_name_or_path"} <= names
    assert "evaluation_strategy" not in names


def test_releases_between_the_snapshots_bracketing_an_addition_get_the_benefit_of_the_doubt():
    entry = schema_data()["transformers"]["fields"]["eval_strategy"]
    assert (entry["absent_in"], entry["since"]) == ("4.40.2", "4.46.3")  # added in 4.41, between the two
    assert status("eval_strategy", V("4.44.0"), V("1.16.0")).state == "known"
    assert status("eval_strategy", V("4.40.2"), V("1.16.0")).state == "not-yet"

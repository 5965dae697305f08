"""The effective launch: flags over YAML over launch defaults, with the origin of every value."""

from __future__ import annotations

import json
from pathlib import Path

from shardlint.launch.effective import UNKNOWN, effective
from shardlint.launch.lint import read_launches
from shardlint.loading.reader import read_document
from tests.conftest import run_shardlint, write

CONFIG = ("distributed_type: FSDP\nnum_processes: 8\nsame_network: false\n"
          "fsdp_config:\n  fsdp_version: 2\n  sharding_strategy: SHARD_GRAD_OP\n")


def _effective(tmp_path: Path, script: str):
    write(tmp_path, "configs/fsdp.yaml", CONFIG)
    path = write(tmp_path, "run.sh", script)
    doc = read_document(path, "run.sh")
    launches, written = read_launches(doc, "shell")
    return [effective(launch, doc, written) for launch in launches]


def test_flags_yaml_and_defaults_each_say_where_they_come_from(tmp_path: Path) -> None:
    (result,) = _effective(tmp_path, "accelerate launch --config_file configs/fsdp.yaml \\\n"
                                     "  --num_processes 16 --fsdp_version 1 --main_process_port $PORT train.py\n")
    got = {s.key: (s.value, s.where) for s in result.settings}
    assert got["num_processes"] == (16, "run.sh:2:3")  # the flag beats the YAML's 8
    assert got["distributed_type"] == ("FSDP", "configs/fsdp.yaml:1")
    assert got["fsdp_config.fsdp_version"] == ("1", "run.sh:2:22")
    # a key written without its fsdp_ prefix is read with it
    assert got["fsdp_config.fsdp_sharding_strategy"] == ("SHARD_GRAD_OP", "configs/fsdp.yaml:6")
    assert got["main_process_port"][0] is UNKNOWN
    # a top-level key whose option has a non-None default is never read from the YAML
    assert got["same_network"] == (False, "flag default; configs/fsdp.yaml:3 is not read")
    assert got["fsdp_config.fsdp_offload_params"] == (False, "launch default (Accelerate 1.16.0)")


def test_a_paradigm_flag_replaces_distributed_type(tmp_path: Path) -> None:
    (result,) = _effective(tmp_path, "accelerate launch --config_file configs/fsdp.yaml --use_deepspeed x.py\n")
    assert result.get("distributed_type").value == "DEEPSPEED"
    assert result.get("deepspeed_config.zero_stage").value == 2  # a launch default of the active section
    assert result.get("fsdp_config.fsdp_version") is not None  # the YAML section is still read, unused


def test_effective_command_text_and_json(tmp_path: Path) -> None:
    write(tmp_path, "configs/fsdp.yaml", CONFIG)
    write(tmp_path, "run.sh", "echo start\naccelerate launch --config_file configs/fsdp.yaml train.py\n"
                              "accelerate launch --cpu other.py\n")
    text = run_shardlint("effective", "run.sh:2", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == "run.sh:2: accelerate"
    assert any(line.split("|")[0].strip() == "num_processes" and line.split("|")[1].strip() == "8"
               and line.split("|")[2].strip() == "configs/fsdp.yaml:2" for line in lines)
    data = json.loads(run_shardlint("effective", "run.sh", "--format", "json", cwd=tmp_path).stdout)
    assert [item["line"] for item in data] == [2, 3]
    assert "--cpu skips the machine's default config" in data[1]["config"]
    assert {"setting": "distributed_type", "value": "NO", "known": True, "source": "flag",
            "from": "run.sh:3:19"} in data[1]["settings"]


def test_effective_without_a_launch_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "run.sh", "echo nothing\n")
    out = run_shardlint("effective", "run.sh", cwd=tmp_path)
    assert out.returncode == 2 and "no launch command found" in out.stderr


def test_world_size_of_each_launcher(tmp_path: Path) -> None:
    path = write(tmp_path, "run.sh", "torchrun --nproc_per_node 8 --nnodes 2 t.py\n"
                                     "deepspeed --num_gpus 4 --num_nodes 2 t.py\n"
                                     "accelerate launch --cpu --num_processes 3 t.py\n"
                                     "torchrun --nproc_per_node gpu t.py\n")
    doc = read_document(path, "run.sh")
    launches, written = read_launches(doc, "shell")
    sizes = []
    for launch in launches:
        setting = effective(launch, doc, written).get("world_size")
        sizes.append(setting.value if setting is not None else None)
    assert sizes == [16, 8, 3, None]  # "gpu" is the machine's device count: not known here

"""The packaged accelerate launch option tables, one per snapshotted release (tools/gen_launch_flags.py)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from shardlint.knowledge import accelerate_launch_flags, accelerate_launch_versions
from shardlint.launch.flags import accelerate_options, launcher_options, parser_version
from tests.conftest import ROOT, run_shardlint, write


def _generator():  # tools/gen_launch_flags.py, loaded by path (tools/ is not a package)
    spec = importlib.util.spec_from_file_location("gen_launch_flags", ROOT / "tools" / "gen_launch_flags.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_packaged_tables_are_what_the_generator_makes_from_the_snapshots() -> None:
    generator = _generator()
    expected = generator.tables()
    packaged = {p.name: p.read_text(encoding="utf-8") for p in generator.OUT.glob("*.json")}
    assert packaged == expected, "run: python tools/gen_launch_flags.py"
    assert {f"{v}.json" for v in accelerate_launch_versions()} == {
        p.name for p in (ROOT / "knowledge" / "accelerate").glob("*.json")}


def test_the_1_15_table() -> None:
    table = accelerate_launch_flags("1.15.0")
    assert table["version"] == "1.15.0"
    # 123 options (launch_command_parser of the released 1.15.0, -h aside); every one has both spellings
    assert len(table["options"]) == 123
    options = accelerate_options("1.15.0")
    assert options["--num-processes"] is options["--num_processes"]
    assert options["--fsdp_activation_checkpointing_offload"].config_key == \
        "fsdp_config.fsdp_activation_checkpointing_offload"
    assert options["-m"].flag == "--module" and not options["-m"].takes_value
    assert options["--same_network"].precedence == "yaml-ignored"
    assert options["--num_processes"].precedence == "flag-if-none"
    assert options["--debug"].precedence == "flag-over-yaml"  # "if not args.debug: args.debug = defaults.debug"
    assert options["--dynamo_mode"].config_key == "dynamo_config.dynamo_mode"
    assert options["--fp8_margin"].config_key == "fp8_config.margin"
    assert options["--mpirun_hostfile"].config_key == "mpirun_config.mpirun_hostfile"
    assert options["--num_cpu_threads_per_process"].config_key is None
    assert options["--use_fsdp"].paradigm == "FSDP"
    assert options["--mixed_precision"].choices == ("no", "fp16", "bf16", "fp8")
    assert options["--fp8_backend"].choices == ("ao", "te", "msamp")
    assert options["--fp8_opt_level"].config_key == "fp8_config.opt_level"


def test_the_1_16_table_follows_its_parser() -> None:
    options = accelerate_options("1.16.0")
    assert len(accelerate_launch_flags("1.16.0")["options"]) == 122
    assert "--fp8_opt_level" not in options and "--fp8-opt-level" not in options
    assert options["--fp8_backend"].choices == ("ao", "te")  # MS-AMP removed
    assert options["--dynamo_use_dynamic"].default is None  # was False
    assert options["--num_processes"].line != accelerate_options("1.15.0")["--num_processes"].line


@pytest.mark.parametrize(("target", "parser"), [
    (None, "1.16.0"), ("1.16.0", "1.16.0"), ("1.17", "1.16.0"), ("1.15.2", "1.15.0"), ("1.15", "1.15.0"),
    ("1.2", "1.15.0"),  # older than every table: the oldest one
])
def test_the_newest_table_not_newer_than_the_target(target: str | None, parser: str) -> None:
    assert parser_version(target) == parser


def test_torchrun_and_deepspeed_tables() -> None:
    torchrun = launcher_options("torchrun")
    assert torchrun["--nproc-per-node"] is torchrun["--nproc_per_node"]
    assert not torchrun["--standalone"].takes_value and "--use_env" not in torchrun
    assert "--use_env" in launcher_options("torch.distributed.launch")
    deepspeed = launcher_options("deepspeed")
    assert deepspeed["--num_accelerators"] is deepspeed["--num_gpus"]
    assert deepspeed["--autotuning"].takes_value  # a value with choices, not a switch


FP8_LAUNCH = "accelerate launch --mixed_precision fp8 --fp8_backend te --fp8_opt_level O1 train.py\n"


def _launch_diagnostics(tmp_path: Path, *target: str) -> list[dict]:
    write(tmp_path, "run.sh", FP8_LAUNCH)
    write(tmp_path, "train.py", "")
    out = run_shardlint("check", "--isolated", "--format", "json", *target, str(tmp_path / "run.sh"))
    return json.loads(out.stdout)["files"][0]["diagnostics"]


def test_an_option_the_target_release_removed_is_unknown(tmp_path: Path) -> None:
    found = [d for d in _launch_diagnostics(tmp_path) if d["code"] == "LCH100"]
    assert len(found) == 1 and "Accelerate 1.16.0 removed it" in found[0]["message"]
    assert not [d for d in _launch_diagnostics(tmp_path, "--target", "accelerate=1.15") if d["code"] == "LCH100"]


def test_effective_names_the_parser(tmp_path: Path) -> None:
    write(tmp_path, "run.sh", FP8_LAUNCH)
    out = run_shardlint("effective", "--format", "json", "--target", "accelerate=1.15.1", str(tmp_path / "run.sh"))
    assert json.loads(out.stdout)[0]["parser"] == "accelerate launch of Accelerate 1.15.0"
    out = run_shardlint("effective", str(tmp_path / "run.sh"))
    assert "options read by: accelerate launch of Accelerate 1.16.0" in out.stdout

"""``shardlint convert`` through the real command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import run_shardlint

FSDP = """\
# our FSDP setup
distributed_type: FSDP
fsdp_config:
  fsdp_sharding_strategy: FULL_SHARD
  fsdp_offload_params: true
  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP
mixed_precision: bf16
num_processes: 4
"""


def test_stdout_by_default_and_summary_on_stderr(tmp_path: Path):
    config = tmp_path / "fsdp.yaml"
    config.write_text(FSDP)
    proc = run_shardlint("convert", "--to", "deepspeed", str(config))
    assert proc.returncode == 0, proc.stderr
    data = yaml.safe_load(proc.stdout)
    assert data["deepspeed_config"]["zero_stage"] == 3
    assert data["deepspeed_config"]["offload_param_device"] == "cpu"
    assert proc.stdout.startswith("# our FSDP setup\n")
    assert proc.stderr.startswith("shardlint convert FSDP1 -> DeepSpeed")
    assert "left out (1):" in proc.stderr and "fsdp_auto_wrap_policy" in proc.stderr
    assert config.read_text() == FSDP  # the source is not touched


def test_output_file_then_lint_it(tmp_path: Path):
    config, out = tmp_path / "fsdp.yaml", tmp_path / "ds.yaml"
    config.write_text(FSDP)
    proc = run_shardlint("convert", "--to", "deepspeed", str(config), "-o", str(out), "--quiet")
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""
    assert yaml.safe_load(out.read_text())["distributed_type"] == "DEEPSPEED"
    check = run_shardlint("check", "--fail-level", "error", str(out))
    assert check.returncode == 0, check.stdout


def test_errors_exit_2_without_traceback(tmp_path: Path):
    ddp = tmp_path / "ddp.yaml"
    ddp.write_text("distributed_type: MULTI_GPU\nnum_processes: 2\n")
    for args in (["--to", "fsdp", str(ddp)], ["--to", "fsdp", str(tmp_path / "missing.yaml")]):
        proc = run_shardlint("convert", *args)
        assert proc.returncode == 2
        assert proc.stderr.startswith("shardlint convert: ") and "Traceback" not in proc.stderr
    usage = run_shardlint("convert", "--to", "megatron", str(ddp))
    assert usage.returncode == 2 and "invalid choice" in usage.stderr


def test_unreadable_input_and_unwritable_output_exit_2_without_traceback(tmp_path: Path):
    config, binary = tmp_path / "fsdp.yaml", tmp_path / "binary.yaml"
    config.write_text(FSDP)
    binary.write_bytes(b"\xff\xfe\x00binary")
    under_a_file = config / "out.yaml"
    cases = [([str(binary)], f"shardlint convert: cannot read {binary}: "),
             ([str(config), "-o", str(under_a_file)], f"shardlint convert: cannot write {under_a_file}: "),
             ([str(config), "-o", str(tmp_path)], f"shardlint convert: cannot write {tmp_path}: ")]
    for args, message in cases:
        proc = run_shardlint("convert", "--to", "deepspeed", "-q", *args)
        assert (proc.returncode, proc.stdout) == (2, ""), args
        assert proc.stderr.startswith(message) and "Traceback" not in proc.stderr, proc.stderr
    assert config.read_text() == FSDP


def test_check_does_not_import_the_converter(tmp_path: Path):
    clean = tmp_path / "ds.yaml"
    clean.write_text("distributed_type: DEEPSPEED\nnum_processes: 2\ndeepspeed_config:\n  zero_stage: 2\n")
    probe = ("import sys\n"
             "from shardlint.cli import main\n"
             f"code = main(['check', {str(clean)!r}])\n"
             "print(code, 'ruamel' in ' '.join(sys.modules), 'shardlint.convert' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert proc.stdout.split()[-3:] == ["0", "False", "False"], proc.stdout + proc.stderr


def test_standard_input(tmp_path: Path):
    proc = run_shardlint("convert", "--to", "fsdp2", "-", cwd=tmp_path,
                         input="distributed_type: DEEPSPEED\ndeepspeed_config:\n  zero_stage: 2\n")
    assert proc.returncode == 0, proc.stderr
    assert yaml.safe_load(proc.stdout)["fsdp_config"]["fsdp_reshard_after_forward"] is False

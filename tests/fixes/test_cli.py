"""``shardlint check --fix / --unsafe-fixes / --diff`` on real files, in a subprocess."""

from __future__ import annotations

import json
import os
import stat

from tests.conftest import run_shardlint

FSDP1 = """\
# 8 GPUs, one node
distributed_type: FSDP
fsdp_config:
  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP
  fsdp_backward_prefetch: BACKWARD_PRE
  fsdp_sharding_strategy: SHARD_GRAD_OP  # keep params gathered
  fsdp_state_dict_type: SHARDED_STATE_DICT
  fsdp_use_orig_params: true  # for torch.compile
num_processes: 8
"""
MIGRATED = """\
# 8 GPUs, one node
distributed_type: FSDP
fsdp_config:
  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP
  fsdp_reshard_after_forward: false  # keep params gathered
  fsdp_state_dict_type: SHARDED_STATE_DICT
  fsdp_version: 2
  # for torch.compile
num_processes: 8
"""


def write(tmp_path, name, text, mode=0o644):
    path = tmp_path / name
    path.write_text(text)
    os.chmod(path, mode)
    return path


def test_diff_prints_and_writes_nothing(tmp_path):
    path = write(tmp_path, "fsdp.yaml", FSDP1)
    done = run_shardlint("check", "--diff", "--unsafe-fixes", "fsdp.yaml", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("--- fsdp.yaml\n+++ fsdp.yaml\n@@ ")
    assert "-  fsdp_use_orig_params: true  # for torch.compile\n" in done.stdout and "+  fsdp_version: 2\n" in done.stdout
    assert "Would fix 1 problem in 1 file: FSDP190." in done.stderr
    assert path.read_text() == FSDP1


def test_diff_without_unsafe_has_nothing_to_do(tmp_path):
    write(tmp_path, "fsdp.yaml", FSDP1)
    done = run_shardlint("check", "--diff", "fsdp.yaml", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "")
    assert "1 more fix available with --unsafe-fixes" in done.stderr


def test_fix_without_unsafe_leaves_unsafe_fixes(tmp_path):
    path = write(tmp_path, "fsdp.yaml", FSDP1)
    done = run_shardlint("check", "--fix", "fsdp.yaml", cwd=tmp_path)
    assert done.returncode == 0  # a hint stays below the default fail level
    assert path.read_text() == FSDP1
    assert "Nothing fixed" in done.stdout


def test_fix_unsafe_writes_keeping_mode_and_reports(tmp_path):
    path = write(tmp_path, "fsdp.yaml", FSDP1, mode=0o600)
    done = run_shardlint("check", "--fix", "--unsafe-fixes", "fsdp.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert path.read_text() == MIGRATED
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "Fixed 1 problem in 1 file: FSDP190; 0 remaining at warning level or above." in done.stdout
    again = run_shardlint("check", "--fix", "--unsafe-fixes", "fsdp.yaml", cwd=tmp_path)
    assert path.read_text() == MIGRATED and "Nothing fixed" in again.stdout


def test_fix_exit_code_follows_what_remains(tmp_path):
    write(tmp_path, "fsdp.yaml", FSDP1)
    done = run_shardlint("check", "--fix", "--unsafe-fixes", "--fail-level", "hint", "fsdp.yaml", cwd=tmp_path)
    assert done.returncode == 0  # the hint was fixed away
    write(tmp_path, "other.yaml", "distributed_type: FSDP\nfsdp_config:\n  fsdp_sharding_strategy: HALF\n")
    done = run_shardlint("check", "--fix", "--unsafe-fixes", "--fail-level", "hint", "other.yaml", cwd=tmp_path)
    assert done.returncode == 1  # FSDP190 without a fix remains


def test_json_format_stays_parseable(tmp_path):
    write(tmp_path, "fsdp.yaml", FSDP1)
    done = run_shardlint("check", "--fix", "--unsafe-fixes", "--format", "json", "fsdp.yaml", cwd=tmp_path)
    json.loads(done.stdout)
    assert "Fixed 1 problem" in done.stderr


def test_unparsable_file_is_never_written(tmp_path):
    text = "distributed_type: FSDP\nfsdp_config: [unclosed\n"
    path = write(tmp_path, "broken.yaml", text)
    done = run_shardlint("check", "--fix", "--unsafe-fixes", "broken.yaml", cwd=tmp_path)
    assert done.returncode == 1
    assert path.read_bytes() == text.encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yaml"]


def test_fix_walks_a_directory_and_keeps_crlf(tmp_path):
    write(tmp_path, "a.yaml", FSDP1.replace("\n", "\r\n"))
    write(tmp_path, "b.yaml", FSDP1)
    done = run_shardlint("check", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert "Fixed 2 problems in 2 files: FSDP190 (2);" in done.stdout, done.stdout + done.stderr
    assert (tmp_path / "a.yaml").read_bytes() == MIGRATED.replace("\n", "\r\n").encode()
    assert (tmp_path / "b.yaml").read_text() == MIGRATED


def test_output_file_gets_the_report_of_what_remains(tmp_path):
    write(tmp_path, "fsdp.yaml", FSDP1)
    done = run_shardlint("check", "--fix", "--unsafe-fixes", "--format", "json", "--output-file", "out/r.json",
                         "fsdp.yaml", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == ""
    assert json.loads((tmp_path / "out" / "r.json").read_text())["files"][0]["diagnostics"] == []



def test_a_file_named_twice_or_through_a_symlink_is_fixed_once(tmp_path):
    write(tmp_path, "fsdp.yaml", FSDP1)
    (tmp_path / "link.yaml").symlink_to("fsdp.yaml")
    done = run_shardlint("check", "--fix", "--unsafe-fixes", "fsdp.yaml", "link.yaml", "fsdp.yaml", cwd=tmp_path)
    assert done.returncode == 0
    assert "Fixed 1 problem in 1 file: FSDP190;" in done.stdout
    assert (tmp_path / "fsdp.yaml").read_text() == MIGRATED and (tmp_path / "link.yaml").is_symlink()
    write(tmp_path, "other.yaml", FSDP1)
    done = run_shardlint("check", "--diff", "--unsafe-fixes", "other.yaml", "other.yaml", cwd=tmp_path)
    assert done.returncode == 1 and done.stdout.count("--- other.yaml\n") == 1

"""The CLI end to end on real files: reports, exit codes, bad paths."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import run_shardlint

GOOD_FSDP = """\
compute_environment: LOCAL_MACHINE
distributed_type: FSDP
fsdp_config:
  fsdp_version: 2
  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP
  fsdp_cpu_ram_efficient_loading: true
  fsdp_state_dict_type: SHARDED_STATE_DICT
mixed_precision: bf16
num_machines: 1
num_processes: 8
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "fsdp.yaml").write_text(GOOD_FSDP)
    (tmp_path / "conf" / "broken.yaml").write_text("distributed_type: FSDP\nfsdp_config: [\n")
    (tmp_path / "conf" / "notes.yaml").write_text("title: not a training config\n")
    (tmp_path / "conf" / "ds.json").write_text('{"zero_optimization": {"stage": 2}, "train_micro_batch_size_per_gpu": 1}')
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.yaml").write_text("distributed_type: [\n")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "x.yaml").write_text("distributed_type: [\n")
    return tmp_path


def json_report(*args: str, cwd: Path) -> tuple[int, dict]:
    proc = run_shardlint("check", "--format", "json", *args, cwd=cwd)
    assert proc.stderr == "", proc.stderr  # findings go to the report, never to stderr
    return proc.returncode, json.loads(proc.stdout)


def test_walk_lists_every_config_and_skips_the_rest(tree):
    code, report = json_report("conf", cwd=tree)
    paths = sorted(f["path"] for f in report["files"])
    assert paths == ["conf/broken.yaml", "conf/ds.json", "conf/fsdp.yaml"]
    kinds = {f["path"]: f["kind"] for f in report["files"]}
    assert kinds == {"conf/broken.yaml": None, "conf/ds.json": "deepspeed", "conf/fsdp.yaml": "accelerate"}
    assert code == 1
    assert report["summary"]["files"] == 3 and report["summary"]["errors"] >= 1


def test_hidden_and_tool_folders_are_not_walked(tree):
    _, report = json_report(".", cwd=tree)
    assert not any(".hidden" in f["path"] or "node_modules" in f["path"] for f in report["files"])


def test_json_contract_shape(tree):
    _, report = json_report("conf/broken.yaml", cwd=tree)
    assert report["version"] == 1
    [entry] = report["files"]
    assert entry["uri"] == (tree / "conf" / "broken.yaml").resolve().as_uri()
    [diag] = entry["diagnostics"]
    assert set(diag) == {"range", "severity", "code", "codeDescription", "source", "message", "data"}
    assert diag["source"] == "shardlint" and diag["severity"] == 1 and diag["code"] == "SL001"
    assert diag["range"]["start"]["line"] == 2
    assert diag["codeDescription"]["href"].endswith("/SL001.md")
    assert diag["data"] == {"path": "", "fixes": []}
    assert set(report["summary"]) == {"files", "errors", "warnings", "information", "hints"}


def test_text_format_has_location_frame_and_summary(tree):
    proc = run_shardlint("check", "conf/broken.yaml", cwd=tree)
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("conf/broken.yaml:3:1: SL001 [error] YAML syntax error")
    assert any(line.strip().startswith("|") and "^" in line for line in lines)
    assert lines[-1] == "Found 1 error in 1 file."
    assert "\x1b[" not in proc.stdout  # piped: no colour


def test_color_always_and_no_color(tree):
    colored = run_shardlint("check", "--color", "always", "conf/broken.yaml", cwd=tree)
    assert "\x1b[" in colored.stdout


def test_unknown_file_named_explicitly_is_reported_as_information(tree):
    code, report = json_report("conf/notes.yaml", cwd=tree)
    [diag] = report["files"][0]["diagnostics"]
    assert diag["code"] == "SL009" and diag["severity"] == 3
    assert code == 0


@pytest.mark.parametrize("level, expected", [("error", 0), ("warning", 1)])
def test_fail_level(tmp_path, level, expected):
    (tmp_path / "dup.yaml").write_text("distributed_type: NO\ndistributed_type: NO\n")
    proc = run_shardlint("check", "--fail-level", level, "dup.yaml", cwd=tmp_path)
    assert proc.returncode == expected, proc.stdout


def test_missing_path_exits_2_without_traceback(tmp_path):
    proc = run_shardlint("check", "nope.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "nope.yaml:1:1: SL008" in proc.stdout and "no such file" in proc.stdout
    assert "Traceback" not in proc.stderr


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="root reads files whatever their mode")
def test_unreadable_file_exits_2(tmp_path):
    path = tmp_path / "secret.yaml"
    path.write_text("distributed_type: NO\n")
    path.chmod(0)
    proc = run_shardlint("check", "secret.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and "SL008" in proc.stdout


def test_unreadable_file_in_process(tmp_path, monkeypatch):
    from shardlint.lint import lint_paths
    from shardlint.diagnostics import Severity
    from shardlint.options import LintOptions

    path = tmp_path / "secret.yaml"
    path.write_text("distributed_type: NO\n")

    def deny(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("shardlint.loading.reader.read_regular", deny)
    report = lint_paths([str(path)], LintOptions())
    assert report.exit_code(Severity.WARNING) == 2
    [failure] = report.failures
    assert failure.diagnostics[0].code == "SL008" and "Permission denied" in failure.diagnostics[0].message


def test_directory_symlink_loop_terminates(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a" / "c.yaml").write_text("distributed_type: NO\n")
    proc = run_shardlint("check", "--format", "json", ".", cwd=tmp_path, timeout=20)
    report = json.loads(proc.stdout)
    assert [f["path"] for f in report["files"]] == ["a/c.yaml"]


@pytest.mark.parametrize("name, content, code", [
    ("in.yaml", b"", "SL003"),
    ("in.yaml", b"\x00\x01\x02binary", "SL004"),
    ("in.yaml", b"a: \xff\xfe\n", "SL004"),
    ("in.yaml", b"- a\n- b\n", "SL007"),
    ("in.yaml", b"distributed_type: [\n", "SL001"),
    ("in.json", b'{"zero_optimization": {"stage": 1,}}', "SL001"),
    ("in.yaml", b"a: [" + b"[" * 5000 + b"\n", "SL005"),
])
def test_bad_input_named_explicitly(tmp_path, name, content, code):
    (tmp_path / name).write_bytes(content)
    proc = run_shardlint("check", "--format", "json", name, cwd=tmp_path)
    report = json.loads(proc.stdout)
    assert code in [d["code"] for d in report["files"][0]["diagnostics"]]
    assert "Traceback" not in proc.stderr


def test_python_dash_m_and_version():
    proc = run_shardlint("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("shardlint ")

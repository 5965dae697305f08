"""The options of ``shardlint check`` beyond the report itself, run as a user runs them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_shardlint, write

BAD = (ROOT / "examples" / "fsdp1-bad.yaml").read_text(encoding="utf-8")
GOOD = (ROOT / "examples" / "fsdp2-good.yaml").read_text(encoding="utf-8")
DS_LINK = "compute_environment: LOCAL_MACHINE\ndistributed_type: DEEPSPEED\n" \
          "deepspeed_config:\n  deepspeed_config_file: ds.json\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, "configs/bad.yaml", BAD)
    write(tmp_path, "configs/good.yaml", GOOD)
    write(tmp_path, "configs/legacy/old.yaml", BAD)
    write(tmp_path, "configs/notes.yaml", "title: not a training config\n")
    write(tmp_path, ".shardlint.toml", 'ignore = ["FSDP190"]\n')
    return tmp_path


# --- standard input ------------------------------------------------------------------------------

def test_stdin_is_linted_as_the_named_file_with_its_configuration(project: Path) -> None:
    done = run_shardlint("check", "-", "--stdin-filename", "configs/bad.yaml", "--format", "json",
                         cwd=project, input=BAD)
    [entry] = json.loads(done.stdout)["files"]
    codes = {d["code"] for d in entry["diagnostics"]}
    assert entry["path"] == "configs/bad.yaml" and entry["kind"] == "accelerate"
    assert {"ACC006", "FSDP100", "YAML120"} <= codes and "FSDP190" not in codes  # .shardlint.toml applies
    assert done.returncode == 1
    isolated = run_shardlint("check", "--isolated", "--stdin-filename", "configs/bad.yaml", "--format", "json",
                             cwd=project, input=BAD)  # no PATH: standard input all the same
    assert "FSDP190" in {d["code"] for d in json.loads(isolated.stdout)["files"][0]["diagnostics"]}


def test_stdin_named_as_a_script_is_read_as_launch_commands(tmp_path: Path) -> None:
    done = run_shardlint("check", "-", "--stdin-filename", "run.sh", "--format", "json", cwd=tmp_path,
                         input="accelerate launch --num_processes 2 --mixed_precison bf16 train.py\n")
    [result] = json.loads(done.stdout)["files"]
    assert result["kind"] == "launch" and [d["code"] for d in result["diagnostics"]] == ["LCH100"]


def test_stdin_follows_linked_files_from_the_named_folder(tmp_path: Path) -> None:
    write(tmp_path, "configs/ds.json", '{"zero_optimization": {"stage": 3}, "train_micro_batch_size_per_gpu": 1}')
    found = run_shardlint("check", "-", "--stdin-filename", "configs/acc.yaml", "--format", "json",
                          cwd=tmp_path, input=DS_LINK)
    missing = run_shardlint("check", "-", "--stdin-filename", "acc.yaml", "--format", "json",
                            cwd=tmp_path, input=DS_LINK)
    codes = lambda done: {d["code"] for f in json.loads(done.stdout)["files"] for d in f["diagnostics"]}  # noqa: E731
    assert "DSA100" not in codes(found)  # configs/ds.json, beside the named file
    assert "DSA100" in codes(missing)  # ./ds.json does not exist


def test_stdin_name_decides_the_syntax(tmp_path: Path) -> None:
    text = "zero_optimization:\n  stage: 3\n"  # YAML: a syntax error when read as JSON
    as_json = run_shardlint("check", "-", "--stdin-filename", "ds.json", "--format", "json", cwd=tmp_path, input=text)
    assert "SL001" in {d["code"] for d in json.loads(as_json.stdout)["files"][0]["diagnostics"]}


def test_stdin_without_a_name_and_bad_bytes(tmp_path: Path) -> None:
    done = run_shardlint("-", "--format", "concise", "--show-tips", cwd=tmp_path, input=GOOD)  # check is implied
    assert done.stdout.startswith("-:17:1: FSDP106 [info]") and done.returncode == 0
    binary = subprocess.run([sys.executable, "-m", "shardlint", "check", "-", "--stdin-filename", "x.yaml"],
                            input=b"\x00\x01binary", capture_output=True, cwd=tmp_path, timeout=60)
    assert b"x.yaml:1:1: SL004" in binary.stdout and b"Traceback" not in binary.stderr


def test_stdin_excluded_name_prints_no_finding(project: Path) -> None:
    write(project, ".shardlint.toml", 'exclude = ["legacy"]\n')
    done = run_shardlint("check", "-", "--stdin-filename", "configs/legacy/old.yaml", "--format", "concise",
                         cwd=project, input=BAD)
    assert done.returncode == 0 and "ACC006" not in done.stdout


@pytest.mark.parametrize("args", [["-", "a.yaml"], ["-", "--fix"], ["-", "--watch"]])
def test_stdin_misuse_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    done = run_shardlint("check", *args, cwd=tmp_path, input="")
    assert done.returncode == 2 and done.stderr.startswith("shardlint: error:")


# --- what a run prints -----------------------------------------------------------------------------

def test_statistics_counts_each_code(project: Path) -> None:
    done = run_shardlint("check", "--statistics", "--isolated", "configs", cwd=project)
    rows = {line.split()[1]: line.split() for line in done.stdout.splitlines()[:-1]}
    assert rows["ACC006"][:4] == ["2", "ACC006", "error", "invalid-value"]  # bad.yaml and legacy/old.yaml
    assert rows["FSDP190"][0] == "2" and rows["FSDP106"][0] == "1"  # tips are counted too
    assert done.stdout.splitlines()[-1].startswith("Found ") and done.returncode == 1
    as_json = json.loads(run_shardlint("check", "--statistics", "--format", "json", "--isolated", "configs",
                                       cwd=project).stdout)
    assert {"code": "ACC006", "name": "invalid-value", "severity": "error", "count": 2, "fixable": 2} in as_json
    refused = run_shardlint("check", "--statistics", "--format", "sarif", "configs", cwd=project)
    assert refused.returncode == 2


def test_concise_is_one_line_per_finding(project: Path) -> None:
    done = run_shardlint("check", "--format", "concise", "configs/bad.yaml", cwd=project)
    findings, summary = done.stdout.split("\n\n")
    assert all(re.match(r"configs/bad\.yaml:\d+:\d+: [A-Z]+\d+ \[(error|warning)\] ", line)
               for line in findings.splitlines())
    assert len(findings.splitlines()) == 5 and summary.startswith("Found 3 errors, 2 warnings in 1 file.")


def test_quiet_prints_findings_only(project: Path) -> None:
    done = run_shardlint("check", "-q", "--format", "concise", "configs", cwd=project)
    assert done.stdout and all(line.startswith("configs/") for line in done.stdout.splitlines())
    assert done.returncode == 1
    clean = run_shardlint("check", "--quiet", "configs/good.yaml", cwd=project)
    assert clean.stdout == "" and clean.stderr == "" and clean.returncode == 0


def test_exit_zero_but_unreadable_is_still_2(project: Path) -> None:
    assert run_shardlint("check", "--exit-zero", "configs/bad.yaml", cwd=project).returncode == 0
    assert run_shardlint("check", "--exit-zero", "missing.yaml", cwd=project).returncode == 2


def test_show_fixes_lists_available_applied_and_would_be_fixes(project: Path) -> None:
    available = run_shardlint("check", "--show-fixes", "--format", "concise", "configs/bad.yaml", cwd=project)
    assert "Fixes available:\n  configs/bad.yaml:\n    ACC006 Replace TRANSFORMER_BASED_WARP with " \
           "TRANSFORMER_BASED_WRAP\n" in available.stdout
    diff = run_shardlint("check", "--diff", "--show-fixes", "configs/bad.yaml", cwd=project)
    assert "Would fix:\n  configs/bad.yaml:\n" in diff.stderr and "    YAML120 Quote the value as 'no'\n" in diff.stderr
    fixed = run_shardlint("check", "--fix", "--show-fixes", "configs/bad.yaml", cwd=project)
    assert "Fixed:\n  configs/bad.yaml:\n" in fixed.stdout and "    ACC004 Rename" in fixed.stdout
    assert "Fixed 5 problems in 1 file" in fixed.stdout


def test_quiet_fix_prints_no_summary(project: Path) -> None:
    done = run_shardlint("check", "--fix", "-q", "configs/bad.yaml", cwd=project)
    assert done.stdout == "" and done.returncode == 0
    assert "mixed_precision: 'no'" in (project / "configs" / "bad.yaml").read_text()


def test_diff_of_a_missing_file_reports_it(tmp_path: Path) -> None:
    done = run_shardlint("check", "--diff", "missing.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert "missing.yaml:1:1: SL008 [error] no such file or directory" in done.stderr


def test_verbose_says_what_was_read_skipped_and_configured(project: Path) -> None:
    write(project, "configs/.hidden.yaml", BAD)
    write(project, "node_modules/x.yaml", BAD)
    done = run_shardlint("check", "-v", "--target", "accelerate=1.6", "--exclude", "legacy", ".", cwd=project)
    log = done.stderr
    config = str(project / ".shardlint.toml")
    assert f"shardlint: checked configs/bad.yaml (accelerate; configuration: {config} and command-line flags; " \
           "targets: accelerate 1.6, deepspeed latest, transformers latest, trl latest)" in log
    assert "shardlint: skipped configs/notes.yaml: not an Accelerate or DeepSpeed config" in log
    assert "shardlint: skipped configs/legacy/old.yaml: exclude 'legacy' (command line)" in log
    assert "shardlint: skipped configs/.hidden.yaml: hidden file" in log
    assert "shardlint: skipped node_modules/: tool or build folder" in log
    assert "old.yaml" not in done.stdout
    plain = run_shardlint("check", "-v", "--isolated", "configs/good.yaml", cwd=project)
    assert "(accelerate; configuration: no configuration file; targets: accelerate latest," in plain.stderr


def test_exclude_leaves_out_walked_files_and_named_ones_only_when_forced(project: Path) -> None:
    def listed(*args: str) -> list[str]:
        done = run_shardlint("check", "--show-files", *args, cwd=project)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    assert listed("configs") == ["configs/bad.yaml", "configs/good.yaml", "configs/legacy/old.yaml"]
    assert listed("--exclude", "legacy,good.yaml", "configs") == ["configs/bad.yaml"]
    named = ("configs/bad.yaml", "configs/legacy/old.yaml")
    assert listed("--exclude", "legacy", *named) == list(named)  # named: checked, as ruff does
    assert listed("--exclude", "legacy", "--force-exclude", *named) == ["configs/bad.yaml"]
    assert listed("--exclude", "configs/legacy/**", "--force-exclude", *named) == ["configs/bad.yaml"]
    bad_glob = run_shardlint("check", "--exclude", "[z-a].yaml", "configs", cwd=project)
    assert bad_glob.returncode == 2 and "--exclude" in bad_glob.stderr


def test_short_version_flag() -> None:
    done = run_shardlint("-V")
    assert done.returncode == 0 and done.stdout.startswith("shardlint ")


def test_help_groups_the_options() -> None:
    text = run_shardlint("check", "--help").stdout
    titles = re.findall(r"^(\S[^:\n]*):$", text, flags=re.M)
    for title in ("output", "exit status", "files"):
        assert title in titles
    assert any(t.startswith("configuration") for t in titles) and any(t.startswith("fixing") for t in titles)
    output = text.split("\noutput:\n", 1)[1].split("\n\n", 1)[0]
    assert "--statistics" in output and "--quiet" in output and "--unsafe-fixes" not in output


# --- progress ---------------------------------------------------------------------------------------

def _run_with_terminal_stderr(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run shardlint with stdout piped and stderr on a pseudo-terminal; (exit code, stdout, terminal)."""
    import pty
    import threading

    leader, follower = pty.openpty()
    seen: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the process has exited
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    proc = subprocess.Popen([sys.executable, "-m", "shardlint", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=follower, text=True)
    os.close(follower)
    out, _ = proc.communicate(timeout=60)
    reader.join(timeout=10)
    os.close(leader)
    return proc.returncode, out, b"".join(seen).decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_on_a_terminal_only(tmp_path: Path) -> None:
    for i in range(120):
        write(tmp_path, f"c/{i:03}.yaml", GOOD)
    code, out, terminal = _run_with_terminal_stderr(["check", "--format", "json", "c"], tmp_path)
    assert code == 0 and len(json.loads(out)["files"]) == 120
    assert "shardlint: checked 120/120 files" in terminal and terminal.endswith("\r\x1b[K")
    piped = run_shardlint("check", "--format", "json", "c", cwd=tmp_path)
    assert piped.stderr == ""
    few = _run_with_terminal_stderr(["check", "--format", "json", "c/000.yaml"], tmp_path)
    assert few[2] == ""

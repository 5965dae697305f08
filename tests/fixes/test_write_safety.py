"""``--fix`` writes: hard links, files swapped for special files, temporaries left by a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shardlint.diagnostics import Severity
from shardlint.fixes.atomic import remove_stale_temporaries, write_atomic
from shardlint.fixes.fix_mode import fix_report
from shardlint.lint import lint_paths
from shardlint.options import LintOptions
from tests.conftest import ROOT, run_shardlint

TIMEOUT = 20
FIXABLE = "distributed_type: FSDP\nmixed_precision: no\n"  # YAML120: the fix quotes 'no'
FIXED = "distributed_type: FSDP\nmixed_precision: 'no'\n"
fcntl = pytest.importorskip("fcntl")




def fix_check(*paths: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_shardlint("check", "--isolated", "--select", "YAML", "--fix", *map(str, paths), cwd=cwd,
                         timeout=TIMEOUT)


# --- hard links ---------------------------------------------------------------------------

def test_a_hard_linked_file_is_refused_and_both_names_keep_one_file(tmp_path: Path) -> None:
    config = tmp_path / "accelerate.yaml"
    config.write_text(FIXABLE, encoding="utf-8")
    other = tmp_path / "shared.yaml"
    os.link(config, other)
    done = fix_check(config, cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{config}: not written: it has 2 hard links, which a rewrite would split" in done.stderr
    assert config.read_text(encoding="utf-8") == FIXABLE and os.path.samefile(config, other)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accelerate.yaml", "shared.yaml"]


def test_once_the_other_link_is_gone_the_fix_is_written(tmp_path: Path) -> None:
    config = tmp_path / "accelerate.yaml"
    config.write_text(FIXABLE, encoding="utf-8")
    os.link(config, tmp_path / "shared.yaml")
    assert fix_check(config, cwd=tmp_path).returncode == 2
    (tmp_path / "shared.yaml").unlink()
    done = fix_check(config, cwd=tmp_path)
    assert done.returncode == 0 and config.read_text(encoding="utf-8") == FIXED, done.stderr


def test_a_symlink_to_a_single_file_is_still_fixed_through_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real.yaml"
    target.write_text(FIXABLE, encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(target)
    done = fix_check(tmp_path / "link.yaml", cwd=tmp_path)
    assert done.returncode == 0 and target.read_text(encoding="utf-8") == FIXED
    assert (tmp_path / "link.yaml").is_symlink()


# --- the file is swapped between the lint and the write -------------------------------------

def _swap_after_lint(tmp_path: Path, swap) -> tuple[Path, list[str]]:
    config = tmp_path / "accelerate.yaml"
    config.write_text(FIXABLE, encoding="utf-8")
    report = lint_paths([str(config)], LintOptions(isolated=True))
    swap(config)
    summary = fix_report(report, LintOptions(isolated=True), fail_level=Severity.WARNING, unsafe=False,
                         write=True)
    assert summary.write_failed and not summary.fixed
    return config, summary.notes


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_file_swapped_for_a_fifo_is_not_written_and_nothing_blocks(tmp_path: Path, deadline: None) -> None:
    def to_fifo(path: Path) -> None:
        path.unlink()
        os.mkfifo(path)

    config, notes = _swap_after_lint(tmp_path, to_fifo)
    assert notes == [f"{config}: not written: is a named pipe, not a regular file; shardlint reads only regular files"]
    assert config.is_fifo()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_file_swapped_for_a_device_link_is_not_read_or_written(tmp_path: Path, deadline: None) -> None:
    def to_device(path: Path) -> None:
        path.unlink()
        path.symlink_to("/dev/zero")

    config, notes = _swap_after_lint(tmp_path, to_device)
    assert notes == [f"{config}: not written: is a character device, not a regular file; "
                     "shardlint reads only regular files"]
    assert os.readlink(config) == "/dev/zero"


def test_a_file_that_grew_past_the_limit_is_left_alone(tmp_path: Path) -> None:
    config = tmp_path / "accelerate.yaml"
    config.write_text(FIXABLE, encoding="utf-8")
    with pytest.raises(OSError, match="changed on disk"):
        write_atomic(config, FIXED, expected=FIXABLE + "#" * (2 << 20))
    config.write_text(FIXABLE + "#" * (2 << 20), encoding="utf-8")
    with pytest.raises(OSError, match="changed on disk"):
        write_atomic(config, FIXED, expected=FIXABLE)


# --- temporary files left by a kill ----------------------------------------------------

KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from shardlint.fixes import atomic

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)  # as a kill -9 between the write and the rename

atomic.os.replace = die
atomic.write_atomic(Path(sys.argv[1]), sys.argv[2])
"""


def _killed_write(path: Path, text: str) -> None:
    done = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path), text], cwd=ROOT,
                          capture_output=True, timeout=TIMEOUT)
    assert done.returncode == -signal.SIGKILL, done.stderr


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_the_next_fix_removes_what_a_killed_fix_left(tmp_path: Path) -> None:
    config = tmp_path / "accelerate.yaml"
    config.write_text(FIXABLE, encoding="utf-8")
    _killed_write(config, FIXED)
    [left] = _temporaries(tmp_path)
    assert left.startswith(".accelerate.yaml.shardlint-") and config.read_text(encoding="utf-8") == FIXABLE
    done = fix_check(config, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"removed {tmp_path / left}, a temporary file an interrupted --fix left behind" in done.stderr
    assert _temporaries(tmp_path) == [] and config.read_text(encoding="utf-8") == FIXED


def test_a_temporary_in_use_by_a_running_fix_is_kept(tmp_path: Path) -> None:
    busy = tmp_path / ".accelerate.yaml.shardlint-abcd1234.tmp"
    busy.write_text("half", encoding="utf-8")
    with open(busy, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as the writer holds it
        assert remove_stale_temporaries(tmp_path) == []
        assert busy.exists()
    assert remove_stale_temporaries(tmp_path) == [busy.name] and not busy.exists()


def test_a_fresh_empty_temporary_is_kept_until_it_is_old(tmp_path: Path) -> None:
    fresh = tmp_path / ".accelerate.yaml.shardlint-abcd1234.tmp"
    fresh.write_bytes(b"")  # as a running --fix creates it, the instant before it locks it
    assert remove_stale_temporaries(tmp_path) == [] and fresh.exists()
    old = time.time() - 60
    os.utime(fresh, (old, old))  # a killed run's, long ago
    assert remove_stale_temporaries(tmp_path) == [fresh.name] and not fresh.exists()


def test_only_shardlints_own_temporaries_are_touched(tmp_path: Path) -> None:
    names = [".accelerate.yaml.abcd1234.tmp", ".accelerate.yaml.swp", "accelerate.yaml.shardlint-abcd1234.tmp",
             ".x.shardlint-abcd12345.tmp"]
    for name in names:
        (tmp_path / name).write_text("keep", encoding="utf-8")
    (tmp_path / ".link.yaml.shardlint-abcd1234.tmp").symlink_to(tmp_path / names[0])
    assert remove_stale_temporaries(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names + [".link.yaml.shardlint-abcd1234.tmp"])


def test_a_successful_write_leaves_no_temporary(tmp_path: Path) -> None:
    config = tmp_path / "accelerate.yaml"
    config.write_text(FIXABLE, encoding="utf-8")
    write_atomic(config, FIXED, expected=FIXABLE)
    assert config.read_text(encoding="utf-8") == FIXED and _temporaries(tmp_path) == []


def test_parallel_fixes_of_one_folder_end_as_one(tmp_path: Path) -> None:
    paths = []
    for i in range(12):
        path = tmp_path / f"c{i}.yaml"
        path.write_text(FIXABLE, encoding="utf-8")
        paths.append(path)
    runs = [subprocess.Popen([sys.executable, "-m", "shardlint", "check", "--isolated", "--select", "YAML",
                              "--fix", *map(str, paths)], cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for run in runs:
        out, err = run.communicate(timeout=60)
        assert "removed" not in err, err  # no run takes another's temporary for stale
    assert all(p.read_text(encoding="utf-8") == FIXED for p in paths)
    assert _temporaries(tmp_path) == []

"""What is not a readable config file: named pipes, devices, endless files, tabs PyYAML refuses.

Every case runs on real files on disk; anything that could hang runs under a timeout, so a
regression fails the test instead of stalling the suite.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shardlint.loading.files import NotARegularFile, read_regular
from shardlint.loading.limits import MAX_FILE_BYTES
from shardlint.loading.reader import Unreadable, read_document
from tests.conftest import ROOT, run_shardlint

TIMEOUT = 20
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")




def special_files(folder: Path) -> dict[str, Path]:
    """A FIFO, a .yaml symlink to /dev/zero and /dev/zero itself, as available."""
    found: dict[str, Path] = {}
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.yaml")
        found["named pipe"] = folder / "pipe.yaml"
    if Path("/dev/zero").exists():
        (folder / "zero.yaml").symlink_to("/dev/zero")
        found["character device"] = folder / "zero.yaml"
        found["character device "] = Path("/dev/zero")
    return found


# --- check and convert refuse special files at once -------------------------------------

@pytest.mark.parametrize("kind", ["named pipe", "character device", "character device "])
def test_check_refuses_a_special_file_at_once(tmp_path: Path, kind: str) -> None:
    path = special_files(tmp_path).get(kind)
    if path is None:
        pytest.skip(f"no {kind.strip()} here")
    done = run_shardlint("check", "--isolated", str(path), cwd=tmp_path, timeout=TIMEOUT)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{path}:1:1: SL008 [error] is a {kind.strip()}, not a regular file" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("kind", ["named pipe", "character device", "character device "])
def test_convert_refuses_a_special_file_at_once(tmp_path: Path, kind: str) -> None:
    path = special_files(tmp_path).get(kind)
    if path is None:
        pytest.skip(f"no {kind.strip()} here")
    done = run_shardlint("convert", "--to", "fsdp2", str(path), cwd=tmp_path, timeout=TIMEOUT)
    assert done.returncode == 2 and done.stdout == ""
    assert f"cannot read {path}: is a {kind.strip()}, not a regular file" in done.stderr


@needs_dev_zero
def test_convert_reads_standard_input_up_to_the_limit(tmp_path: Path) -> None:
    import subprocess
    import sys

    with open("/dev/zero", "rb") as endless:
        done = subprocess.run([sys.executable, "-m", "shardlint", "convert", "--to", "fsdp2", "-"],
                              stdin=endless, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 2
    assert done.stderr == f"shardlint convert: - is over the {MAX_FILE_BYTES:,}-byte limit; not converted\n"


@needs_fifo
def test_a_walk_skips_a_fifo_and_still_checks_the_rest(tmp_path: Path) -> None:
    special_files(tmp_path)
    (tmp_path / "accelerate.yaml").write_text("distributed_type: 'NO'\n", encoding="utf-8")
    done = run_shardlint("check", "--isolated", ".", cwd=tmp_path, timeout=TIMEOUT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pipe.yaml" not in done.stdout and "zero.yaml" not in done.stdout


@needs_fifo
def test_a_linked_deepspeed_json_that_is_a_fifo_is_an_error_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "ds.json")
    config = tmp_path / "accelerate.yaml"
    config.write_text("distributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: ds.json\n",
                      encoding="utf-8")
    done = run_shardlint("check", "--isolated", str(config), cwd=tmp_path, timeout=TIMEOUT)
    assert done.returncode == 1 and "3:26: DSA10" in done.stdout, done.stdout + done.stderr


@needs_fifo
def test_read_document_raises_unreadable_for_a_fifo(tmp_path: Path, deadline: None) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    with pytest.raises(Unreadable, match="is a named pipe"):
        read_document(tmp_path / "pipe.yaml", "pipe.yaml")
    with pytest.raises(NotARegularFile):
        read_regular(tmp_path / "pipe.yaml")


# --- the size limit counts bytes read, not the size a file claims -----------------------

def test_reads_stop_one_byte_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" * (MAX_FILE_BYTES // 2))  # 2.5 times the limit
    assert len(read_regular(path)) == MAX_FILE_BYTES + 1
    assert len(read_regular(path, limit=10)) == 11
    [diag] = read_document(path, "big.yaml").load_diagnostics
    assert diag.code == "SL005" and "over the 1,048,576-byte limit" in diag.message


def test_a_file_that_claims_size_zero_is_still_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # /proc files and devices report st_size 0; the reader must not trust it
    path = tmp_path / "grows.yaml"
    path.write_bytes(b"a: 1\n" * (MAX_FILE_BYTES // 4))
    real_fstat = os.fstat

    def claims_empty(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 0,
                               st.st_atime, st.st_mtime, st.st_ctime))

    monkeypatch.setattr(os, "fstat", claims_empty)
    assert len(read_regular(path)) == MAX_FILE_BYTES + 1


def test_a_directory_named_explicitly_is_still_walked(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    with pytest.raises(Unreadable, match="is a directory"):
        read_document(tmp_path / "sub", "sub")


# --- tabs: shardlint's verdict is yaml.safe_load's --------------------------------------

def safe_load_refuses(text: str) -> bool:
    try:
        yaml.safe_load(text)  # what Accelerate calls
    except yaml.YAMLError:
        return True
    return False


def shardlint_refuses(tmp_path: Path, text: str) -> bool:
    path = tmp_path / "tabbed.yaml"
    path.write_bytes(text.encode("utf-8"))
    doc = read_document(path, "tabbed.yaml")
    return any(d.code in ("SL001", "SL005", "SL006") for d in doc.load_diagnostics)


TAB_PLACEMENTS = [
    "use_cpu: fal\tse\n",  # inside a plain scalar
    "use\t_cpu: false\n",  # inside a key
    "use_cpu:\tfalse\n",  # after the colon
    "use_cpu: false\t\n",  # trailing
    "use_cpu: false\t# off\n",  # before a comment
    "use_cpu\t: false\n",  # before the colon
    "\tuse_cpu: false\n",  # indentation
    "gpu_ids: [0,\t1]\n",  # inside a flow sequence
    "fsdp_config:\n  fsdp_version: 2\n\t\n",  # a line of only a tab
    "use_cpu: false  # a\ttab in a comment\n",
    'machine_rank: "0\t"\n',  # inside a quoted scalar
    "main_training_function: |\n  a\tb\n",  # inside a block scalar
    "main_training_function: plain\n  continued\tline\n",  # in a multi-line plain scalar
]


@pytest.mark.parametrize("text", TAB_PLACEMENTS)
def test_tab_verdict_matches_yaml_safe_load(tmp_path: Path, text: str) -> None:
    assert shardlint_refuses(tmp_path, text) == safe_load_refuses(text), repr(text)


def test_the_tab_placements_cover_both_verdicts(tmp_path: Path) -> None:
    verdicts = {safe_load_refuses(text) for text in TAB_PLACEMENTS}
    assert verdicts == {True, False}


SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.yaml"))]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(SEEDS), where=st.floats(0, 1), replace=st.booleans())
def test_a_tab_anywhere_in_a_real_config_gets_yaml_safe_loads_verdict(
        tmp_path: Path, seed: str, where: float, replace: bool) -> None:
    at = int(where * len(seed))
    text = seed[:at] + "\t" + seed[at + replace:]
    assert shardlint_refuses(tmp_path, text) == safe_load_refuses(text), repr(text[max(0, at - 30):at + 30])


def test_fix_never_writes_a_file_yaml_safe_load_refuses(tmp_path: Path) -> None:
    path = tmp_path / "accelerate.yaml"
    text = "distributed_type: FSDP\nmixed_precision: no\nuse_cpu: fal\tse\n"
    path.write_text(text, encoding="utf-8")
    done = run_shardlint("check", "--isolated", "--fix", "--unsafe-fixes", str(path), cwd=tmp_path,
                         timeout=TIMEOUT)
    assert path.read_text(encoding="utf-8") == text
    # libyaml reads this file, so its YAML120 (`no`) would be fixed and a file Accelerate refuses written
    assert "3:13: SL001" in done.stdout and "Nothing fixed" in done.stdout, done.stdout + done.stderr

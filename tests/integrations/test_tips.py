"""Tips without noise: the display level, the closing count, --show-tips, grouping, and the formats
that keep everything."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_shardlint, write

BAD = (ROOT / "examples" / "fsdp1-bad.yaml").read_text(encoding="utf-8")
GOOD = (ROOT / "examples" / "fsdp2-good.yaml").read_text(encoding="utf-8")  # one tip: FSDP106 (info)
TIP = "FSDP106 [info]"


@pytest.fixture
def handbook(tmp_path: Path) -> Path:
    """A well-kept repository: three clean bf16 configs whose only finding is the same tip."""
    for name in ("a", "b", "c"):
        write(tmp_path, f"recipes/{name}.yaml", GOOD)
    return tmp_path


def test_tips_are_counted_not_listed_by_default(handbook: Path) -> None:
    done = run_shardlint("check", "recipes", cwd=handbook)
    assert done.stdout == "All good: no problems in 3 files.\nAlso 3 tips: --show-tips to list them.\n"
    assert done.returncode == 0


def test_show_tips_says_a_repeated_tip_once_with_its_files(handbook: Path) -> None:
    done = run_shardlint("check", "--show-tips", "recipes", cwd=handbook)
    assert done.stdout.count(TIP) == 1
    assert f"3 files: {TIP} with mixed_precision bf16" in done.stdout
    assert "  at recipes/a.yaml:17:1\n  at recipes/b.yaml:17:1\n  at recipes/c.yaml:17:1\n" in done.stdout
    assert done.stdout.endswith("Found 3 info in 3 files.\n")


def test_a_tip_on_one_file_keeps_its_code_frame(handbook: Path) -> None:
    done = run_shardlint("check", "--show-tips", "recipes/a.yaml", cwd=handbook)
    assert done.stdout.startswith(f"recipes/a.yaml:17:1: {TIP}") and " 17 | mixed_precision: bf16" in done.stdout


@pytest.mark.parametrize("setting, listed", [('show = "hint"', True), ('show = "info"', True),
                                             ('show = "warning"', False), ('show = "error"', False)])
def test_show_setting_in_the_configuration(handbook: Path, setting: str, listed: bool) -> None:
    write(handbook, "pyproject.toml", f"[tool.shardlint]\n{setting}\n")
    done = run_shardlint("check", "recipes", cwd=handbook)
    assert (TIP in done.stdout) is listed
    assert ("Also 3 tips" in done.stdout) is not listed
    flag = run_shardlint("check", "--show", "warning", "recipes", cwd=handbook)  # the flag wins
    assert TIP not in flag.stdout


def test_what_fails_the_run_is_always_listed(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    done = run_shardlint("check", "--fail-level", "info", "--show", "error", "a.yaml", cwd=tmp_path)
    assert TIP in done.stdout and done.returncode == 1


def test_hidden_warnings_are_counted_apart_from_tips(tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", BAD)
    done = run_shardlint("check", "--fail-level", "error", "--show", "error", "bad.yaml", cwd=tmp_path)
    assert done.stdout.endswith("Also 2 warnings and 2 tips: --show-tips to list them.\n")
    assert "[warning]" not in done.stdout and done.returncode == 1


def test_github_annotations_hide_tips_and_count_them(handbook: Path) -> None:
    write(handbook, "recipes/bad.yaml", BAD)
    done = run_shardlint("check", "--format", "github", "recipes", cwd=handbook)
    lines = done.stdout.splitlines()
    assert all(line.startswith(("::error ", "::warning ")) for line in lines[:-1])
    assert lines[-1] == "Also 5 tips: --show-tips to list them."
    shown = run_shardlint("check", "--format", "github", "--show-tips", "recipes", cwd=handbook).stdout
    assert shown.count("::notice ") == 5 and "Also" not in shown


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_and_sarif_keep_every_finding(handbook: Path, fmt: str) -> None:
    out = json.loads(run_shardlint("check", "--format", fmt, "recipes", cwd=handbook).stdout)
    if fmt == "json":
        codes = [d["code"] for f in out["files"] for d in f["diagnostics"]]
    else:
        codes = [r["ruleId"] for r in out["runs"][0]["results"]]
    assert codes == ["FSDP106"] * 3


def test_junit_failures_follow_the_fail_level(tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", BAD)  # 3 errors, 2 warnings, 1 info, 1 hint

    def failures(*flags: str) -> tuple[int, int, int]:
        done = run_shardlint("check", "--format", "junit", *flags, "bad.yaml", cwd=tmp_path)
        root = ET.fromstring(done.stdout)
        cases = root.findall(".//testcase")
        return int(root.get("failures", "-1")), sum(c.find("failure") is not None for c in cases), len(cases)

    assert failures() == (5, 5, 7)
    assert failures("--fail-level", "error") == (3, 3, 7)
    assert failures("--fail-level", "hint") == (7, 7, 7)
    passing = ET.fromstring(run_shardlint("check", "--format", "junit", "bad.yaml", cwd=tmp_path).stdout)
    outputs = [c.findtext("system-out") for c in passing.findall(".//testcase") if c.find("failure") is None]
    assert any(text and "FSDP190 [hint]" in text for text in outputs)

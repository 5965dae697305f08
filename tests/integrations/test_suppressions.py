"""Inline suppressions: every comment form, what they silence, SUP001/SUP002 and their fixes."""

from __future__ import annotations

from pathlib import Path

import pytest

from shardlint.fixes.splice import apply_edits
from tests.conftest import run_shardlint, write

from .helpers import CLEAN, codes, lint

HEAD = "distributed_type: FSDP\nfsdp_config:\n  fsdp_version: 2\n"
# DS100 (fp16 and bf16 both on) cannot fire in an Accelerate file, so suppressing it is always unused


def _lint_text(tmp_path: Path, text: str, name: str = "accelerate.yaml"):
    return lint(write(tmp_path, name, text), isolated=True)


def _fixed(text: str, diagnostics) -> str:
    (sup,) = [d for d in diagnostics if d.code == "SUP001"]
    (fix,) = sup.fixes
    assert fix.safety == "safe"
    return apply_edits(text, list(fix.edits))


def test_trailing_comment_silences_its_line(tmp_path: Path) -> None:
    found = _lint_text(tmp_path, HEAD + "  fsdp_version: 2  # shardlint: disable=SL002\n")
    assert codes(found) == []


def test_comment_on_the_line_before_silences_the_next_line(tmp_path: Path) -> None:
    found = _lint_text(tmp_path, HEAD + "  # shardlint: disable=SL002\n  fsdp_version: 2\n")
    assert codes(found) == []


def test_own_line_comment_skips_blank_and_comment_lines(tmp_path: Path) -> None:
    text = HEAD + "  # shardlint: disable=SL002\n\n  # why: kept for the old launcher\n  fsdp_version: 2\n"
    assert codes(_lint_text(tmp_path, text)) == []


def test_comment_on_another_line_silences_nothing_and_is_reported(tmp_path: Path) -> None:
    text = "distributed_type: FSDP  # shardlint: disable=SL002\n" + CLEAN.split("\n", 1)[1] + "  fsdp_version: 2\n"
    found = _lint_text(tmp_path, text)
    assert codes(found) == [("SUP001", 1), ("SL002", 4)]
    sup = found[0]
    assert sup.message == "unused suppression: no SL002 finding on line 1"
    assert (sup.range.start.character, sup.range.end.character) == (24, 50)


def test_disable_file_silences_every_occurrence(tmp_path: Path) -> None:
    text = "# shardlint: disable-file=SL002\n" + HEAD + "  fsdp_version: 2\ndistributed_type: FSDP\n"
    assert codes(_lint_text(tmp_path, text)) == []


def test_unused_disable_file_is_reported_on_its_comment(tmp_path: Path) -> None:
    text = HEAD + "# shardlint: disable-file=DS100\n"
    found = _lint_text(tmp_path, text)
    assert codes(found) == [("SUP001", 4)]
    assert found[0].message == "unused suppression: no DS100 finding in this file"
    assert _fixed(text, found) == HEAD


def test_only_the_unused_code_is_removed(tmp_path: Path) -> None:
    text = HEAD + "  fsdp_version: 2  # shardlint: disable=DS100, SL002\n"
    found = _lint_text(tmp_path, text)
    assert codes(found) == [("SUP001", 4)]
    assert "DS100" in found[0].message and "SL002" not in found[0].message
    assert found[0].fixes[0].title == "Remove DS100 from the suppression"
    assert _fixed(text, found) == HEAD + "  fsdp_version: 2  # shardlint: disable=SL002\n"


def test_the_reason_stays_while_the_suppression_still_silences_something(tmp_path: Path) -> None:
    text = HEAD + "  fsdp_version: 2  # shardlint: disable=DS100,SL002  # duplicate kept on purpose\n"
    found = _lint_text(tmp_path, text)
    assert _fixed(text, found) == HEAD + "  fsdp_version: 2  # shardlint: disable=SL002  # duplicate kept on purpose\n"


@pytest.mark.parametrize(("line", "after"), [
    ("  fsdp_cpu_ram_efficient_loading: true   # shardlint: disable=DS100\n",
     "  fsdp_cpu_ram_efficient_loading: true\n"),
    ("  # shardlint: disable=DS100\n  fsdp_cpu_ram_efficient_loading: true\n",
     "  fsdp_cpu_ram_efficient_loading: true\n"),
    ("  fsdp_cpu_ram_efficient_loading: true  # shardlint: disable=DS100  # we sync by hand\n",
     "  fsdp_cpu_ram_efficient_loading: true\n"),
    ("  # shardlint: disable=DS100  # we sync by hand\n  fsdp_cpu_ram_efficient_loading: true\n",
     "  fsdp_cpu_ram_efficient_loading: true\n"),
], ids=["trailing", "own-line", "with-its-reason", "own-line-with-its-reason"])
def test_unused_comment_is_removed_cleanly(tmp_path: Path, line: str, after: str) -> None:
    text = HEAD + line
    found = _lint_text(tmp_path, text)
    assert [c for c, _ in codes(found)] == ["SUP001"]
    assert _fixed(text, found) == HEAD + after


def test_crlf_line_endings_survive_the_fix(tmp_path: Path) -> None:
    text = (HEAD + "  fsdp_offload_params: false  # shardlint: disable=DS100\n").replace("\n", "\r\n")
    path = tmp_path / "accelerate.yaml"
    path.write_bytes(text.encode())
    found = lint(path, isolated=True)
    assert _fixed(text, found) == (HEAD + "  fsdp_offload_params: false\n").replace("\n", "\r\n")


@pytest.mark.parametrize("text", [
    HEAD + '  fsdp_version: "2 # shardlint: disable=SL002"\n',
    HEAD + "  fsdp_version: |\n    2\n    # shardlint: disable=SL002\n",
], ids=["quoted", "block"])
def test_text_inside_a_string_is_not_a_comment(tmp_path: Path, text: str) -> None:
    found = _lint_text(tmp_path, text)
    assert "SUP001" not in [c for c, _ in codes(found)]
    assert "SL002" in [c for c, _ in codes(found)]


@pytest.mark.parametrize(("comment", "reason"), [
    ("# shardlint: disabel=SL002", "expected `# shardlint: disable=CODE[,CODE]`"),
    ("# shardlint: disable=sl002", "sl002 is not a rule code"),
    ("# shardlint: disable=SL002 because", "expected `# shardlint: disable=CODE[,CODE]`"),
    ("# shardlint: disable=", "expected `# shardlint: disable=CODE[,CODE]`"),
])
def test_unreadable_comment_is_sup002_and_silences_nothing(tmp_path: Path, comment: str, reason: str) -> None:
    found = _lint_text(tmp_path, HEAD + f"  fsdp_version: 2  {comment}\n")
    assert codes(found) == [("SL002", 4), ("SUP002", 4)]
    assert reason in found[1].message


def test_directive_keyword_is_case_insensitive(tmp_path: Path) -> None:
    assert codes(_lint_text(tmp_path, HEAD + "  fsdp_version: 2  # Shardlint: Disable=SL002\n")) == []


def test_json_has_no_comments(tmp_path: Path) -> None:
    text = '{"train_batch_size": 8, "note": "# shardlint: disable-file=SL002", "train_batch_size": 8}\n'
    found = _lint_text(tmp_path, text, "ds_config.json")
    assert [c for c, _ in codes(found)] == ["SL002"]  # no SUP001 and nothing silenced


def test_no_unused_report_when_rules_did_not_run(tmp_path: Path) -> None:
    unknown = "name: not a training config  # shardlint: disable=DS100\n"
    broken = "distributed_type: [FSDP  # shardlint: disable=DS100\n"
    assert [c for c, _ in codes(_lint_text(tmp_path, unknown, "a.yaml"))] == ["SL009"]
    assert [c for c, _ in codes(_lint_text(tmp_path, broken, "b.yaml"))] == ["SL001"]


def test_fix_removes_unused_suppressions_end_to_end(tmp_path: Path) -> None:
    path = write(tmp_path, "accelerate.yaml",
                 HEAD + "  fsdp_offload_params: false  # shardlint: disable=DS100  # see train.py\n")
    first = run_shardlint("check", "--isolated", "--select", "SL,SUP", "--fix", str(path), cwd=tmp_path)
    assert path.read_text(encoding="utf-8") == HEAD + "  fsdp_offload_params: false\n", first.stdout + first.stderr
    assert first.returncode == 0, first.stdout + first.stderr
    second = run_shardlint("check", "--isolated", "--select", "SL,SUP", str(path), cwd=tmp_path)
    assert second.returncode == 0 and "SUP001" not in second.stdout


def test_sup001_can_be_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "accelerate.yaml", HEAD + "  fsdp_offload_params: false  # shardlint: disable=DS100\n")
    assert codes(lint(path, isolated=True)) == [("SUP001", 4)]
    done = run_shardlint("check", "--isolated", "--select", "SL,SUP", "--ignore", "SUP", str(path), cwd=tmp_path)
    assert done.returncode == 0, done.stdout

"""Applying fixes (conflicts never garble), the verified fix loop and atomic writes."""

from __future__ import annotations

import os
import stat

import pytest

from shardlint.diagnostics import Diagnostic, Fix, Position, Range, Severity, TextEdit
from shardlint.fixes.splice import apply_edits, apply_fixes
from shardlint.fixes.atomic import write_atomic
from shardlint.fixes.converge import fix_document
from shardlint.lint import lint_document
from shardlint.options import LintOptions

from .helpers import load


def edit(line: int, start: int, end: int, text: str, end_line: int | None = None) -> TextEdit:
    return TextEdit(Range(Position(line, start), Position(line if end_line is None else end_line, end)), text)


def fix(*edits: TextEdit, title: str = "fix", safety: str = "safe") -> Fix:
    return Fix(title, safety, tuple(edits))  # type: ignore[arg-type]


TEXT = "alpha: 1\nbeta: 2\ngamma: 3\n"


def test_non_overlapping_fixes_all_apply():
    result = apply_fixes(TEXT, [fix(edit(0, 7, 8, "10")), fix(edit(2, 7, 8, "30"))])
    assert result.text == "alpha: 10\nbeta: 2\ngamma: 30\n"
    assert len(result.applied) == 2 and not result.conflicting


def test_overlapping_fix_is_set_aside_whole():
    first = fix(edit(1, 0, 4, "BETA"))
    second = fix(edit(1, 2, 7, "xx"), edit(2, 0, 5, "GAMMA"))  # overlaps first: none of it applies
    result = apply_fixes(TEXT, [first, second])
    assert result.text == "alpha: 1\nBETA: 2\ngamma: 3\n"
    assert result.conflicting == [second]


def test_insertions_at_one_point_conflict_but_touching_edits_do_not():
    result = apply_fixes(TEXT, [fix(edit(1, 0, 0, "a: 0\n")), fix(edit(1, 0, 0, "b: 0\n"))])
    assert result.text == "alpha: 1\na: 0\nbeta: 2\ngamma: 3\n" and len(result.conflicting) == 1
    # a deletion of line 1 and an insertion right after it
    result = apply_fixes(TEXT, [fix(edit(1, 0, 0, "", end_line=2)), fix(edit(2, 0, 0, "delta: 4\n"))])
    assert result.text == "alpha: 1\ndelta: 4\ngamma: 3\n" and not result.conflicting


def test_identical_edits_from_two_fixes_apply_once():
    same = edit(0, 7, 8, "5")
    result = apply_fixes(TEXT, [fix(same), fix(same)])
    assert result.text == "alpha: 5\nbeta: 2\ngamma: 3\n" and len(result.applied) == 2


def test_apply_edits_rejects_overlap_and_handles_utf16():
    with pytest.raises(ValueError):
        apply_edits(TEXT, [edit(0, 0, 5, "a"), edit(0, 3, 6, "b")])
    # 😀 is two UTF-16 code units: character 5 on line 0 is just after it
    assert apply_edits("a: 😀x\n", [edit(0, 5, 6, "y")]) == "a: 😀y\n"


# --- the loop ------------------------------------------------------------------------

CONFIG = "distributed_type: MULTI_GPU\nnum_processes: 2  # two\n"


def diagnostic(doc, *fixes: Fix, code: str = "TEST001") -> Diagnostic:
    return Diagnostic(code, Severity.WARNING, "test", doc.range(("num_processes",)), "num_processes",
                      list(fixes))


def test_loop_applies_safe_and_skips_unsafe_unless_asked(tmp_path):
    doc = load(tmp_path, CONFIG)
    unsafe = diagnostic(doc, fix(edit(1, 15, 16, "4"), safety="unsafe", title="four"))
    outcome = fix_document(doc, [unsafe], LintOptions())
    assert not outcome.changed
    outcome = fix_document(doc, [unsafe], LintOptions(), unsafe=True)
    assert outcome.text == "distributed_type: MULTI_GPU\nnum_processes: 4  # two\n"
    assert outcome.fixed == [("TEST001", "four")]


def test_loop_refuses_a_fix_that_breaks_parsing(tmp_path):
    doc = load(tmp_path, CONFIG)
    good = diagnostic(doc, fix(edit(1, 15, 16, "8"), title="eight"))
    broken = Diagnostic("TEST002", Severity.WARNING, "t", doc.range(()), "",
                        [fix(edit(0, 0, 0, "[: {"), title="break it")])
    outcome = fix_document(doc, [good, broken], LintOptions())
    assert outcome.text == "distributed_type: MULTI_GPU\nnum_processes: 8  # two\n"
    assert [(r.code, r.reason) for r in outcome.rejected] == [("TEST002", "it would leave the file unparsable")]


def test_loop_refuses_a_fix_that_adds_an_error(tmp_path):
    doc = load(tmp_path, CONFIG)
    to_list = Diagnostic("TEST003", Severity.WARNING, "t", doc.range(()), "",
                         [fix(edit(0, 0, 0, "- x\n", end_line=2), title="make it a list")])
    outcome = fix_document(doc, [to_list], LintOptions())
    assert not outcome.changed
    assert outcome.rejected[0].reason.startswith("it would add a new error (SL007")


def test_loop_never_touches_a_file_that_does_not_parse(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("a: [1, 2\n")
    from shardlint.loading.reader import read_document

    doc = read_document(path, "bad.yaml")
    diagnostics = lint_document(doc, LintOptions()) or []
    bogus = Diagnostic("TEST004", Severity.WARNING, "t", doc.range(()), "", [fix(edit(0, 0, 1, "b"))])
    outcome = fix_document(doc, [*diagnostics, bogus], LintOptions())
    assert not outcome.changed


def test_loop_stops_at_the_round_cap_and_on_a_cycle(tmp_path, monkeypatch):
    from shardlint.fixes import converge as loop

    real_lint = loop._lint
    flip = {"2": "3", "3": "2"}

    def lint_offering(fix_for):
        def lint(path, display, text, options):
            doc, diagnostics = real_lint(path, display, text, options)
            return doc, [*diagnostics, diagnostic(doc, fix_for(doc))]
        return lint

    # a fix that always comes back: stopped after MAX_ROUNDS rounds
    monkeypatch.setattr(loop, "_lint", lint_offering(lambda doc: fix(edit(0, 0, 0, "# n\n"))))
    doc = load(tmp_path, CONFIG)
    outcome = fix_document(doc, [diagnostic(doc, fix(edit(0, 0, 0, "# n\n")))], LintOptions())
    assert outcome.text.count("# n\n") == loop.MAX_ROUNDS
    # two fixes undoing each other: stopped when a text comes back
    monkeypatch.setattr(loop, "_lint", lint_offering(
        lambda doc: fix(edit(1, 15, 16, flip[doc.text[43]]))))
    doc = load(tmp_path, CONFIG)
    outcome = fix_document(doc, [diagnostic(doc, fix(edit(1, 15, 16, "3")))], LintOptions())
    assert outcome.text == CONFIG.replace("2  #", "3  #")
    assert len(outcome.fixed) == 1


# --- atomic writes ----------------------------------------------------------------------

def test_atomic_write_keeps_mode_bom_and_symlink(tmp_path):
    target = tmp_path / "real.yaml"
    target.write_bytes(b"\xef\xbb\xbfa: 1\n")
    os.chmod(target, 0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    write_atomic(link, "a: 2\n")
    assert link.is_symlink()
    assert target.read_bytes() == b"\xef\xbb\xbfa: 2\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_atomic_write_failure_leaves_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "c.yaml"
    target.write_text("a: 1\n")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, "a: 2\n")
    assert target.read_text() == "a: 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]


def test_read_only_file_is_not_written_and_fix_report_says_so(tmp_path, monkeypatch):
    from shardlint.fixes import atomic
    from shardlint.fixes.fix_mode import fix_report
    from shardlint.lint import lint_paths

    target = tmp_path / "fsdp.yaml"
    text = "distributed_type: FSDP\nfsdp_config:\n  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP\n"
    target.write_text(text)
    os.chmod(target, 0o444)
    monkeypatch.setattr(atomic.os, "access", lambda path, mode: False)  # as for a non-root user
    report = lint_paths([str(target)], LintOptions())
    summary = fix_report(report, LintOptions(), fail_level=Severity.WARNING, unsafe=True, write=True)
    assert summary.write_failed and not summary.fixed
    assert summary.notes == [f"{target}: not written: the file is read-only"]
    assert target.read_text() == text


def test_insertions_at_one_point_within_a_fix_keep_their_order():
    both = fix(edit(1, 0, 0, "a: 0\n"), edit(1, 0, 0, "b: 0\n"))
    result = apply_fixes(TEXT, [both])
    assert result.text == "alpha: 1\na: 0\nb: 0\nbeta: 2\ngamma: 3\n" and result.applied == [both]
    assert apply_edits(TEXT, list(both.edits)) == result.text


def test_atomic_write_leaves_a_file_changed_on_disk_alone(tmp_path):
    target = tmp_path / "c.yaml"
    target.write_text("a: 1\n")
    with pytest.raises(OSError, match="changed on disk"):
        write_atomic(target, "a: 2\n", expected="a: 0\n")
    assert target.read_text() == "a: 1\n"
    write_atomic(target, "a: 2\n", expected="a: 1\n")
    assert target.read_text() == "a: 2\n"


def test_unified_diff_marks_a_missing_final_newline(tmp_path):
    from shardlint.fixes.converge import FixOutcome
    from shardlint.fixes.fix_mode import unified_diff

    before = load(tmp_path, "a: 1\nb: 2")
    after = load(tmp_path, "a: 1\nb: 3", "after.yaml")
    diff = unified_diff("c.yaml", FixOutcome(after, [], before.text))
    assert diff == ("--- c.yaml\n+++ c.yaml\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n\\ No newline at end of file\n"
                    "+b: 3\n\\ No newline at end of file\n")

"""Every report is built file by file: a run keeps no file's document to its end, and the output is
the whole report's, byte for byte."""

from __future__ import annotations

import gc
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from shardlint.diagnostics import Severity
from shardlint.document import Document
from shardlint.lint import Report, lint_paths
from shardlint.options import LintOptions
from shardlint.reporters import FORMATS, View, entries, renderer
from shardlint.reporters.entries import Entries
from shardlint.reporters.statistics import render as render_statistics
from shardlint.reporters.streamed import StreamedReport, output_for
from tests.conftest import write

SARIF_SCHEMA = Path(__file__).parents[1] / "integrations" / "data" / "sarif-schema-2.1.0.json"

FSDP = "distributed_type: FSDP\nnum_processes: {n}\nfsdp_config:\n  fsdp_sync_module_states: false\n"


def _documents_alive() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Document))


def test_streamed_reports_hold_no_documents_and_match_the_whole_report(tmp_path: Path) -> None:
    for n in range(30):
        (tmp_path / f"fsdp{n:02}.yaml").write_text(FSDP.format(n=n + 1))
    for n in range(2):  # the same tip (FSDP190) in two files: listed once, with both files
        (tmp_path / f"tip{n}.yaml").write_text("distributed_type: FSDP\nfsdp_config:\n  fsdp_version: 1\n")
    # configs whose ACC120 a launch of the run settles (held to the end of the run, listed in place)
    (tmp_path / ".git").mkdir()
    for name in ("a_ddp.yaml", "b_ddp.yaml"):
        (tmp_path / name).write_text("distributed_type: MULTI_GPU\nmixed_precision: bf16\n")
    (tmp_path / "z_run.sh").write_text("accelerate launch --config_file a_ddp.yaml --num_processes 8 train.py\n")
    options = LintOptions(isolated=True)
    whole = lint_paths([str(tmp_path)], options)
    assert _documents_alive() >= 31
    for view in (View(), View(show=Severity.HINT)):
        _compare(tmp_path, options, whole, view)
    assert isinstance(whole, Report) and whole.files


def _whole(whole: Report, name: str, view: View, statistics: bool = False) -> str:
    if statistics:
        return render_statistics(whole, name, quiet=view.quiet)
    return renderer(name)(whole, view=view)


def _streamed(paths: list[str], options: LintOptions, name: str, view: View, statistics: bool = False) -> str:
    """The report of format ``name`` as ``check`` builds it, file by file; no document outlives the run."""
    report = StreamedReport(output_for(name, color=False, view=view, statistics=statistics), view)
    before = _documents_alive()
    lint_paths(paths, options, report=report)
    assert _documents_alive() == before + len(report.failures)  # an unreadable path's has no text
    return report.output.render()


def _compare(tmp_path: Path, options: LintOptions, whole: Report, view: View) -> None:
    runs = [(name, False) for name in FORMATS] + [("text", True), ("json", True)]
    for name, statistics in runs:
        expected = _whole(whole, name, view, statistics)
        if name == "text" and view.show == Severity.HINT and not statistics:
            assert "2 files: FSDP190" in expected
            assert "b_ddp.yaml:1:1: ACC120" in expected and "a_ddp.yaml:1:1: ACC120" not in expected
        assert _streamed([str(tmp_path)], options, name, view, statistics) == expected, (name, statistics)
    report = StreamedReport(output_for("json", color=False, view=view), view)
    lint_paths([str(tmp_path)], options, report=report)
    assert report.exit_code(view.fail_level) == whole.exit_code(view.fail_level)


def test_without_launch_files_deepspeed_configs_are_not_held(tmp_path: Path) -> None:
    """A launch's runner can change a DeepSpeed file's findings, so such files wait for the run's end,
    but only in a run that has files which may hold launch commands."""
    for n in range(5):
        (tmp_path / f"ds{n}.json").write_text('{"train_micro_batch_size_per_gpu": 4, "gradient_clipping": "auto"}\n')
    options = LintOptions(isolated=True)
    report = StreamedReport(output_for("json", color=False, view=View()), View())
    before = _documents_alive()
    lint_paths([str(tmp_path)], options, report=report)
    assert report._held == [] and _documents_alive() == before
    (tmp_path / "run.sh").write_text("deepspeed train.py --deepspeed ds0.json\n")
    report = StreamedReport(output_for("json", color=False, view=View()), View())
    lint_paths([str(tmp_path)], options, report=report)
    assert report.launches_possible  # so the JSON files waited for run.sh, and the output is the whole report's
    assert report.output.render() == renderer("json")(lint_paths([str(tmp_path)], options), view=View())


def test_entries_keep_report_order_on_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unreadable paths first, a reserved place where it was reserved, empty texts leave no separator;
    past the memory bound the texts go to a temporary file and come back whole, read in chunks that
    cut multi-byte characters (and a file name's surrogate escapes) in two."""
    monkeypatch.setattr(entries, "IN_MEMORY", 8)
    monkeypatch.setattr(entries, "_CHUNK", 3)
    found = Entries(", ")
    found.add("a\U0001F525")
    held = found.reserve()
    found.add("")
    found.add("b\u00e9")
    empty = found.reserve()
    found.add("first", place=found.reserve(failed=True))  # an unreadable path's place, in its turn
    found.add("b\udcffd.yaml", failed=True)
    found.add("c")
    found.add("late", place=held)
    found.add("", place=empty)
    assert found._main._on_disk
    assert "".join(found.pieces()) == "first, b\udcffd.yaml, a\U0001F525, late, b\u00e9, c"
    assert found.count == 6
    first_held = Entries(",")
    place = first_held.reserve()
    first_held.add("x")
    first_held.add("y", place=place)
    assert "".join(first_held.pieces()) == "y,x"
    assert "".join(Entries(",").pieces()) == ""


_ANNOTATION = re.compile(r"::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,"
                         r"title=[A-Z]+\d{3}::.+")


@pytest.fixture
def many_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A run of 150 files: findings with non-ASCII text, configs a launch decides (held to the run's end)
    and an unreadable path met halfway (listed first); small spools, so every report goes to disk."""
    monkeypatch.setattr(entries, "IN_MEMORY", 4096)
    monkeypatch.setattr(entries, "_CHUNK", 7)
    for n in range(100):
        write(tmp_path, f"fsdp/{n:03}.yaml", FSDP.format(n=n % 8 + 1) + f'"\U0001F525{n}": {n}\n')
    for n in range(40):
        write(tmp_path, f"ds/{n:02}.json", '{"train_micro_batch_size_per_gpu": 4, "gradient_clipping": "auto", '
                                           f'"caf\u00e9{n}": 1}}\n')
    for n in range(8):
        write(tmp_path, f"ddp/{n}.yaml", "distributed_type: MULTI_GPU\nmixed_precision: bf16\n")
    (tmp_path / ".git").mkdir()
    write(tmp_path, "run.sh", "accelerate launch --config_file ddp/0.yaml --num_processes 8 train.py\n"
                              "deepspeed train.py --deepspeed ds/03.json\n")
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    monkeypatch.chdir(tmp_path)
    return ["ds", "fsdp", "gone.yaml", "ddp", "run.sh"]


@pytest.mark.parametrize("name", [*FORMATS, "statistics"])
def test_each_format_streams_many_files_into_a_valid_report(many_files: list[str], name: str) -> None:
    options = LintOptions(isolated=True)
    view = View() if name in ("text", "concise") else View(show=Severity.WARNING)  # text: tips listed too
    whole = lint_paths(many_files, options)
    findings = [d for f in whole.all_files for d in f.diagnostics]
    assert whole.failures and len(whole.all_files) == 150 and len(findings) > 300
    assert any(not d.message.isascii() for d in findings)
    fmt, statistics = ("json", True) if name == "statistics" else (name, False)
    out = _streamed(many_files, options, fmt, view, statistics)
    assert out == _whole(whole, fmt, view, statistics)
    if name == "sarif":
        log = json.loads(out)
        jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(log)
        (run,) = log["runs"]
        ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
        assert [(r["ruleId"], ids[r["ruleIndex"]]) for r in run["results"]] == [(d.code, d.code) for d in findings]
        assert run["results"][0]["ruleId"] == "SL008" and run["invocations"] == [{"executionSuccessful": False}]
    elif name == "junit":
        root = ET.fromstring(out)
        suites = root.findall("testsuite")
        assert [s.get("name") for s in suites] == [f.path for f in whole.all_files]
        failing = [d for d in findings if d.severity <= view.fail_level]
        assert root.get("tests") == str(len(root.findall("testsuite/testcase"))) == str(sum(
            max(1, len(f.diagnostics)) for f in whole.all_files))
        assert root.get("failures") == str(len(root.findall("testsuite/testcase/failure"))) == str(len(failing))
        for suite in suites:
            assert suite.get("tests") == str(len(suite.findall("testcase")))
            assert suite.get("failures") == str(len(suite.findall("testcase/failure")))
    elif name == "github":
        *lines, hidden = out.splitlines()
        assert len(lines) == sum(1 for d in findings if view.shows(d))
        assert all(_ANNOTATION.fullmatch(line) for line in lines) and lines[0].startswith("::error file=gone.yaml,")
        tips = sum(1 for d in findings if not view.shows(d))
        assert tips and hidden == f"Also {tips} tips: --show-tips to list them."
    elif name == "statistics":
        rows = json.loads(out)
        assert sum(row["count"] for row in rows) == len(findings)
        assert len({row["code"] for row in rows}) == len(rows)
    elif name == "json":
        files = json.loads(out)["files"]
        assert [f["path"] for f in files] == [f.path for f in whole.all_files]
        assert sum(len(f["diagnostics"]) for f in files) == len(findings)
    else:
        assert out.startswith("gone.yaml:1:1: SL008") and " in 150 files." in out.splitlines()[-1]
        if name == "text":  # a tip said about several files is listed once, with them
            assert re.search(r"^\S+: FSDP\d+ \[(info|hint)\] .*\n(  at .*\n){100}", out.replace("100 files", "x"),
                             re.MULTILINE)

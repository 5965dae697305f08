"""Text and JSON reports are built file by file: a run keeps no file's document to its end."""

from __future__ import annotations

import gc
from pathlib import Path

from shardlint.diagnostics import Severity
from shardlint.document import Document
from shardlint.lint import Report, lint_paths
from shardlint.options import LintOptions
from shardlint.reporters import View, renderer
from shardlint.reporters.streamed import StreamedReport, output_for

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


def _compare(tmp_path: Path, options: LintOptions, whole: Report, view: View) -> None:
    for name in ("text", "concise", "json"):
        expected = renderer(name)(whole, view=view)
        if name == "text" and view.show == Severity.HINT:
            assert "2 files: FSDP190" in expected
            assert "b_ddp.yaml:1:1: ACC120" in expected and "a_ddp.yaml:1:1: ACC120" not in expected
        report = StreamedReport(output_for(name, color=False, view=view), view)
        before = _documents_alive()
        lint_paths([str(tmp_path)], options, report=report)
        assert _documents_alive() == before
        assert report.output.render() == expected
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

"""Following deepspeed_config_file: where it is looked for, and what is reported."""

from __future__ import annotations

from pathlib import Path

from shardlint.lint import lint_paths
from shardlint.options import LintOptions

YAML = "distributed_type: DEEPSPEED\nnum_processes: 2\ndeepspeed_config:\n  deepspeed_config_file: {ref}\n  zero3_init_flag: true\n"
STAGE1 = '{"zero_optimization": {"stage": 1}}'


def _codes(path: Path) -> dict[str, int]:
    report = lint_paths([str(path)], LintOptions(isolated=True))
    return {d.code: d.range.start.line + 1 for f in report.all_files for d in f.diagnostics}


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_found_beside_the_config(tmp_path: Path) -> None:
    _write(tmp_path / "ds.json", STAGE1)
    codes = _codes(_write(tmp_path / "accel.yaml", YAML.format(ref="ds.json")))
    assert "DSA100" not in codes and codes.get("DSA103") == 5  # the linked stage 1 is seen


def test_found_in_a_parent_up_to_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    _write(tmp_path / "configs" / "ds" / "zero1.json", STAGE1)
    config = _write(tmp_path / "configs" / "accelerate" / "fsdp" / "accel.yaml", YAML.format(ref="configs/ds/zero1.json"))
    codes = _codes(config)
    assert "DSA100" not in codes and "DSA103" in codes


def test_not_searched_above_the_repository_root(tmp_path: Path) -> None:
    _write(tmp_path / "configs" / "zero1.json", STAGE1)
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    config = _write(tmp_path / "repo" / "sub" / "accel.yaml", YAML.format(ref="configs/zero1.json"))
    assert _codes(config).get("DSA100") == 4


def test_outside_a_repository_every_parent_is_tried(tmp_path: Path) -> None:
    _write(tmp_path / "project" / "scripts" / "zero1.json", STAGE1)
    config = _write(tmp_path / "project" / "scripts" / "accel.yaml", YAML.format(ref="scripts/zero1.json"))
    codes = _codes(config)
    assert "DSA100" not in codes and "DSA103" in codes


def test_missing_file_is_an_error_on_the_key(tmp_path: Path) -> None:
    report = lint_paths([str(_write(tmp_path / "accel.yaml", YAML.format(ref="nope.json")))], LintOptions(isolated=True))
    [diagnostic] = [d for d in report.files[0].diagnostics if d.code == "DSA100"]
    assert diagnostic.severity == 1
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == (3, 25)
    assert "nope.json" in diagnostic.message
    assert diagnostic.docs_url and diagnostic.docs_url.endswith("/DSA100.md")
    # the stage is unknown, so stage-dependent rules stay quiet rather than guess
    assert "DSA103" not in {d.code for d in report.files[0].diagnostics}


def test_invalid_json_is_reported_with_its_line(tmp_path: Path) -> None:
    _write(tmp_path / "ds.json", '{\n  "zero_optimization": {"stage": 1},\n}\n')
    report = lint_paths([str(_write(tmp_path / "accel.yaml", YAML.format(ref="ds.json")))], LintOptions(isolated=True))
    [diagnostic] = [d for d in report.files[0].diagnostics if d.code == "DSA101"]
    assert "trailing comma" in diagnostic.message and "(line 2)" in diagnostic.message


def test_inline_json_value_is_used(tmp_path: Path) -> None:
    text = YAML.format(ref="'{\"zero_optimization\": {\"stage\": 1}}'")
    codes = _codes(_write(tmp_path / "accel.yaml", text))
    assert "DSA100" not in codes and "DSA103" in codes


def test_none_means_no_file(tmp_path: Path) -> None:
    codes = _codes(_write(tmp_path / "accel.yaml", YAML.format(ref="none")))
    assert "DSA100" not in codes


def test_an_unsaved_editor_buffer_is_read_before_the_disk(tmp_path: Path) -> None:
    ds = _write(tmp_path / "ds.json", '{"zero_optimization": {"stage": 3}}')
    config = _write(tmp_path / "accel.yaml", YAML.format(ref="ds.json"))

    def codes(buffers: dict) -> set[str]:
        report = lint_paths([str(config)], LintOptions(isolated=True, buffers=buffers))
        return {d.code for d in report.files[0].diagnostics}

    assert "DSA103" not in codes({})  # stage 3 on disk
    assert "DSA103" in codes({ds.resolve(): '{"zero_optimization": {"stage": 1}}'})
    assert "DSA101" in codes({ds.resolve(): '{"zero_optimization": '})
    (tmp_path / "new.json").unlink(missing_ok=True)
    config.write_text(YAML.format(ref="new.json"), encoding="utf-8")
    assert "DSA100" not in codes({(tmp_path / "new.json").resolve(): '{"zero_optimization": {"stage": 3}}'})


def test_a_path_the_system_refuses_is_missing_not_a_crash(tmp_path: Path) -> None:
    long_name = _write(tmp_path / "long.yaml", YAML.format(ref="a" * 5000 + ".json"))  # over NAME_MAX
    nul = _write(tmp_path / "nul.yaml", YAML.format(ref='"a\\0b.json"'))  # a NUL byte, in YAML's escape
    for config in (long_name, nul):
        for buffers in ({}, {tmp_path / "other.json": "{}"}):  # with buffers, as in an editor
            report = lint_paths([str(config)], LintOptions(isolated=True, buffers=buffers))
            assert "DSA100" in {d.code for d in report.files[0].diagnostics}

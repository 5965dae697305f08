"""Project configuration: discovery, every setting, precedence over it, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path, PurePath

import pytest

from shardlint.diagnostics import Severity
from shardlint.options import LintOptions
from shardlint.settings.resolve import file_options, settings_for
from shardlint.settings.globs import matches
from shardlint.settings.selectors import SelectionLayer, is_enabled
from tests.conftest import run_shardlint, write

from .helpers import DUPLICATE_KEY, codes, lint

UNUSED = "distributed_type: FSDP  # shardlint: disable=DS100\n"  # SUP001 on line 1 (DS100 is DeepSpeed-only)


def _pyproject(root: Path, body: str) -> Path:
    return write(root, "pyproject.toml", f"[project]\nname = 'x'\n\n[tool.shardlint]\n{body}\n")


# --- selectors and globs -------------------------------------------------------------------

@pytest.mark.parametrize(("layers", "code", "on"), [
    ([], "FSDP100", True),
    ([SelectionLayer(select=("FSDP",))], "DS100", False),
    ([SelectionLayer(select=("FSDP",))], "FSDP100", True),
    ([SelectionLayer(select=("DS",))], "DSA100", False),  # DS is a family, not a string prefix of DSA
    ([SelectionLayer(select=("DS1",))], "DS101", True),
    ([SelectionLayer(select=("FSDP",), ignore=("FSDP1",))], "FSDP101", False),
    ([SelectionLayer(select=("FSDP101",), ignore=("FSDP",))], "FSDP101", True),  # more specific wins
    ([SelectionLayer(select=("FSDP",), ignore=("FSDP",))], "FSDP101", False),  # a tie goes to ignore
    ([SelectionLayer(ignore=("ALL",)), SelectionLayer(extend_select=("SL002",))], "SL002", True),
    ([SelectionLayer(ignore=("SL002",)), SelectionLayer(extend_select=("SUP",))], "SL002", False),
    ([SelectionLayer(ignore=("SL002",)), SelectionLayer(select=("SL",))], "SL002", True),
])
def test_selection_layers(layers: list[SelectionLayer], code: str, on: bool) -> None:
    assert is_enabled(layers, code) is on


@pytest.mark.parametrize(("pattern", "path", "hit"), [
    ("*.json", "configs/ds_config.json", True),
    ("ds_*.json", "a/b/ds_z3.json", True),
    ("configs/*.json", "configs/ds.json", True),
    ("configs/*.json", "other/configs/ds.json", False),
    ("legacy", "legacy/old/accelerate.yaml", True),
    ("legacy/**", "legacy/old/accelerate.yaml", True),
    ("**/fsdp*.yaml", "fsdp.yaml", True),
    ("**/fsdp*.yaml", "x/y/fsdp_2.yaml", True),
    ("ds_?.json", "ds_10.json", False),
    ("[ab].yaml", "b.yaml", True),
    ("[!a].yaml", "a.yaml", False),
    ("[]a].yaml", "].yaml", True),  # as in fnmatch: a ']' first in a set is literal
    ("[!]].yaml", "].yaml", False),
    ("[\\].yaml", "\\.yaml", True),  # a backslash in a set is literal
    ("[!].yaml", "[!].yaml", True),  # no closing ']': the '[' is literal
])
def test_globs(pattern: str, path: str, hit: bool) -> None:
    assert matches(pattern, PurePath(path)) is hit


# --- discovery ------------------------------------------------------------------------------

def test_pyproject_table_applies(tmp_path: Path) -> None:
    config = write(tmp_path, "accelerate.yaml", DUPLICATE_KEY)
    assert codes(lint(config)) == [("SL002", 4)]
    _pyproject(tmp_path, 'ignore = ["SL002"]')
    assert codes(lint(config)) == []


def test_own_file_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    config = write(tmp_path, "accelerate.yaml", DUPLICATE_KEY)
    _pyproject(tmp_path, 'ignore = ["SL002"]')
    write(tmp_path, ".shardlint.toml", 'ignore = ["SUP"]\n')
    assert codes(lint(config)) == [("SL002", 4)]


def test_nearest_configuration_wins(tmp_path: Path) -> None:
    _pyproject(tmp_path, 'ignore = ["SL002"]')
    top = write(tmp_path, "top.yaml", DUPLICATE_KEY)
    nested = write(tmp_path, "train/accelerate.yaml", DUPLICATE_KEY)
    write(tmp_path, "train/.shardlint.toml", 'severity = {SL002 = "error"}\n')
    found = lint(top, nested)
    assert [(d.code, d.severity) for d in found] == [("SL002", Severity.ERROR)]


def test_pyproject_without_a_table_is_passed_over(tmp_path: Path) -> None:
    _pyproject(tmp_path, 'ignore = ["SL002"]')
    write(tmp_path, "sub/pyproject.toml", "[project]\nname = 'sub'\n")
    assert codes(lint(write(tmp_path, "sub/accelerate.yaml", DUPLICATE_KEY))) == []


def test_explicit_config_and_isolated(tmp_path: Path) -> None:
    _pyproject(tmp_path, 'ignore = ["SL002"]')
    other = write(tmp_path, "elsewhere/strict.toml", 'severity = {SL = "error"}\n')
    config = write(tmp_path, "accelerate.yaml", DUPLICATE_KEY)
    assert [(d.code, d.severity) for d in lint(config, config_file=other)] == [("SL002", Severity.ERROR)]
    assert [(d.code, d.severity) for d in lint(config, isolated=True)] == [("SL002", Severity.WARNING)]


# --- settings -------------------------------------------------------------------------------

def test_per_file_ignores_are_relative_to_the_configuration(tmp_path: Path) -> None:
    _pyproject(tmp_path, '[tool.shardlint.per-file-ignores]\n"legacy/*.yaml" = ["SL002"]\n"*.json" = ["SL"]')
    legacy = write(tmp_path, "legacy/accelerate.yaml", DUPLICATE_KEY)
    current = write(tmp_path, "current/legacy/accelerate.yaml", DUPLICATE_KEY)
    ds = write(tmp_path, "ds_config.json", '{"train_batch_size": 8, "train_batch_size": 8}\n')
    assert codes(lint(legacy)) == [] and codes(lint(ds)) == []
    assert codes(lint(current)) == [("SL002", 4)]
    assert [c for c, _ in codes(lint(ds, isolated=True))] == ["SL002"]


def test_globs_follow_the_path_as_walked_through_a_symlinked_folder(tmp_path: Path) -> None:
    project, elsewhere = tmp_path / "project", tmp_path / "shared-configs"
    write(elsewhere, "legacy/accelerate.yaml", DUPLICATE_KEY)
    _pyproject(project, 'per-file-ignores = {"configs/legacy/*" = ["SL002"]}')
    (project / "configs").symlink_to(elsewhere)
    assert codes(lint(project / "configs" / "legacy" / "accelerate.yaml")) == []


def test_severity_override_by_prefix_and_code(tmp_path: Path) -> None:
    _pyproject(tmp_path, '[tool.shardlint.severity]\nSL = "info"\nSUP001 = "error"')
    config = write(tmp_path, "accelerate.yaml", UNUSED + DUPLICATE_KEY.split("\n", 1)[1])
    assert [(d.code, d.severity) for d in lint(config)] == [
        ("SUP001", Severity.ERROR), ("SL002", Severity.INFORMATION)]


def test_include_and_exclude(tmp_path: Path) -> None:
    _pyproject(tmp_path, 'include = ["configs/**"]\nexclude = ["configs/old_*.yaml"]')
    write(tmp_path, "configs/new.yaml", DUPLICATE_KEY)
    old = write(tmp_path, "configs/old_fsdp.yaml", DUPLICATE_KEY)
    outside = write(tmp_path, "scratch/accelerate.yaml", DUPLICATE_KEY)
    walked = run_shardlint("check", ".", cwd=tmp_path)
    assert "configs/new.yaml:4:3: SL002" in walked.stdout
    assert "old_fsdp" not in walked.stdout and "scratch" not in walked.stdout
    # exclude holds for files named explicitly (as pre-commit passes them); include only narrows walks
    named = run_shardlint("check", str(old), str(outside), cwd=tmp_path)
    assert "old_fsdp" not in named.stdout and "scratch/accelerate.yaml:4:3: SL002" in named.stdout


def test_fail_level_from_configuration_and_flag(tmp_path: Path) -> None:
    _pyproject(tmp_path, 'fail-level = "error"\nselect = ["SL", "SUP"]')
    write(tmp_path, "accelerate.yaml", DUPLICATE_KEY)
    assert run_shardlint("check", "accelerate.yaml", cwd=tmp_path).returncode == 0
    assert run_shardlint("check", "--fail-level", "warning", "accelerate.yaml", cwd=tmp_path).returncode == 1
    assert run_shardlint("check", "--isolated", "--select", "SL", "accelerate.yaml", cwd=tmp_path).returncode == 1


def _resolved(path: Path, options: LintOptions) -> tuple[dict[str, str], str]:
    file = file_options(options, settings_for(path, options))
    return dict(file.target), file.deepspeed_runner


def test_target_and_deepspeed_runner_reach_the_file_options(tmp_path: Path) -> None:
    _pyproject(tmp_path, 'target = "accelerate=1.6, deepspeed=0.15"\ndeepspeed-runner = "deepspeed"')
    path = tmp_path / "ds_config.json"
    assert _resolved(path, LintOptions()) == ({"accelerate": "1.6", "deepspeed": "0.15"}, "deepspeed")
    given = LintOptions(target={"accelerate": "1.10"}, deepspeed_runner="accelerate")
    assert _resolved(path, given) == ({"accelerate": "1.10"}, "accelerate")  # the caller's options win


def test_options_set_in_code_beat_the_configuration_even_at_their_defaults(tmp_path: Path) -> None:
    write(tmp_path, ".shardlint.toml", 'target = {accelerate = "1.6"}\ndeepspeed-runner = "deepspeed"\n')
    write(tmp_path, "requirements.txt", "deepspeed==0.15.0\n")
    path = tmp_path / "ds_config.json"
    assert _resolved(path, LintOptions()) == ({"accelerate": "1.6", "deepspeed": "0.15.0"}, "deepspeed")
    # "trainer" and {} are the defaults, given all the same: the configuration does not replace them
    assert _resolved(path, LintOptions(deepspeed_runner="trainer")) == (
        {"accelerate": "1.6", "deepspeed": "0.15.0"}, "trainer")
    assert _resolved(path, LintOptions(target={})) == ({"deepspeed": "0.15.0"}, "deepspeed")  # pins still fill in
    assert _resolved(path, LintOptions(target={}, isolated=True)) == ({}, "trainer")


def test_a_runner_given_in_code_at_its_default_decides_the_findings(tmp_path: Path) -> None:
    from shardlint.lint import lint_paths

    write(tmp_path, ".shardlint.toml", 'deepspeed-runner = "accelerate"\n')
    path = write(tmp_path, "ds_config.json", '{"zero_optimization": {"stage": 2},\n'
                 ' "optimizer": {"type": "AdamW", "params": {"lr": "auto", "betas": "auto"}}}\n')
    found = lambda options: {d.code for f in lint_paths([str(path)], options).files for d in f.diagnostics}
    assert "HF100" in found(LintOptions())  # the configuration's runner: Accelerate leaves the betas "auto"
    assert "HF100" not in found(LintOptions(deepspeed_runner="trainer"))  # the Trainer fills them


# --- the command line over the configuration ---------------------------------------------------

def test_runner_and_target_flags_beat_the_file_even_at_their_defaults(tmp_path: Path) -> None:
    import argparse

    from shardlint.settings.cli import add_arguments, options_from_args

    _pyproject(tmp_path, 'target = {accelerate = "1.6"}\ndeepspeed-runner = "deepspeed"')
    parser = argparse.ArgumentParser()
    parser.add_argument("--fail-level")
    add_arguments(parser)
    args = parser.parse_args(["--config", str(tmp_path / "pyproject.toml"),
                              "--deepspeed-runner", "trainer", "--target", "accelerate=1.10"])
    options, _, _ = options_from_args(args)
    assert _resolved(tmp_path / "a.yaml", options) == ({"accelerate": "1.10"}, "trainer")


@pytest.mark.parametrize(("flags", "expected"), [
    ([], []),
    (["--extend-select", "SL002"], ["SL002"]),
    (["--select", "SL,SUP"], ["SUP001", "SL002"]),
    (["--select", "SUP"], ["SUP001"]),
    (["--isolated"], ["SUP001", "SL002"]),
    (["--ignore", "SUP001", "--extend-select", "SL002"], ["SL002"]),
])
def test_flags_override_the_configuration(tmp_path: Path, flags: list[str], expected: list[str]) -> None:
    _pyproject(tmp_path, 'ignore = ["SL002", "SUP001"]')
    write(tmp_path, "accelerate.yaml", UNUSED + DUPLICATE_KEY.split("\n", 1)[1])
    done = run_shardlint("check", "--format", "json", *flags, "accelerate.yaml", cwd=tmp_path)
    found = [d["code"] for f in json.loads(done.stdout)["files"] for d in f["diagnostics"]]
    assert [c for c in found if c.startswith(("SL", "SUP"))] == expected, done.stderr
    if expected:
        assert done.returncode == 1


# --- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "message"), [
    ('selct = ["FSDP"]', "unknown setting 'selct' (did you mean 'select'?)"),
    ('select = "FSDP"', "select: must be a list of rule codes or prefixes"),
    ('ignore = ["fsdp101"]', "ignore: 'fsdp101' is not a rule code or prefix"),
    ('severity = {FSDP101 = "fatal"}', "severity: FSDP101: unknown severity 'fatal'"),
    ('fail-level = "loud"', "fail-level: unknown severity 'loud'"),
    ('show = "all"', "show: unknown severity 'all'"),
    ('target = {accelerate = 1.6}', "target: accelerate: 1.6 is not a version string"),
    ('target = {torch = "2.6"}', "target: unknown library 'torch'"),
    (f'target = {{deepspeed = "{"9" * 5000}"}}', "target: deepspeed: '999"),
    ('deepspeed-runner = "slurm"', "deepspeed-runner: must be one of 'trainer', 'accelerate', 'deepspeed'"),
    ('per-file-ignores = {"*.json" = "DS"}', "per-file-ignores: '*.json': must be a list"),
    ('exclude = ["[z-a].yaml"]', "exclude: invalid glob '[z-a].yaml': bad character range"),
    ('select = ["FSDP"', "invalid TOML"),
])
def test_invalid_configuration_is_a_clear_error(tmp_path: Path, body: str, message: str) -> None:
    _pyproject(tmp_path, body)
    write(tmp_path, "accelerate.yaml", DUPLICATE_KEY)
    done = run_shardlint("check", "accelerate.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"shardlint: error: {tmp_path / 'pyproject.toml'}"), done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_invalid_configuration_found_below_the_working_folder(tmp_path: Path) -> None:
    write(tmp_path, "sub/.shardlint.toml", "ignore = 3\n")
    write(tmp_path, "sub/accelerate.yaml", DUPLICATE_KEY)
    done = run_shardlint("check", ".", cwd=tmp_path)
    assert done.returncode == 2
    assert f"{tmp_path / 'sub' / '.shardlint.toml'}: ignore: must be a list" in done.stderr


def test_tool_table_in_the_own_file_is_explained(tmp_path: Path) -> None:
    write(tmp_path, ".shardlint.toml", '[tool.shardlint]\nignore = ["SL002"]\n')
    write(tmp_path, "accelerate.yaml", DUPLICATE_KEY)
    done = run_shardlint("check", "accelerate.yaml", cwd=tmp_path)
    assert done.returncode == 2 and "without [tool.shardlint]" in done.stderr


@pytest.mark.parametrize(("flags", "message"), [
    (["--select", "FSDP,nope"], "--select: 'nope' is not a rule code or prefix"),
    (["--config", "missing.toml"], "--config: missing.toml: no such file"),
    (["--config", "."], "--config: .: not a file"),
])
def test_invalid_flags_are_clear_errors(tmp_path: Path, flags: list[str], message: str) -> None:
    write(tmp_path, "accelerate.yaml", DUPLICATE_KEY)
    done = run_shardlint("check", *flags, "accelerate.yaml", cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr


@pytest.mark.parametrize("pyproject", [
    '[tool.shardlint]\nignore = ["SL002"]\n',
    '[tool.shardlint.severity]\nSL002 = "hint"\n[tool."shardlint"]\nignore = ["SL002"]\n',
    '[tool]\nshardlint = { ignore = ["SL002"] }\n',
    'tool.shardlint.ignore = ["SL002"]\n',
])
def test_every_spelling_of_the_pyproject_table_is_found(tmp_path: Path, pyproject: str) -> None:
    config = write(tmp_path, "accelerate.yaml", DUPLICATE_KEY)
    (tmp_path / "pyproject.toml").write_text(pyproject + '\n[project]\nname = "x"\n')
    assert codes(lint(config)) == []


def test_a_configuration_that_is_a_fifo_is_refused_not_read(tmp_path: Path) -> None:
    import os

    from shardlint.settings.loader import table_of
    from shardlint.settings.model import ConfigError

    fifo = tmp_path / ".shardlint.toml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="named pipe"):
        table_of(fifo)  # would block for ever on a plain open()

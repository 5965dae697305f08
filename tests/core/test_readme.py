"""The README's quick start and sample output stay true."""

from __future__ import annotations

import re

from tests.conftest import ROOT, readme_section, run_shardlint

README = (ROOT / "README.md").read_text()


def quick_start_commands() -> list[str]:
    section = readme_section("## Quick start")
    return re.findall(r"```sh\n(.+?)\n```", section, flags=re.S)


def test_quick_start_is_two_commands_and_ci_runs_the_second():
    install_and_check, install_and_test = quick_start_commands()
    assert "\n" not in install_and_check and "\n" not in install_and_test
    assert install_and_check.endswith("shardlint check examples/")
    assert install_and_test in (ROOT / ".ci" / "run").read_text()


def test_sample_output_is_what_shardlint_prints():
    block = README.split("$ shardlint check examples/fsdp1-bad.yaml\n", 1)[1].split("```", 1)[0]
    proc = run_shardlint("check", "--color", "never", "examples/fsdp1-bad.yaml", cwd=ROOT)
    assert proc.stdout == block


def test_quick_start_says_why_it_exits_1():
    proc = run_shardlint("check", "examples/", cwd=ROOT)
    assert proc.returncode == 1
    section = readme_section("## Quick start")
    assert "exits with status 1 on purpose" in section


def test_usage_documents_every_check_option():
    from shardlint.parser import build_parser

    usage = README.split("## Usage", 1)[1].split("### Sample output", 1)[0]
    check = build_parser("check")._subparsers._group_actions[0].choices["check"]  # type: ignore[union-attr]
    flags = [opt for action in check._actions for opt in action.option_strings if opt.startswith("--")]
    missing = [flag for flag in flags if flag != "--help" and flag not in usage]
    assert not missing


def test_schema_commands_run_in_a_fresh_project(tmp_path):
    import os
    import subprocess
    import sys

    section = readme_section("## Editor schemas")
    script = re.search(r"```sh\n(.*?)```", section, flags=re.S)[1]  # type: ignore[index]
    assert script.startswith("mkdir -p .vscode\n")
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["sh", "-e", "-c", script], cwd=tmp_path, env=env, check=True, timeout=120)
    assert (tmp_path / ".vscode" / "accelerate-config.schema.json").stat().st_size > 1000

"""The README's quick start and sample output stay true."""

from __future__ import annotations

import re

from tests.conftest import ROOT, run_shardlint

README = (ROOT / "README.md").read_text()


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
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

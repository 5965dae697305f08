"""The README's "Fixing" walk-through is what shardlint prints, command by command."""

from __future__ import annotations

import re
import shlex
import shutil

from tests.conftest import ROOT, readme_section, run_shardlint


def walkthrough() -> list[tuple[list[str], str]]:
    """The ``$ command`` lines of the Fixing section's session, each with the output below it."""
    section = readme_section("## Fixing")
    block = next(b for b in re.findall(r"```text\n(.*?)```", section, flags=re.S) if b.startswith("$ "))
    steps = re.split(r"^\$ (.*)\n", block, flags=re.M)[1:]
    return [(shlex.split(command), output) for command, output in zip(steps[::2], steps[1::2])]


def test_fixing_walkthrough_is_what_shardlint_prints(tmp_path):
    steps = walkthrough()
    assert len(steps) == 4 and all(output for _, output in steps[1:])
    (copy, _), *runs = steps
    assert copy == ["cp", "examples/fsdp1-bad.yaml", "fsdp1.yaml"]
    shutil.copyfile(ROOT / copy[1], tmp_path / copy[2])
    for argv, expected in runs:
        assert argv[0] == "shardlint"
        done = run_shardlint(*argv[1:], "--color", "never", cwd=tmp_path)
        # a terminal shows stdout (the diff or the report) and then the summary
        assert done.stdout + done.stderr == expected, " ".join(argv)

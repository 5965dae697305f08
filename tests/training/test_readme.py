"""The README's recipe example is what ``shardlint check --verbose`` prints for it."""

from __future__ import annotations

import re

from tests.conftest import ROOT, run_shardlint, write

SECTION = "## Training recipes and the versions a project runs"


def _blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(?:yaml|text)\n(.*?)```", section, flags=re.S)


def test_readme_recipe_example(tmp_path):
    recipe, run, stderr = _blocks()
    (tmp_path / ".git").mkdir()
    write(tmp_path, "requirements.txt", "accelerate==1.15.0\ntransformers>=4.46,<5\n")
    write(tmp_path, "recipes/sft.yaml", recipe)
    command, expected = run.split("\n", 1)
    proc = run_shardlint(*command.removeprefix("$ shardlint ").split(), cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, expected, stderr)
    assert "A project pinning `transformers>=4.46,<5` in `requirements.txt`" in (ROOT / "README.md").read_text()
    proc = run_shardlint("check", "--target", "transformers=5.25.0", "--select", "HF142", "recipes", cwd=tmp_path)
    assert "HF142" in proc.stdout

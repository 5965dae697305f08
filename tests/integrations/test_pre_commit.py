"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit in a throwaway repository.

The project is snapshotted (tracked and untracked, not ignored, files) into a
fresh git repository, so the hooks are tested as the working tree has them;
pre-commit then builds its own virtualenv from it (about 5 s, dependencies from
the package index) and is reused by every test of the session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, write

from .helpers import CLEAN, DUPLICATE_KEY

pytestmark = pytest.mark.pre_commit

WORKFLOW = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n"
UNUSED = CLEAN + "mixed_precision: bf16  # shardlint: disable=DS100\n"


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", "-c", "user.name=shardlint", "-c", "user.email=shardlint@example.invalid",
                           "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True, capture_output=True,
                          text=True, env=_env()).stdout


def _env(home: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    if home is not None:
        env["PRE_COMMIT_HOME"] = str(home)
    env["NO_COLOR"] = "1"
    return env


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding this project's working tree, committed."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout of shardlint")
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True, env=_env()).stdout.decode().split("\0")
    snapshot = tmp_path_factory.mktemp("shardlint-src")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    _git("init", "-q", cwd=snapshot)
    _git("add", "-A", cwd=snapshot)
    _git("commit", "-q", "-m", "snapshot", cwd=snapshot)
    return snapshot


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def user_repo(tmp_path: Path) -> Path:
    """A project using shardlint: one bad config, one good, and a YAML file that is no config."""
    _git("init", "-q", cwd=tmp_path)
    write(tmp_path, "configs/bad.yaml", DUPLICATE_KEY)
    write(tmp_path, "configs/good.yaml", CLEAN)
    write(tmp_path, ".github/workflows/ci.yml", WORKFLOW)
    # only the loader's and the suppressions' codes, so that new rules do not change the outcome
    write(tmp_path, ".shardlint.toml", 'select = ["SL", "SUP"]\n')
    _git("add", "-A", cwd=tmp_path)
    return tmp_path


def _pre_commit(home: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, capture_output=True, text=True,
                          env=_env(home), timeout=300)


@pytest.fixture
def configured(hook_repo: Path, pre_commit_home: Path, user_repo: Path) -> Path:
    """``user_repo`` with both hooks in its .pre-commit-config.yaml (the virtualenv is built once per session)."""
    rev = _git("rev-parse", "HEAD", cwd=hook_repo).strip()
    write(user_repo, ".pre-commit-config.yaml",
          f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: shardlint\n"
          "      - id: shardlint-fix\n        stages: [manual]\n")
    _git("add", ".pre-commit-config.yaml", cwd=user_repo)
    return user_repo


def test_try_repo_fails_the_bad_config_with_shardlints_message(
        hook_repo: Path, pre_commit_home: Path, user_repo: Path) -> None:
    done = _pre_commit(pre_commit_home, user_repo, "try-repo", str(hook_repo), "shardlint", "--color=never",
                       "--all-files")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "shardlint" in out and "Failed" in out
    assert "configs/bad.yaml:4:3: SL002 [warning] duplicate key 'fsdp_version'" in out
    assert "good.yaml:" not in out and "ci.yml" not in out and "SL009" not in out


def test_check_hook_passes_good_files(pre_commit_home: Path, configured: Path) -> None:
    done = _pre_commit(pre_commit_home, configured, "run", "shardlint", "--color=never", "--files",
                       "configs/good.yaml", ".github/workflows/ci.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_fix_hook_repairs_the_file(pre_commit_home: Path, configured: Path) -> None:
    target = write(configured, "configs/fixable.yaml", UNUSED)
    _git("add", "-A", cwd=configured)
    run = ("run", "shardlint-fix", "--hook-stage", "manual", "--color=never", "--files", "configs/fixable.yaml")
    first = _pre_commit(pre_commit_home, configured, *run)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert target.read_text(encoding="utf-8") == CLEAN + "mixed_precision: bf16\n"
    second = _pre_commit(pre_commit_home, configured, *run)
    assert second.returncode == 0 and "Passed" in second.stdout, second.stdout


def test_installed_hook_blocks_the_commit(pre_commit_home: Path, configured: Path) -> None:
    _pre_commit(pre_commit_home, configured, "install").check_returncode()
    _git("reset", "-q", "configs/bad.yaml", cwd=configured)
    _git("commit", "-q", "-m", "good config", cwd=configured)
    _git("add", "configs/bad.yaml", cwd=configured)
    blocked = subprocess.run(["git", "-c", "user.name=u", "-c", "user.email=u@example.invalid", "commit", "-m",
                              "bad config"], cwd=configured, capture_output=True, text=True,
                             env=_env(pre_commit_home), timeout=300)
    assert blocked.returncode != 0
    assert "configs/bad.yaml:4:3: SL002" in blocked.stdout + blocked.stderr
    assert "bad config" not in _git("log", "--format=%s", cwd=configured)


def test_readme_snippet_is_pinned_by_autoupdate(hook_repo: Path, pre_commit_home: Path, user_repo: Path) -> None:
    """The README's configuration, pointed at this repository: ``pre-commit autoupdate`` pins a real commit."""
    from .test_readme import _block

    snippet = _block("pre-commit", "yaml").replace("https://github.com/shardlint/shardlint", str(hook_repo))
    write(user_repo, ".pre-commit-config.yaml", snippet)
    done = _pre_commit(pre_commit_home, user_repo, "autoupdate")
    assert done.returncode == 0, done.stdout + done.stderr
    head = _git("rev-parse", "HEAD", cwd=hook_repo).strip()
    assert f"rev: {head}" in (user_repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")

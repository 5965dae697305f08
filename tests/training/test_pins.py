"""The project's versions: each requirement-file format, conflicts, and the explicit target winning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shardlint.engine.versions import LATEST
from shardlint.lint import lint_paths
from shardlint.options import LintOptions
from shardlint.settings.pins import decide, project_pins
from tests.conftest import write

PARALLELISM = "distributed_type: FSDP\nnum_processes: 8\nparallelism_config:\n  parallelism_config_dp_shard_size: 8\n"


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / ".git").mkdir(parents=True)
    for name, text in files.items():
        write(tmp_path, name, text)
    return tmp_path


def chosen(folder: Path) -> dict[str, tuple[str, str]]:
    pins = project_pins(folder, LATEST)
    return {library: (pin.version, f"{Path(pin.file).name}:{pin.line}") for library, pin in pins.chosen.items()}


@pytest.mark.parametrize("spec, version, strength", [
    ("==4.46.0", "4.46.0", 2), ("===1.15.0", "1.15.0", 2), ("==4.46.0rc1", "4.46.0", 2),
    ("<5", "4.x", 1), ("<5.0.0", "4.x", 1), ("<4.41", "4.40.x", 1), ("<=4.46.1", "4.46.1", 1),
    ("~=4.46.0", "4.46.x", 1), ("~=4.46", "4.x", 1), ("==4.46.*", "4.46.x", 1),
    (">=4.40,<5", "4.x", 1), ("<6", "5.25.0", 1), (">=4.40", "5.25.0", 0), ("", "5.25.0", 0),
    ("!=5.0.0", "5.25.0", 0),
])
def test_a_specifier_decides_a_version(spec, version, strength):
    assert decide(spec, "5.25.0") == (version, strength)


def test_requirements_txt_with_includes_extras_markers_and_continuations(tmp_path):
    folder = project(tmp_path, {
        "requirements.txt": "# training\ntorch>=2.1\naccelerate==1.15.0  # pinned\n"
                            "transformers[torch] >= 4.40, \\\n   < 5 ; python_version >= '3.9'\n-r requirements/ds.txt\n",
        "requirements/ds.txt": "deepspeed~=0.16.0\ntrl @ git+https://github.com/huggingface/trl@main\n",
    })
    assert chosen(folder) == {"accelerate": ("1.15.0", "requirements.txt:3"),
                              "transformers": ("4.x", "requirements.txt:4"),
                              "deepspeed": ("0.16.x", "ds.txt:1")}


def test_pyproject_dependencies_optional_dependencies_and_poetry(tmp_path):
    folder = project(tmp_path, {"pyproject.toml": (
        '[project]\nname = "x"\ndependencies = [\n  "accelerate>=1.10,<1.16",\n  "torch",\n]\n'
        '[project.optional-dependencies]\nds = ["deepspeed==0.17.2"]\n'
        '[tool.poetry.dependencies]\ntransformers = "^4.46"\ntrl = {version = "~1.15"}\n')})
    assert chosen(folder) == {"accelerate": ("1.15.x", "pyproject.toml:4"), "deepspeed": ("0.17.2", "pyproject.toml:8"),
                              "transformers": ("4.x", "pyproject.toml:10"), "trl": ("1.15.x", "pyproject.toml:11")}


def test_setup_cfg_install_requires_and_extras(tmp_path):
    folder = project(tmp_path, {"setup.cfg": (
        "[metadata]\nname = x\n\n[options]\ninstall_requires =\n    transformers==4.57.6\n    torch\n"
        "[options.extras_require]\ndeepspeed =\n    deepspeed<0.18\n")})
    assert chosen(folder) == {"transformers": ("4.57.6", "setup.cfg:6"), "deepspeed": ("0.17.x", "setup.cfg:10")}


def test_setup_py_literal_lists_are_read_and_never_run(tmp_path):
    marker = tmp_path / "ran"
    folder = project(tmp_path, {"setup.py": (
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('x')\nfrom setuptools import setup\n"
        "BASE = [\n    'accelerate==1.12.0',\n]\n"
        "setup(name='x', install_requires=BASE + ['transformers<4.50'],\n"
        "      extras_require={'ds': ['deepspeed==0.16.4']})\n")})
    assert chosen(folder) == {"accelerate": ("1.12.0", "setup.py:5"), "transformers": ("4.49.x", "setup.py:7"),
                              "deepspeed": ("0.16.4", "setup.py:8")}
    assert not marker.exists()


def test_environment_yml_conda_and_pip_entries(tmp_path):
    folder = project(tmp_path, {"environment.yml": (
        "name: train\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - conda-forge::transformers=4.46\n"
        "  - pip\n  - pip:\n    - accelerate==1.13.0\n    - deepspeed>=0.15\n")})
    assert chosen(folder) == {"transformers": ("4.46.x", "environment.yml:5"), "accelerate": ("1.13.0", "environment.yml:8"),
                              "deepspeed": ("0.19.8", "environment.yml:9")}


@pytest.mark.parametrize("lock", ["uv.lock", "poetry.lock", "pdm.lock"])
def test_lock_files_give_the_resolved_version(tmp_path, lock):
    folder = project(tmp_path, {lock: (
        'version = 1\n\n[[package]]\nname = "torch"\nversion = "2.5.1"\n\n'
        '[[package]]\nname = "transformers"\nversion = "4.51.3"\nsource = { registry = "https://pypi.org/simple" }\n')})
    assert chosen(folder) == {"transformers": ("4.51.3", f"{lock}:9")}


def test_conflicting_pins_the_lock_beats_the_exact_pin_beats_the_bound(tmp_path, monkeypatch):
    folder = project(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["transformers>=4.40,<5", "accelerate<1.14"]\n',
        "requirements.txt": "transformers==4.46.0\naccelerate<1.13\n",
        "uv.lock": '[[package]]\nname = "transformers"\nversion = "4.46.3"\n',
    })
    monkeypatch.chdir(folder)  # files are shown relative to the working folder
    pins = project_pins(folder, LATEST)
    assert pins.chosen["transformers"].describe() == "transformers 4.46.3 (uv.lock:3)"
    assert [p.describe() for p in pins.others["transformers"]] == [
        "transformers 4.46.0 (requirements.txt:1)", "transformers 4.x (pyproject.toml:3)"]
    # two upper bounds of the same strength: the lower version wins (the project must run there too)
    assert pins.chosen["accelerate"].describe() == "accelerate 1.12.x (requirements.txt:2)"


def test_the_nearest_folder_wins_and_the_walk_stops_at_the_project_root(tmp_path):
    write(tmp_path, "requirements.txt", "deepspeed==0.14.0\n")  # above the project: never read
    folder = project(tmp_path / "repo", {"requirements.txt": "transformers==4.57.6\n",
                                         "examples/sft/requirements.txt": "transformers==4.46.0\n"})
    assert chosen(folder / "examples" / "sft") == {"transformers": ("4.46.0", "requirements.txt:1")}
    assert chosen(folder) == {"transformers": ("4.57.6", "requirements.txt:1")}


def test_pins_decide_version_gated_rules_and_an_explicit_target_wins(tmp_path):
    folder = project(tmp_path, {"requirements.txt": "accelerate==1.9.0\n", "config.yaml": PARALLELISM})
    codes = lambda options: {d.code for f in lint_paths([str(folder / "config.yaml")], options).files for d in f.diagnostics}
    assert "ACC136" in codes(LintOptions())                       # 1.9.0 from requirements.txt
    assert "ACC136" not in codes(LintOptions(target={"accelerate": "1.10.0"}))
    assert "ACC136" not in codes(LintOptions(isolated=True))      # no project files: the newest release
    write(folder, ".shardlint.toml", 'target = {accelerate = "1.12"}\n')
    assert "ACC136" not in codes(LintOptions())                   # the configuration's target beats the pin


def test_targets_command_and_check_verbose_say_where_versions_come_from(tmp_path, shardlint):
    folder = project(tmp_path, {"requirements.txt": "torch\naccelerate==1.9.0\n", "configs/config.yaml": PARALLELISM})
    proc = shardlint("targets", "configs", "--format", "json", cwd=folder)
    data = json.loads(proc.stdout)
    assert data["accelerate"]["origin"] == "requirements.txt:2" and data["accelerate"]["version"] == "1.9.0"
    assert data["deepspeed"] == {"version": LATEST["deepspeed"], "origin": "newest known", "pin": None, "other_pins": []}
    proc = shardlint("targets", "--target", "accelerate=1.10", cwd=folder)
    assert proc.stdout.splitlines()[0] == "accelerate 1.10 (--target)"
    proc = shardlint("check", "--verbose", "configs", cwd=folder)
    assert proc.returncode == 1 and "ACC136" in proc.stdout
    assert "shardlint: configs/config.yaml: judged by accelerate 1.9.0 (requirements.txt:2), deepspeed" in proc.stderr


def test_an_open_version_reads_and_shows_as_x():
    from shardlint.engine.versions import format_version, parse_version, satisfies

    assert parse_version("4.x") == (4, 999, 999) and parse_version("4.40.x") == (4, 40, 999)
    assert format_version(parse_version("4.x")) == "4.x" and format_version((4, 46, 0)) == "4.46.0"
    assert satisfies(parse_version("4.x"), "<5") and not satisfies(parse_version("4.x"), "<4.57")

"""A project's own rules (``rule-paths``): loading, refusal, selection, docs, ``test-rules`` and the README."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from shardlint.engine.registry import ProjectRuleError, load_ruleset, read_rule_files
from shardlint.lint import lint_paths
from shardlint.options import LintOptions
from tests.conftest import ROOT, readme_section, run_shardlint, write

README_SECTION = readme_section("## Rules of your own")

RULE = """id: ORG101
name: bf16-only
severity: error
applies-to: [accelerate]
summary: Jobs on our pool train in bf16 mixed precision.
check: declarative
when: {path: mixed_precision, not-in: [bf16]}
at: mixed_precision
message: "mixed_precision is {value}; our pool trains in bf16 only"
source: ["policy: platform handbook"]
rationale: The pool has bf16 tensor cores and fp16 loss scaling has diverged runs before.
examples:
  - bad: |
      distributed_type: MULTI_GPU
      mixed_precision: fp16
    line: 2
  - good: |
      distributed_type: MULTI_GPU
      mixed_precision: bf16
"""
CONFIG = "distributed_type: MULTI_GPU\nnum_processes: 2\nmixed_precision: fp16\n"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Validated rule files are cached per user: keep the tests' cache out of the real one."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


def project(tmp_path: Path, rules: dict[str, str] | None = None, settings: str = "") -> Path:
    write(tmp_path, "pyproject.toml", f'[tool.shardlint]\nrule-paths = ["policies"]\n{settings}')
    for name, text in (rules if rules is not None else {"ORG101-bf16-only.yaml": RULE}).items():
        write(tmp_path / "policies", name, text)
    write(tmp_path, "train.yaml", CONFIG)
    return tmp_path


def codes(folder: Path, *args: str) -> list[str]:
    proc = run_shardlint("check", "--format", "json", *args, "train.yaml", cwd=folder)
    assert proc.returncode in (0, 1), proc.stderr
    return [d["code"] for f in json.loads(proc.stdout)["files"] for d in f["diagnostics"]]


# --- the README's example -------------------------------------------------------------------------

def test_readme_example_replays(tmp_path: Path) -> None:
    """Every file the section shows is written as shown; every command prints what the section says."""
    files = re.findall(r"```(?:toml|yaml)\n# (\S+)\n(.*?)```", README_SECTION, flags=re.S)
    assert {name for name, _ in files} >= {"pyproject.toml", "configs/zero3.yaml"}
    assert sum(name.startswith("policies/") for name, _ in files) == 2
    for name, text in files:
        write(tmp_path, name, text)
    runs = re.findall(r"```text\n\$ shardlint (.+?)\n(.*?)```", README_SECTION, flags=re.S)
    assert [command.split()[0] for command, _ in runs] == ["check", "test-rules"]
    for command, output in runs:
        proc = run_shardlint(*command.split(), "--color", "never", cwd=tmp_path) if command.startswith("check") \
            else run_shardlint(*command.split(), cwd=tmp_path)
        assert proc.stdout == output, proc.stderr
        assert proc.returncode == (1 if command.startswith("check") else 0)


# --- loading and refusal --------------------------------------------------------------------------

def test_project_rules_run_beside_shardlints(tmp_path: Path) -> None:
    project(tmp_path)
    assert "ORG101" in codes(tmp_path)
    assert "ORG101" not in codes(tmp_path, "--isolated")


def test_without_rule_paths_the_ruleset_is_shardlints_own() -> None:
    assert load_ruleset() is load_ruleset(())
    assert {r.id for r in load_ruleset().rules} == {spec["id"] for _, spec in read_rule_files()}


@pytest.mark.parametrize(("name", "text", "says"), [
    ("FSDP101-bf16-only.yaml", RULE.replace("ORG101", "FSDP101"), "the code prefix FSDP is shardlint's own"),
    ("ALL101-bf16-only.yaml", RULE.replace("ORG101", "ALL101"), "the code prefix ALL selects every rule"),
    ("bf16-only.yaml", RULE, "a rule file is named <CODE>-<name>.yaml"),
])
def test_a_colliding_or_misnamed_rule_is_a_configuration_error(tmp_path: Path, name: str, text: str,
                                                               says: str) -> None:
    project(tmp_path, {name: text})
    proc = run_shardlint("check", "train.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "pyproject.toml [tool.shardlint]: rule-paths:" in proc.stderr and says in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(("rules", "says"), [
    ({"ORG101-bf16-only.yaml": RULE.replace("check: declarative", "check: builtin")
      .replace("when: {path: mixed_precision, not-in: [bf16]}\n", "")},
     "a project's rules are declarative"),
    ({"ORG101-bf16-only.yaml": RULE.replace("source:", "fix: {title: Use bf16, safety: safe, set: {mixed_precision: bf16}}"
                                           "\nsource:")},
     "at examples: a rule with a fix needs an example with `fixed:`"),
    ({"ORG101-bf16-only.yaml": RULE.replace("source:", "fix: {title: Use bf16, safety: unsafe, set: {mixed_precision: bf16}}"
                                           "\nsource:")},
     "at fix: an unsafe fix needs `fix-safety:`"),
    ({"ORG101-bf16-only.yaml": RULE, "ORG101-bf16-again.yaml": RULE.replace("bf16-only", "bf16-again")},
     "ORG101 is already defined in"),
    ({"ORG101-bf16-only.yaml": RULE.replace("when: {path: mixed_precision, not-in: [bf16]}",
                                           "when: {fact: no-such-fact, equals: 1}")},
     "unknown fact 'no-such-fact'"),
])
def test_an_invalid_rule_file_is_reported_with_its_path(tmp_path: Path, rules: dict[str, str], says: str) -> None:
    project(tmp_path, rules)
    proc = run_shardlint("check", "train.yaml", cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout
    assert "policies" in proc.stderr and says in proc.stderr and "Traceback" not in proc.stderr


def test_a_missing_rule_folder_is_a_configuration_error(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.shardlint]\nrule-paths = ["nowhere"]\n')
    write(tmp_path, "train.yaml", CONFIG)
    proc = run_shardlint("check", "train.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and "rule-paths:" in proc.stderr and "nowhere: no such folder" in proc.stderr


def test_project_rule_errors_are_configuration_errors(tmp_path: Path) -> None:
    """So the language server says them once as a warning instead of failing every request."""
    from shardlint.settings.model import ConfigError

    project(tmp_path, {"ORG101-bf16-only.yaml": "id: [unclosed\n"})
    with pytest.raises(ConfigError):
        load_ruleset((tmp_path / "policies",))
    assert issubclass(ProjectRuleError, ConfigError)


def test_an_edited_rule_takes_effect_in_a_long_running_process(tmp_path: Path) -> None:
    project(tmp_path)
    first = load_ruleset((tmp_path / "policies",))
    assert first.by_id["ORG101"].severity.label == "error"
    write(tmp_path / "policies", "ORG101-bf16-only.yaml", RULE.replace("severity: error", "severity: warning"))
    assert load_ruleset((tmp_path / "policies",)).by_id["ORG101"].severity.label == "warning"


# --- selection, suppression, severity ---------------------------------------------------------------

@pytest.mark.parametrize(("args", "settings", "fires"), [
    (("--select", "ORG"), "", True),
    (("--select", "ORG1"), "", True),
    (("--ignore", "ORG101"), "", False),
    ((), 'ignore = ["ORG"]\n', False),
    ((), '[tool.shardlint.per-file-ignores]\n"train.yaml" = ["ORG101"]\n', False),
])
def test_project_codes_are_selectable(tmp_path: Path, args: tuple[str, ...], settings: str, fires: bool) -> None:
    project(tmp_path, settings=settings)
    assert ("ORG101" in codes(tmp_path, *args)) == fires


def test_severity_of_a_project_rule_can_be_overridden(tmp_path: Path) -> None:
    project(tmp_path, settings='[tool.shardlint.severity]\nORG = "hint"\n')
    report = run_shardlint("check", "--format", "json", "train.yaml", cwd=tmp_path)
    found = [d for f in json.loads(report.stdout)["files"] for d in f["diagnostics"] if d["code"] == "ORG101"]
    assert [d["severity"] for d in found] == [4]  # LSP numbering: hint


def test_a_misspelt_prefix_is_refused_naming_the_projects_families(tmp_path: Path) -> None:
    project(tmp_path)
    proc = run_shardlint("check", "--select", "ORX", "train.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and "this project's rules add ORG" in proc.stderr
    project(tmp_path, settings='ignore = ["ORX"]\n')
    assert "ignore: 'ORX' is not a rule code or prefix" in run_shardlint("check", "train.yaml", cwd=tmp_path).stderr


def test_project_codes_work_in_suppression_comments(tmp_path: Path) -> None:
    project(tmp_path)
    write(tmp_path, "train.yaml", CONFIG.replace("fp16\n", "fp16  # shardlint: disable=ORG101\n"))
    assert "ORG101" not in codes(tmp_path) and "SUP001" not in codes(tmp_path)
    write(tmp_path, "train.yaml", CONFIG.replace("2\n", "2  # shardlint: disable=ORG101\n"))
    assert codes(tmp_path).count("SUP001") == 1  # silences nothing on that line


def test_the_language_server_path_picks_them_up(tmp_path: Path) -> None:
    """The server lints a buffer through lint_document, with the same per-file settings."""
    from shardlint.lsp.session import lint_buffer

    project(tmp_path)
    result = lint_buffer(tmp_path / "train.yaml", CONFIG, LintOptions())
    found = [d for d in result.diagnostics if d.code == "ORG101"]
    assert len(found) == 1 and found[0].range.start.line == 2
    assert found[0].docs_url == (tmp_path / "policies" / "ORG101-bf16-only.yaml").resolve().as_uri()


def test_fix_applies_a_project_rules_unsafe_fix(tmp_path: Path) -> None:
    fix = 'fix: {title: Use bf16, safety: unsafe, fix-safety: "bf16 changes the numerics of the run.",' \
          ' set: {mixed_precision: bf16}}\n'
    rule = RULE.replace("source:", fix + "source:").replace("    line: 2\n", "    line: 2\n    fixed: |\n"
                                                              "      distributed_type: MULTI_GPU\n"
                                                              "      mixed_precision: bf16\n")
    project(tmp_path, {"ORG101-bf16-only.yaml": rule})
    assert run_shardlint("check", "--fix", "train.yaml", cwd=tmp_path).returncode == 1  # unsafe: not applied
    assert (tmp_path / "train.yaml").read_text(encoding="utf-8") == CONFIG
    run_shardlint("check", "--fix", "--unsafe-fixes", "train.yaml", cwd=tmp_path)
    assert (tmp_path / "train.yaml").read_text(encoding="utf-8") == CONFIG.replace("fp16", "bf16")
    assert run_shardlint("test-rules", cwd=tmp_path).returncode == 0


def test_the_language_server_reports_them_over_stdio(tmp_path: Path) -> None:
    pytest.importorskip("pygls.lsp.server")
    from tests.lsp.rpc import LspClient

    project(tmp_path)
    client = LspClient(tmp_path)  # inherits the test's XDG_CACHE_HOME
    try:
        client.initialize(tmp_path)
        uri = client.open(tmp_path / "train.yaml")
        found = [d for d in client.diagnostics(uri) if d["code"] == "ORG101"]
        assert [d["range"]["start"]["line"] for d in found] == [2]
        assert found[0]["codeDescription"]["href"].endswith("/policies/ORG101-bf16-only.yaml")
    finally:
        assert client.close() == 0


# --- documentation ---------------------------------------------------------------------------------

def test_rule_and_rules_show_project_rules(tmp_path: Path) -> None:
    project(tmp_path)
    listed = run_shardlint("rules", cwd=tmp_path)
    assert re.search(r"^ORG101 +bf16-only +error +Jobs on our pool", listed.stdout, flags=re.M)
    shown = run_shardlint("rule", "org101", cwd=tmp_path)
    assert shown.returncode == 0 and shown.stdout.startswith("# ORG101: bf16-only\n")
    assert "defined in `policies/ORG101-bf16-only.yaml`" in shown.stdout and "## Why" in shown.stdout
    data = json.loads(run_shardlint("rule", "ORG101", "--format", "json", cwd=tmp_path).stdout)
    assert data["family"] == "ORG" and data["docs"].startswith("file://")
    assert run_shardlint("rule", "ORG999", cwd=tmp_path).returncode == 2


def test_rule_shows_fix_safety() -> None:
    shown = run_shardlint("rule", "FSDP102", cwd=ROOT).stdout
    assert "## Fix safety\n\nThe fix is unsafe" in shown and "raises peak memory" in shown
    assert "## Fix safety\n\nThe fix is safe" in run_shardlint("rule", "FSDP100", cwd=ROOT).stdout


# --- shardlint test-rules --------------------------------------------------------------------------

def test_test_rules_reports_a_failing_example_and_exits_1(tmp_path: Path) -> None:
    project(tmp_path, {"ORG101-bf16-only.yaml": RULE.replace("line: 2", "line: 1"),
                       "ORG102-x.yaml": "id: ORG102\n"})
    proc = run_shardlint("test-rules", cwd=tmp_path)
    assert proc.returncode == 1
    assert re.search(r"^FAIL policies/ORG102-x.yaml: at \(top level\): '\w+' is a required property$", proc.stdout,
                     flags=re.M)
    assert "FAIL ORG101 bf16-only: 1 of 2 examples hold" in proc.stdout
    assert "example 1 (bad): ORG101 did not fire on line 1; found:" in proc.stdout
    assert proc.stdout.endswith("\n1 rule, 2 examples: 1 passed, 1 failed; 1 rule file invalid.\n")


def test_test_rules_takes_paths_and_needs_something_to_test(tmp_path: Path) -> None:
    write(tmp_path / "elsewhere", "ORG101-bf16-only.yaml", RULE)
    proc = run_shardlint("test-rules", "elsewhere", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.endswith("1 rule, 2 examples: 2 passed, 0 failed.\n")
    none = run_shardlint("test-rules", cwd=tmp_path)
    assert none.returncode == 2 and "set rule-paths" in none.stderr
    assert run_shardlint("test-rules", "missing", cwd=tmp_path).returncode == 2


# --- cost ------------------------------------------------------------------------------------------

PROBE = """
import io, json, sys, contextlib
from shardlint.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["check", "train.yaml"])
print(json.dumps(sorted(sys.modules)))
"""


def _imported(folder: Path) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE], cwd=folder, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


def test_validation_is_cached_between_runs(tmp_path: Path) -> None:
    project(tmp_path)
    assert "jsonschema" in _imported(tmp_path)  # the first run validates
    assert "jsonschema" not in _imported(tmp_path)  # later runs take the validated rule from the cache
    write(tmp_path / "policies", "ORG101-bf16-only.yaml", RULE.replace("severity: error", "severity: warning"))
    assert "jsonschema" in _imported(tmp_path)  # an edited file is validated again


def test_a_broken_cache_is_ignored(tmp_path: Path) -> None:
    import os

    project(tmp_path)
    lint_paths([str(tmp_path / "train.yaml")], LintOptions())
    cache = next((Path(os.environ["XDG_CACHE_HOME"]) / "shardlint").glob("project-rules-*.json"))
    cache.write_text("{not json", encoding="utf-8")
    assert "ORG101" in codes(tmp_path)


def test_a_project_without_rule_paths_loads_nothing_of_them(tmp_path: Path) -> None:
    write(tmp_path, "train.yaml", CONFIG)
    assert not {"shardlint.engine.rule_cache", "shardlint.engine.examples"} & _imported(tmp_path)


def test_sarif_links_a_project_rule_to_its_own_rule_file(tmp_path: Path) -> None:
    project(tmp_path)
    proc = run_shardlint("check", "--format", "sarif", "train.yaml", cwd=tmp_path)
    rules = {r["id"]: r for r in json.loads(proc.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["ORG101"]["helpUri"] == (tmp_path / "policies" / "ORG101-bf16-only.yaml").resolve().as_uri()

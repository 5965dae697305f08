"""Output formats beside JSON: SARIF, GitHub, JUnit shape, positions, escaping; the text frame; --output-file."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from shardlint.lint import lint_paths
from shardlint.options import LintOptions
from shardlint.reporters import renderer
from shardlint.reporters.github_format import escape_data, escape_property
from shardlint.settings.model import Settings
from shardlint.settings.selectors import SelectionLayer
from tests.conftest import run_shardlint, write

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
# a non-ASCII comment before the finding checks the UTF-16 columns; line 1 holds an unused suppression
UNUSED_AND_DUPLICATE = ("distributed_type: FSDP  # shardlint: disable=DS100\n"
                        "fsdp_config:\n  fsdp_version: 2\n  \"\U0001F525\": 1\n  fsdp_version: 2\n")


# only the loader's and the suppressions' codes, so that new rules do not change these reports
ONLY_SL_SUP = ("--isolated", "--select", "SL,SUP")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(tmp_path, "configs/accelerate.yaml", UNUSED_AND_DUPLICATE)
    write(tmp_path, "configs/ds_config.json", '{"train_batch_size": 8,\n "zero_optimization": {"stage": 2\n')
    write(tmp_path, "configs/clean.yaml", "distributed_type: FSDP\nfsdp_config:\n  fsdp_version: 2\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _render(fmt: str, path: str = "configs") -> str:
    """What ``check --isolated --select SL,SUP --format FMT`` prints, rendered in this process."""
    only = Settings(selection=SelectionLayer(select=("SL", "SUP")))
    return renderer(fmt)(lint_paths([path], LintOptions(given=only, isolated=True)))


def test_sarif_is_valid_and_complete(project: Path) -> None:
    log = json.loads(_render("sarif"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert {"SL001", "SL002", "SUP001"} <= set(ids)
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"]
        assert rule["helpUri"].endswith(f"/docs/rules/{rule['id']}.md")
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.as_uri() + "/"
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert sorted(by_rule) == ["SL001", "SL002", "SUP001"]
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]

    dup = by_rule["SL002"]
    assert dup["level"] == "warning"
    location = dup["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "configs/accelerate.yaml", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 5, "startColumn": 3, "endLine": 5, "endColumn": 15}

    syntax = by_rule["SL001"]
    assert syntax["level"] == "error"
    assert syntax["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "configs/ds_config.json"

    (fix,) = by_rule["SUP001"]["fixes"]
    (change,) = fix["artifactChanges"]
    (replacement,) = change["replacements"]
    assert replacement["deletedRegion"] == {"startLine": 1, "startColumn": 23, "endLine": 1, "endColumn": 51}
    assert replacement["insertedContent"]["text"] == ""


def test_sarif_columns_count_utf16_units(project: Path) -> None:
    write(project, "a.yaml", "distributed_type: FSDP\nfsdp_config: {\"\U0001F525\": 1, fsdp_version: 2, fsdp_version: 2}\n")
    log = json.loads(_render("sarif", "a.yaml"))
    (result,) = log["runs"][0]["results"]
    # '{"🔥": 1, ' is 10 code points but 11 UTF-16 units before the duplicate key
    assert result["locations"][0]["physicalLocation"]["region"]["startColumn"] == len('fsdp_config: {"') + 2 + len('": 1, fsdp_version: 2, ') + 1


def test_sarif_marks_a_path_that_could_not_be_read(project: Path) -> None:
    log = json.loads(_render("sarif", "configs/missing.yaml"))
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(log)
    (run,) = log["runs"]
    assert run["invocations"] == [{"executionSuccessful": False}]
    assert [r["ruleId"] for r in run["results"]] == ["SL008"]


def test_sarif_with_nothing_found_is_still_valid(project: Path) -> None:
    log = json.loads(_render("sarif", "configs/clean.yaml"))
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(log)
    assert log["runs"][0]["results"] == []


_ANNOTATION = re.compile(r"::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),endLine=(\d+),"
                         r"endColumn=(\d+),title=([A-Z]+\d{3})::(.*)")


def test_github_annotations(project: Path) -> None:
    lines = _render("github").splitlines()
    parsed = [_ANNOTATION.fullmatch(line) for line in lines]
    assert all(parsed), lines
    rows = [(m[1], m[2], m[3], m[4], m[7]) for m in parsed if m]
    assert rows == [
        ("warning", "configs/accelerate.yaml", "1", "25", "SUP001"),
        ("warning", "configs/accelerate.yaml", "5", "3", "SL002"),
        ("error", "configs/ds_config.json", "3", "1", "SL001"),
    ]
    message = parsed[1][8]
    assert message.startswith("duplicate key 'fsdp_version'")
    assert message.endswith("%0Ahttps://github.com/shardlint/shardlint/blob/main/docs/rules/SL002.md")
    assert "\n" not in message


def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_property("dir,with:colon%/a.yaml") == "dir%2Cwith%3Acolon%25/a.yaml"


def test_github_info_is_a_notice(project: Path) -> None:
    write(project, "notes.yaml", "name: not a training config\n")
    shown = _render("github", "notes.yaml")
    assert shown.startswith("::notice file=notes.yaml,line=1,col=1,") and ",title=SL009::" in shown


def test_junit(project: Path) -> None:
    root = ET.fromstring(_render("junit"))
    assert root.tag == "testsuites" and root.get("tests") == "4" and root.get("failures") == "3"
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"configs/accelerate.yaml", "configs/clean.yaml", "configs/ds_config.json"}
    clean = suites["configs/clean.yaml"]
    assert clean.get("failures") == "0" and clean.find("testcase/failure") is None
    failures = suites["configs/accelerate.yaml"].findall("testcase/failure")
    assert [f.get("type") for f in failures] == ["warning", "warning"]
    assert failures[1].text.startswith("configs/accelerate.yaml:5:3: SL002 [warning] duplicate key")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_cli_writes_each_format_to_the_output_file(project: Path, fmt: str) -> None:
    done = run_shardlint("check", *ONLY_SL_SUP, "--format", fmt, "--output-file", "out/report", "configs",
                         cwd=project)
    assert done.returncode == 1 and done.stdout == "" and not done.stderr
    written, expected = (project / "out" / "report").read_text(encoding="utf-8"), _render(fmt)
    if fmt == "sarif":  # compare the findings; the rule list follows the rules installed at that moment
        written, expected = (json.loads(text)["runs"][0]["results"] for text in (written, expected))
    assert written == expected


def test_cli_prints_the_format_without_output_file(project: Path) -> None:
    done = run_shardlint("check", *ONLY_SL_SUP, "--format", "github", "configs", cwd=project)
    assert done.returncode == 1 and done.stdout == _render("github")


def test_output_file_that_cannot_be_written(project: Path) -> None:
    write(project, "blocker", "a file, not a folder")
    done = run_shardlint("check", *ONLY_SL_SUP, "-o", "blocker/report.sarif", "configs", cwd=project)
    assert done.returncode == 2 and done.stderr.startswith("shardlint: error: --output-file:")
    assert "Traceback" not in done.stderr


def test_junit_stays_well_formed_with_control_characters_and_counts_columns_in_code_points(tmp_path: Path) -> None:
    write(tmp_path, "odd.yaml", 'distributed_type: FSDP\nnum_processes: 2\n"top\\x01": 1\n'
                                'fsdp_config: {"\U0001F525": 1, "k\\x02": 2}\n')
    done = run_shardlint("check", "--isolated", "--select", "ACC001,ACC002", "--format", "junit", "odd.yaml",
                         cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    failures = ET.fromstring(done.stdout).findall("testsuite/testcase/failure")  # raises if not well-formed
    assert [f.get("message").split(" at ")[0].split(" in ")[0] for f in failures] == [
        "unknown key `top\\u0001`", "unknown key `\U0001F525`", "unknown key `k\\u0002`"]
    # columns as the text format shows them: code points, so the emoji counts once
    assert [f.text.split(": ACC")[0] for f in failures] == ["odd.yaml:3:1", "odd.yaml:4:15", "odd.yaml:4:23"]


def test_sarif_with_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    write(tmp_path, os.fsdecode(b"b\xffd.yaml"), "distributed_type: FSDP\nmixed_precision: no\n")
    done = run_shardlint("check", "--isolated", "--format", "sarif", ".", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    results = json.loads(done.stdout)["runs"][0]["results"]
    assert results and {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {
        "b%FFd.yaml"}


def test_text_frame_shows_control_characters_of_the_file_as_replacement_characters(tmp_path: Path) -> None:
    write(tmp_path, "esc.json", '{"train_batch_size": 1, "x\x1b[2J": 2}')
    done = run_shardlint("check", "--isolated", "--color", "never", "esc.json", cwd=tmp_path)
    assert done.returncode == 1 and "\x1b" not in done.stdout
    frame = done.stdout.splitlines()[2:4]
    assert frame == [' 1 | {"train_batch_size": 1, "x\ufffd[2J": 2}', "   |                           ^"]

"""Rule evaluation details: versions, messages, fixes, wildcards, supersedes, docs URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from shardlint.diagnostics import DOCS_BASE, Diagnostic, Position, Range, Severity
from shardlint.engine import drop_superseded
from shardlint.engine.messages import TemplateError, compile_template
from shardlint.engine.rules import RuleError, compile_rule
from shardlint.engine.versions import VersionError, parse_version, satisfies, target_versions

BASE = {"severity": "warning", "applies-to": ["accelerate"], "check": "declarative", "summary": "a test rule"}


def rule(**fields):
    return compile_rule({"id": "FSDP199", "name": "test-rule", **BASE, **fields})


def test_versions() -> None:
    assert parse_version("1.6") == (1, 6, 0)
    assert parse_version("v0.15.4") == (0, 15, 4)
    assert satisfies((1, 6, 0), ">=1.6,<1.10")
    assert not satisfies((1, 10, 0), ">=1.6,<1.10")
    assert target_versions({"accelerate": "0.24"})["accelerate"] == (0, 24, 0)
    assert target_versions(None)["deepspeed"] == (0, 19, 8)
    with pytest.raises(VersionError):
        parse_version("latest")


def test_rule_runs_only_for_its_versions_and_kind(context) -> None:
    r = rule(when={"path": "distributed_type", "exists": True}, at="distributed_type", message="found it",
             versions={"accelerate": ">=1.6"})
    assert r.applies(context("distributed_type: FSDP\n"))
    assert not r.applies(context("distributed_type: FSDP\n", target={"accelerate": "1.5"}))
    assert not r.applies(context('{"zero_optimization": {}}', name="ds.json"))


def test_message_placeholders(context) -> None:
    r = rule(when={"path": "fsdp_config.fsdp_sharding_strategy", "exists": True},
             at="fsdp_config.fsdp_sharding_strategy",
             message="{path}={value} key {key}, fsdp {fsdp-version}, {effective:fsdp_config.fsdp_use_orig_params}, "
                     "{path:num_processes}, {linked:a} {{literal}}")
    ctx = context("distributed_type: FSDP\nnum_processes: 4\nfsdp_config:\n  sharding_strategy: 2\n")
    [d] = r.evaluate(ctx)
    assert d.message == "fsdp_config.sharding_strategy=2 key sharding_strategy, fsdp 1, true, 4, null {literal}"
    assert d.path == "fsdp_config.sharding_strategy"
    assert (d.range.start.line, d.range.start.character) == (3, 2)
    assert d.docs_url == f"{DOCS_BASE}FSDP199.md" and d.severity == Severity.WARNING


def test_unknown_placeholder_fails_at_load() -> None:
    with pytest.raises(TemplateError, match="unknown placeholder"):
        compile_template("{nope}")


def test_at_falls_back_to_the_nearest_present_ancestor(context) -> None:
    r = rule(when={"effective": "fsdp_config.fsdp_sync_module_states", "truthy": True},
             at=["fsdp_config.fsdp_sync_module_states", "fsdp_config.fsdp_version"], message="sync is on")
    [d] = r.evaluate(context("distributed_type: FSDP\nfsdp_config:\n  fsdp_offload_params: true\n"))
    assert d.range.start.line == 1  # the fsdp_config key


def test_wildcard_at_fires_once_per_match(context) -> None:
    r = rule(when={"path": "deepspeed_config.offload_*_device", "equals": "nvme"},
             at="deepspeed_config.offload_*_device", message="{key} is {value}")
    text = ("distributed_type: DEEPSPEED\ndeepspeed_config:\n  offload_param_device: nvme\n"
            "  zero_stage: 3\n  offload_optimizer_device: NVMe\n  offload_other_device: NVMe\n")
    found = r.evaluate(context(text))
    # each match is normalised as its own key: the launcher lower-cases the two real devices only
    assert [(d.range.start.line, d.message) for d in found] == [(2, "offload_param_device is nvme"),
                                                                 (4, "offload_optimizer_device is NVMe")]


def test_fix_uses_the_key_as_written(context) -> None:
    pytest.importorskip("shardlint.fixes.edits")
    from shardlint.fixes.splice import apply_edits

    r = rule(when={"path": "fsdp_config.fsdp_sync_module_states", "truthy": False},
             at="fsdp_config.fsdp_sync_module_states", message="sync is off",
             fix={"title": "Turn {key} on", "safety": "safe", "set": {"fsdp_config.fsdp_sync_module_states": True}})
    text = "distributed_type: FSDP\nfsdp_config:\n  sync_module_states: off  # keep\n"
    [d] = r.evaluate(context(text))
    [fix] = d.fixes
    assert fix.title == "Turn sync_module_states on" and fix.safety == "safe"
    fixed = apply_edits(text, list(fix.edits)).splitlines()
    assert fixed[:2] == text.splitlines()[:2]
    assert fixed[2].startswith("  sync_module_states: true") and fixed[2].endswith("# keep")


def test_supersedes_drops_schema_findings_at_the_same_path() -> None:
    at = Range(Position(0, 0), Position(0, 1))
    schema = [Diagnostic("ACC010", Severity.ERROR, "bad type", at, "mixed_precision"),
              Diagnostic("ACC010", Severity.ERROR, "bad type", at, "num_processes"),
              Diagnostic("ACC011", Severity.ERROR, "bad enum", at, "mixed_precision")]
    kept = drop_superseded(schema, {("ACC010", "mixed_precision")})
    assert [(d.code, d.path) for d in kept] == [("ACC010", "num_processes"), ("ACC011", "mixed_precision")]


def test_supersedes_in_the_pipeline(tmp_path: Path) -> None:
    """FSDP105 replaces the schema's unknown-key finding (ACC002) at its own key, not elsewhere."""
    from shardlint.lint import lint_paths
    from shardlint.options import LintOptions

    path = tmp_path / "a.yaml"
    path.write_text("distributed_type: FSDP\nnum_processes: 2\nfsdp_config:\n  fsdp_offload_optimizer: true\n"
                    "  fsdp_no_such_key: 1\n", encoding="utf-8")
    found = {(d.code, d.path) for d in lint_paths([str(path)], LintOptions(isolated=True)).files[0].diagnostics}
    assert ("FSDP105", "fsdp_config.fsdp_offload_optimizer") in found
    assert ("ACC002", "fsdp_config.fsdp_offload_optimizer") not in found
    assert ("ACC002", "fsdp_config.fsdp_no_such_key") in found


def test_a_fix_of_two_operations_chains_them(context) -> None:
    """Removing the section's only key and adding another both edit the same line: the second
    operation sees the text the first one left, so the edits never conflict."""
    pytest.importorskip("shardlint.fixes.edits")
    import yaml

    from shardlint.fixes.splice import apply_edits

    r = rule(when={"path": "fsdp_config.fsdp_sharding_strategy", "exists": True},
             at="fsdp_config.fsdp_sharding_strategy", message="FSDP2 ignores it",
             fix={"title": "Use reshard_after_forward", "safety": "unsafe",
                  "set": {"fsdp_config.fsdp_reshard_after_forward": False},
                  "remove": ["fsdp_config.fsdp_sharding_strategy"]})
    text = "distributed_type: FSDP  # two steps\nfsdp_config:\n  sharding_strategy: SHARD_GRAD_OP\nnum_processes: 2\n"
    [d] = r.evaluate(context(text))
    [fix] = d.fixes
    fixed = apply_edits(text, list(fix.edits))
    assert yaml.safe_load(fixed) == {"distributed_type": "FSDP", "num_processes": 2,
                                     "fsdp_config": {"fsdp_reshard_after_forward": False}}
    assert fixed.startswith("distributed_type: FSDP  # two steps\n")


@pytest.mark.parametrize(("value", "expected"), [("1e8", "100000000"), ("1.0e+8", "100000000"),
                                                 ("'1.5E3'", "1500"), ("100M", None), ("1.5", None)])
def test_a_computed_fix_writes_the_value_or_nothing(context, value: str, expected: str | None) -> None:
    pytest.importorskip("shardlint.fixes.edits")
    from shardlint.fixes.splice import apply_edits

    r = rule(when={"path": "fsdp_config.fsdp_min_num_params", "exists": True},
             at="fsdp_config.fsdp_min_num_params", message="not an integer",
             fix={"title": "Write it out", "safety": "safe",
                  "compute": {"fsdp_config.fsdp_min_num_params": "whole-number"}})
    text = f"fsdp_config:\n  min_num_params: {value}  # keep\n"
    [d] = r.evaluate(context(text))
    if expected is None:
        assert d.fixes == []
    else:
        assert apply_edits(text, list(d.fixes[0].edits)) == f"fsdp_config:\n  min_num_params: {expected}  # keep\n"


@pytest.mark.parametrize(("fields", "problem"), [
    ({"when": {"path": "a", "exists": True}, "at": "a", "message": "something",
      "fix": {"title": "do it", "safety": "safe", "compute": {"a": "nope"}}}, "unknown function"),
    ({"at": "a", "message": "something"}, "needs 'when'"),
    ({"when": {"path": "a", "exists": True}, "at": ["a.*", "b"], "message": "something"}, "single path"),
    ({"when": {"path": "a", "exists": True}, "at": "a", "message": "something", "versions": {"accelerate": "1.6"}},
     "bad version range"),
    ({"when": {"path": "a", "exists": True}, "at": "a", "message": "x",
      "fix": {"title": "do it", "safety": "safe"}}, "at least one of"),
])
def test_rule_compile_errors(fields: dict, problem: str) -> None:
    with pytest.raises(RuleError, match=problem):
        rule(**fields)

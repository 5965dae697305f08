"""What the engine does to evaluate rules fast gives the findings of the plain definition: every target
of ``at`` for which ``when`` holds.

The shortcuts (remembered atoms shared across rules, conjuncts tested once per rule, targets dropped
on their own value, rules skipped by their keys) are checked on every example of every rule and on
files with the keys that make a lookup differ from a walk: integers, booleans, nulls and glob
characters as keys, values in lists, and Accelerate's prefix aliases.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from shardlint.document import format_path
from shardlint.engine import evaluate, paths
from shardlint.engine.context import Context
from shardlint.engine.predicates import compile_predicate
from shardlint.engine.registry import load_ruleset, rule_files
from shardlint.engine.rules import Rule
from shardlint.kinds import detect_kind
from shardlint.loading.reader import read_document
from shardlint.options import FileOptions

ODD_KEYS_YAML = """\
train_micro_batch_size_per_gpu: auto
gradient_accumulation_steps: auto
zero_optimization:
  stage: 3
  1: auto
  true: auto
  1.5: auto
  null: auto
  "*": 5
  "offload_[x]": {device: 1}
  offload_param: {device: auto, nvme_path: auto, 0: auto}
  offload_optimizer: {device: nvme, nvme_path: auto}
  stage3_prefetch_bucket_size: auto
  stage3_max_live_parameters: 100
optimizer:
  type: AdamW
  params: {lr: auto, betas: auto, 2: auto}
list: [auto, {a: auto, 0: auto}, [auto]]
bf16: {enabled: auto}
fp16_master_weights_and_grads: true
bf16_master_weights_and_grads: auto
"""
ODD_KEYS_JSON = """\
{"train_micro_batch_size_per_gpu": "auto", "zero_optimization": {"stage": 2, "stage3_max_live_parameters": "auto",
 "offload_param": {"device": "auto", "nvme_path": "auto"}, "weird*key": 4, "q?": {"x[1]": 3}},
 "optimizer": {"type": "AdamW", "params": {"lr": "auto", "eps": [1, "auto"]}}, "fp16": {"enabled": "auto"},
 "list": [{"a": "auto"}, "auto", ["auto"]], "wall_clock_breakdown": "auto"}
"""
ALIASES_YAML = """\
distributed_type: FSDP
num_processes: 2
mixed_precision: bf16
fsdp_config:
  version: 1
  fsdp_version: 2
  sharding_strategy: 1
  fsdp_offload_params: true
  offload_params: false
  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP
  1: x
  "*": 1
"""


CONFIG_SUFFIXES = (".yaml", ".yml", ".json")


def _documents() -> list[Any]:
    params = [pytest.param(ODD_KEYS_YAML, "ds_config.yaml", "deepspeed", id="odd-keys-yaml"),
              pytest.param(ODD_KEYS_JSON, "ds_config.json", None, id="odd-keys-json"),
              pytest.param(ALIASES_YAML, "config.yaml", None, id="aliases")]
    for path in rule_files():
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, example in enumerate(spec.get("examples") or []):
            text = example.get("bad", example.get("good"))
            if not example.get("filename", "config.yaml").endswith(CONFIG_SUFFIXES):
                continue  # launch scripts and Markdown: not the rule engine's documents
            params.append(pytest.param(text, example.get("filename", "config.yaml"), None, id=f"{spec['id']}-{i}"))
    return params


def _plainly(rule: Rule, ctx: Context) -> list[str]:
    """The paths where ``rule`` fires, by its definition alone."""
    first = rule.at[0]
    if paths.has_wildcards(first):
        targets = list(paths.matches(ctx.doc.data, first, ctx.aliases))
    else:
        found = next((hit for hit in map(ctx.raw, rule.at) if hit[0]), None)
        targets = [(found[2], found[1], ())] if found else [(first, None, ())]
    assert rule.when is not None
    return [format_path(actual) for actual, _, bindings in targets if rule.when(Context(ctx.doc, ctx.options), bindings)]


@pytest.mark.parametrize(("text", "name", "kind"), _documents())
@pytest.mark.parametrize("runner", ["trainer", "deepspeed"])
def test_findings_are_those_of_the_definition(text: str, name: str, kind: str | None, runner: str,
                                              tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = read_document(path, name)
    doc.kind = kind or detect_kind(doc)
    if doc.kind is None or not isinstance(doc.data, dict):
        pytest.skip("not a config")
    options = FileOptions(deepspeed_runner=runner)
    ctx = Context(doc, options)
    rules = load_ruleset().by_kind.get(doc.kind, [])
    expected = []
    for rule in rules:
        rule.ready()
        if rule.applies(ctx):
            expected += [(rule.id, where) for where in _plainly(rule, ctx)]
    declarative = {rule.id for rule in rules}  # not the linked file's own findings
    assert [(d.code, d.path) for d in evaluate(doc, options).diagnostics if d.code in declarative] == expected


def test_an_atom_written_in_several_rules_is_compiled_once() -> None:
    atom = {"path": "*.**", "equals": "auto"}
    assert compile_predicate(dict(atom)) is compile_predicate(dict(atom))
    assert compile_predicate(dict(atom)) is not compile_predicate({"path": "*.**", "equals": "AUTO"})

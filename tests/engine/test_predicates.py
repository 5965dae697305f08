"""The predicate language, evaluated on real documents."""

from __future__ import annotations

import pytest

from shardlint.engine.predicates import PredicateError, compile_predicate

FSDP = """distributed_type: FSDP
num_processes: 2
mixed_precision: BF16
fsdp_config:
  sharding_strategy: 1
  fsdp_offload_params: 'yes'
  fsdp_min_num_params: 1e8
  fsdp_transformer_layer_cls_to_wrap: LlamaDecoderLayer,MistralDecoderLayer
"""


@pytest.mark.parametrize(("spec", "expected"), [
    ({"path": "distributed_type", "equals": "FSDP"}, True),
    ({"path": "distributed_type", "equals": "fsdp"}, False),  # Accelerate compares it case-sensitively
    ({"path": "fsdp_config.fsdp_sharding_strategy", "equals": "FULL_SHARD"}, True),
    ({"path": "fsdp_config.fsdp_sharding_strategy", "equals": 1}, True),
    ({"path": "fsdp_config.fsdp_sharding_strategy", "equals": 1, "as": "raw"}, True),
    ({"path": "fsdp_config.fsdp_sharding_strategy", "equals": "FULL_SHARD", "as": "raw"}, False),
    ({"path": "fsdp_config.fsdp_offload_params", "equals": True}, True),
    ({"path": "fsdp_config.fsdp_offload_params", "truthy": True}, True),
    ({"path": "mixed_precision", "in": ["bf16", "fp16"]}, True),
    ({"path": "mixed_precision", "not-in": ["bf16", "fp16"]}, False),
    ({"path": "fsdp_config.fsdp_min_num_params", "type": "string"}, True),  # 1e8 is a YAML string
    ({"path": "fsdp_config.fsdp_min_num_params", "gt": 0}, False),
    ({"path": "num_processes", "gte": 2}, True),
    ({"path": "num_processes", "lt": 2}, False),
    ({"path": "fsdp_config.fsdp_transformer_layer_cls_to_wrap", "matches": ",\\s*Mistral"}, True),
    ({"path": "fsdp_config.fsdp_use_orig_params", "exists": False}, True),
    ({"path": "fsdp_config.fsdp_use_orig_params", "truthy": False}, False),  # absent: no value to test
    ({"effective": "fsdp_config.fsdp_use_orig_params", "truthy": True}, True),  # launch default
    ({"effective": "fsdp_config.fsdp_use_orig_params", "exists": True}, True),
    ({"fact": "fsdp-version", "equals": 1}, True),
    ({"fact": "linked-file", "exists": False}, True),
    ({"path": "fsdp_config.*", "equals": "LlamaDecoderLayer,MistralDecoderLayer"}, True),
    ({"key": "fsdp_config.*shard*", "equals": "fsdp_sharding_strategy"}, True),
    ({"path": "fsdp_config", "schema": {"type": "object", "required": ["fsdp_offload_params"]}}, True),
    ({"path": "num_processes", "schema": {"type": "integer", "minimum": 3}}, False),
    ({"all": [{"path": "num_processes", "equals": 2}, {"fact": "torch-compile", "equals": False}]}, True),
    ({"any": [{"path": "num_processes", "equals": 3}, {"path": "use_cpu", "exists": True}]}, False),
    ({"not": {"path": "num_processes", "equals": 3}}, True),
])
def test_atoms_and_combinators(context, spec: dict, expected: bool) -> None:
    assert compile_predicate(spec)(context(FSDP), ()) is expected


RESHARD = """distributed_type: FSDP
num_processes: 8
fsdp_config:
  reshard_after_forward: false
  fsdp_sharding_strategy: 2
  fsdp_min_num_params: 1.0e+8
parallelism_config:
  parallelism_config_tp_size: '8'
"""


@pytest.mark.parametrize(("spec", "expected"), [
    # each side is read as its own key is read: 2 is SHARD_GRAD_OP
    ({"path": "fsdp_config.fsdp_reshard_after_forward", "as": "reshard-strategy",
      "equals-path": "fsdp_config.fsdp_sharding_strategy"}, True),
    ({"path": "fsdp_config.fsdp_reshard_after_forward", "equals-path": "fsdp_config.fsdp_sharding_strategy"}, False),
    ({"path": "fsdp_config.fsdp_reshard_after_forward", "as": "reshard-strategy",
      "equals-effective": "fsdp_config.fsdp_sharding_strategy"}, True),
    ({"path": "fsdp_config.fsdp_offload_params", "equals-effective": "fsdp_config.fsdp_forward_prefetch"}, False),
    ({"effective": "fsdp_config.fsdp_offload_params", "equals-effective": "fsdp_config.fsdp_forward_prefetch"}, True),
    ({"path": "num_processes", "equals-path": "fsdp_config.fsdp_use_orig_params"}, False),  # other side absent
    ({"path": "num_processes", "equals-path": "parallelism_config.parallelism_config_tp_size"}, True),  # '8' is 8
    ({"fact": "parallelism-total-size", "equals-path": "num_processes"}, True),
    ({"path": "fsdp_config.fsdp_min_num_params", "as": "raw", "type": "integer"}, True),  # as JSON Schema counts
    ({"path": "fsdp_config.fsdp_min_num_params", "as": "raw", "type": "float"}, True),  # int("100000000.0") fails
    ({"path": "num_processes", "type": "float"}, False),
])
def test_comparing_keys_and_float_spellings(context, spec: dict, expected: bool) -> None:
    assert compile_predicate(spec)(context(RESHARD), ()) is expected


def test_linked_values(context) -> None:
    ctx = context("distributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: ds.json\n",
                  files={"ds.json": '{"zero_optimization": {"stage": 3}, "bf16": {"enabled": "auto"}}'})
    assert compile_predicate({"linked": "zero_optimization.stage", "equals": 3})(ctx, ())
    assert compile_predicate({"linked": "bf16.enabled", "equals": "auto"})(ctx, ())
    assert not compile_predicate({"linked": "fp16", "exists": True})(ctx, ())


@pytest.mark.parametrize(("spec", "problem"), [
    ({}, "non-empty mapping"),
    ({"path": "a"}, "needs a test"),
    ({"path": "a", "fact": "zero-stage", "exists": True}, "exactly one of"),
    ({"fact": "nope", "exists": True}, "unknown fact"),
    ({"path": "a", "exists": "yes"}, "exists expects true or false"),
    ({"path": "a", "matches": "("}, "bad regular expression"),
    ({"path": "a", "gt": "3"}, "expects a number"),
    ({"path": "a", "type": "str"}, "type expects"),
    ({"path": "a", "equals": 1, "as": "nope"}, "unknown 'as'"),
    ({"all": []}, "non-empty list"),
    ({"all": [{"path": "a", "exists": True}], "path": "b"}, "stand alone"),
    ({"path": "a", "bogus": 1}, "unknown predicate key"),
    ({"path": "a", "schema": {"anyOf": [{"format": "uri"}]}}, r"schema keyword\(s\) format are not supported"),
    ({"path": "a", "equals-path": "b.*"}, "without wildcards"),
])
def test_compile_errors_name_the_problem(spec: dict, problem: str) -> None:
    with pytest.raises(PredicateError, match=problem):
        compile_predicate(spec)

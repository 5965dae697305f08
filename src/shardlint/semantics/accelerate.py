"""Accelerate's settings as it reads them from a config YAML under ``accelerate launch``.

One record per key (canonical path, after the ``fsdp_`` prefix is applied):

- ``normaliser``: how the launcher and the plugin turn the written value into the one they use
  (a name of ``shardlint.engine.values.NORMALISERS``: ``str_to_bool``, ``int()``, enums with
  integer aliases, case rules);
- ``default``: what an absent key means, per Accelerate version: the launch flag's default where
  it has one, else what the launcher or the plugin fills (reference accelerate.md section 2,
  "effective default via launch"; section 6 for the versions they changed in). A default that
  depends on another setting is a :class:`ByFact`.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Union

from shardlint.engine.versions import Version, parse_version


class ByFact(NamedTuple):
    """A default that depends on another setting: ``cases[value of fact]``, else ``otherwise``."""

    fact: str  # a fact name of shardlint.engine.facts (distributed-type, fsdp-version, zero-stage)
    cases: dict[Any, Any]
    otherwise: Any

    def resolve(self, fact_value: Callable[[str], Any]) -> Any:
        return self.cases.get(fact_value(self.fact), self.otherwise)


Default = Union[Any, ByFact]
# (first accelerate version, value) pairs, newest last; a key absent before its first version has no default
History = tuple[tuple[str, Default], ...]


class Setting(NamedTuple):
    path: tuple[str, ...]
    normaliser: str | None = None
    default: History = ()


def _settings(*records: Setting) -> dict[tuple[str, ...], Setting]:
    return {record.path: record for record in records}


_FSDP, _DS, _DYNAMO = "fsdp_config", "deepspeed_config", "dynamo_config"

SETTINGS: dict[tuple[str, ...], Setting] = _settings(
    Setting(("compute_environment",), None, (("0.0", "LOCAL_MACHINE"),)),
    Setting(("mixed_precision",), "mixed-precision", (("0.0", "no"),)),
    Setting(("num_processes",), "int", (("0.0", ByFact("distributed-type", {"NO": 1}, -1)),)),
    Setting(("num_machines",), "int", (("0.0", 1),)),
    Setting(("machine_rank",), "int", (("0.0", 0),)),
    Setting(("use_cpu",), "bool", (("0.0", False),)),
    Setting((_FSDP, "fsdp_version"), "int", (("1.6.0", 1),)),
    Setting((_FSDP, "fsdp_sharding_strategy"), "sharding-strategy", (("0.0", "FULL_SHARD"),)),
    Setting((_FSDP, "fsdp_reshard_after_forward"), "reshard-after-forward", (("1.6.0", True),)),
    Setting((_FSDP, "fsdp_offload_params"), "bool", (("0.0", False),)),
    Setting((_FSDP, "fsdp_auto_wrap_policy"), "auto-wrap-policy", (("0.0", "NO_WRAP"),)),
    Setting((_FSDP, "fsdp_min_num_params"), "int", (("0.12.0", 100_000_000),)),
    Setting((_FSDP, "fsdp_backward_prefetch"), "backward-prefetch", (("0.0", "NO_PREFETCH"),)),
    Setting((_FSDP, "fsdp_state_dict_type"), "state-dict-type",
            (("0.0", ByFact("fsdp-version", {2: "SHARDED_STATE_DICT"}, "FULL_STATE_DICT")),)),
    Setting((_FSDP, "fsdp_forward_prefetch"), "bool", (("0.21.0", False),)),
    Setting((_FSDP, "fsdp_use_orig_params"), "bool", (("0.21.0", False), ("0.25.0", True))),
    Setting((_FSDP, "fsdp_cpu_ram_efficient_loading"), "bool", (("0.24.0", True),)),
    Setting((_FSDP, "fsdp_sync_module_states"), "bool", (("0.21.0", False), ("0.24.0", True))),
    Setting((_FSDP, "fsdp_activation_checkpointing"), "bool", (("0.0", False),)),
    Setting((_FSDP, "fsdp_activation_checkpointing_offload"), "bool", (("1.15.0", False),)),
    Setting((_DS, "zero_stage"), "int", (("0.0", 2),)),
    Setting((_DS, "offload_optimizer_device"), "lower", (("0.0", "none"),)),
    Setting((_DS, "offload_param_device"), "lower", (("0.0", "none"),)),
    Setting((_DS, "zero3_init_flag"), "bool", (("0.0", ByFact("zero-stage", {3: True}, False)),)),
    Setting((_DS, "zero3_save_16bit_model"), "true-string", (("0.0", False),)),
    Setting((_DS, "deepspeed_multinode_launcher"), None, (("0.0", "pdsh"),)),
    Setting((_DYNAMO, "dynamo_backend"), "upper", (("0.0", "NO"),)),
    # unset from 1.16.0: torch.compile's own default (dynamic shapes after the first recompilation)
    Setting((_DYNAMO, "dynamo_use_dynamic"), None, (("0.17.0", False), ("1.16.0", None))),
    *(Setting(("parallelism_config", f"parallelism_config_{dim}_size"), "int")
      for dim in ("dp_replicate", "dp_shard", "tp", "cp", "sp")),
)


def launch_default(path: tuple[Any, ...], version: Version | None,
                   fact_value: Callable[[str], Any]) -> tuple[bool, Any]:
    """(has a default, the default) of ``path`` under Accelerate ``version`` (``None``: the newest).

    ``fact_value`` answers the other settings a dependent default reads.
    """
    setting = SETTINGS.get(tuple(path))
    if setting is None or not setting.default:
        return False, None
    chosen: Any = None
    found = False
    for since, value in setting.default:
        if version is None or version >= parse_version(since):
            chosen, found = value, True
    if not found:
        return False, None
    return True, chosen.resolve(fact_value) if isinstance(chosen, ByFact) else chosen


def newest_default(*path: str, **facts: Any) -> Any:
    """The launch default of ``path`` under the newest Accelerate; ``facts`` (by fact name, ``-`` as
    ``_``) answer a dependent default."""
    return launch_default(path, None, lambda name: facts[name.replace("-", "_")])[1]


# accelerate/commands/to_fsdp2.py (ARGUMENT_VALUE_MAPPING): the FSDP2 ``reshard_after_forward`` each
# FSDP1 strategy becomes
FSDP2_RESHARD_AFTER_FORWARD = {"FULL_SHARD": True, "SHARD_GRAD_OP": False, "NO_SHARD": False,
                               "HYBRID_SHARD": True, "HYBRID_SHARD_ZERO2": False}

_FSDP1_VS_FSDP2 = "Accelerate's FSDP1 vs FSDP2 guide"
# fsdp_config keys FSDP2 ignores, which `accelerate to-fsdp2` drops (to_fsdp2.py ARGUMENT_KEY_MAPPING:
# REMOVED / NOT_YET_IMPLEMENTED), each with why FSDP2 does without it (reference T30,
# docs/source/concept_guides/fsdp1_vs_fsdp2.md; sync: reference A15, utils/launch.py)
FSDP1_ONLY: dict[str, str] = {
    "fsdp_backward_prefetch": f"FSDP2 always overlaps like BACKWARD_PRE ({_FSDP1_VS_FSDP2})",
    "fsdp_forward_prefetch": f"not implemented in FSDP2 ({_FSDP1_VS_FSDP2})",
    "fsdp_use_orig_params": f"FSDP2 always works on the original parameters ({_FSDP1_VS_FSDP2})",
    "fsdp_sync_module_states": f"redundant in FSDP2 ({_FSDP1_VS_FSDP2}); its launch default, true, keeps "
                               "accelerate launch's cpu_ram_efficient_loading check satisfied",
}
# old spellings no Accelerate reads any more: key -> the release that stopped reading it (reference section 6)
REMOVED = {"fsdp_backward_prefetch_policy": "1.0.0"}
# why a migration to FSDP2 drops each removed spelling (to-fsdp2 carries it over unread)
REMOVED_UNDER_FSDP2 = {"fsdp_backward_prefetch_policy": "the old spelling of fsdp_backward_prefetch, ignored since "
                                                        f"Accelerate 1.0; FSDP2 has no prefetch setting ({_FSDP1_VS_FSDP2})"}

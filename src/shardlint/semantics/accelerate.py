"""Accelerate's settings as it reads them from a config YAML under ``accelerate launch``.

One record per key (canonical path, after the ``fsdp_`` prefix is applied):

- ``normaliser``: how the launcher and the plugin turn the written value into the one they use
  (a name of ``shardlint.engine.values.NORMALISERS``: ``str_to_bool``, ``int()``, enums with
  integer aliases, case rules);
- ``default``: what an absent key means, per Accelerate version: the launch flag's default where
  it has one, else what the launcher or the plugin fills (reference accelerate.md section 2,
  "effective default via launch"; section 6 for the versions they changed in). A default that
  depends on another setting is a :class:`ByFact`;
- ``default_note``: where a default comes from when it is not the launch flag's own (the flag's
  default is None, or not a literal), or why a key has no default though its flag has one; a
  default without a note must equal the flag's default, which ``tests/knowledge`` checks against
  every packaged option table;
- ``deepspeed_json``: the DeepSpeed JSON key ``DeepSpeedPlugin`` fills from the setting where the
  JSON says ``"auto"`` (``plugin_to_config_mapping`` in ``DeepSpeedPlugin.__post_init__``); these
  are also the config-file fields ``_deepspeed_config_checks`` refuses beside a ``deepspeed_config_file``.

Which ``accelerate launch`` flag sets a setting, its spellings, argparse type and default, and the
variables the launcher exports it in come from the generated option tables, joined to these
records by ``shardlint.semantics.launch_flags``; nothing here repeats them.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Union

from shardlint.engine.versions import Version, parse_version

# torch enum order, as accelerate's constants list them (reference accelerate.md section 2)
SHARDING_STRATEGIES = ("FULL_SHARD", "SHARD_GRAD_OP", "NO_SHARD", "HYBRID_SHARD", "HYBRID_SHARD_ZERO2")
BACKWARD_PREFETCH = ("BACKWARD_PRE", "BACKWARD_POST", "NO_PREFETCH")
STATE_DICT_TYPES = ("FULL_STATE_DICT", "LOCAL_STATE_DICT", "SHARDED_STATE_DICT")
AUTO_WRAP_POLICIES = ("TRANSFORMER_BASED_WRAP", "SIZE_BASED_WRAP", "NO_WRAP")


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
    default_note: str | None = None
    deepspeed_json: tuple[str, ...] | None = None


def _settings(*records: Setting) -> dict[tuple[str, ...], Setting]:
    return {record.path: record for record in records}


_FSDP, _DS, _DYNAMO = "fsdp_config", "deepspeed_config", "dynamo_config"

_CONFIG_ARGS = "commands/config/config_args.py"
_VALIDATE = "commands/launch.py:_validate_launch_command"
_FSDP_PLUGIN = "utils/dataclasses.py:FullyShardedDataParallelPlugin"
_DS_PLUGIN = "utils/dataclasses.py:DeepSpeedPlugin"
_DS_ENV = "utils/launch.py:prepare_deepspeed_cmd_env"

SETTINGS: dict[tuple[str, ...], Setting] = _settings(
    Setting(("compute_environment",), None, (("0.0", "LOCAL_MACHINE"),), f"{_CONFIG_ARGS}:BaseConfig"),
    Setting(("mixed_precision",), "mixed-precision", (("0.0", "no"),),
            f"{_VALIDATE} ('no' when neither flag nor config sets it)"),
    Setting(("num_processes",), "int", (("0.0", ByFact("distributed-type", {"NO": 1}, -1)),),
            f"{_VALIDATE} (the device count without a config; 1 for NO)"),
    Setting(("num_machines",), "int", (("0.0", 1),), _VALIDATE),
    Setting(("machine_rank",), "int", (("0.0", 0),), _VALIDATE),
    Setting(("use_cpu",), "bool", (("0.0", False),), f"{_CONFIG_ARGS}:BaseConfig"),
    Setting((_FSDP, "fsdp_version"), "int", (("1.6.0", 1),)),
    Setting((_FSDP, "fsdp_sharding_strategy"), "sharding-strategy", (("0.0", "FULL_SHARD"),)),
    Setting((_FSDP, "fsdp_reshard_after_forward"), "reshard-after-forward", (("1.6.0", True),)),
    Setting((_FSDP, "fsdp_offload_params"), "bool", (("0.0", False),)),
    Setting((_FSDP, "fsdp_auto_wrap_policy"), "auto-wrap-policy", (("0.0", "NO_WRAP"),), _FSDP_PLUGIN),
    Setting((_FSDP, "fsdp_min_num_params"), "int", (("0.12.0", 100_000_000),),
            "commands/launch.py:launch_command_parser (int(1e8), not a literal)"),
    Setting((_FSDP, "fsdp_backward_prefetch"), "backward-prefetch", (("0.0", "NO_PREFETCH"),), _FSDP_PLUGIN),
    Setting((_FSDP, "fsdp_state_dict_type"), "state-dict-type",
            (("0.0", ByFact("fsdp-version", {2: "SHARDED_STATE_DICT"}, "FULL_STATE_DICT")),),
            f"{_FSDP_PLUGIN} (by FSDP version)"),
    Setting((_FSDP, "fsdp_forward_prefetch"), "bool", (("0.21.0", False),)),
    Setting((_FSDP, "fsdp_use_orig_params"), "bool", (("0.21.0", False), ("0.25.0", True))),
    Setting((_FSDP, "fsdp_cpu_ram_efficient_loading"), "bool", (("0.24.0", True),)),
    Setting((_FSDP, "fsdp_sync_module_states"), "bool", (("0.21.0", False), ("0.24.0", True))),
    Setting((_FSDP, "fsdp_activation_checkpointing"), "bool", (("0.0", False),)),
    Setting((_FSDP, "fsdp_activation_checkpointing_offload"), "bool", (("1.15.0", False),)),
    # DeepSpeedPlugin.__post_init__ plugin_to_config_mapping, in its order
    Setting((_DS, "gradient_accumulation_steps"), deepspeed_json=("gradient_accumulation_steps",)),
    Setting((_DS, "gradient_clipping"), deepspeed_json=("gradient_clipping",)),
    Setting((_DS, "zero_stage"), "int", (("0.0", 2),), f"{_DS_ENV} (2)", ("zero_optimization", "stage")),
    Setting((_DS, "offload_optimizer_device"), "lower", (("0.0", "none"),), f"{_DS_ENV} ('none')",
            ("zero_optimization", "offload_optimizer", "device")),
    Setting((_DS, "offload_param_device"), "lower", (("0.0", "none"),), f"{_DS_ENV} ('none')",
            ("zero_optimization", "offload_param", "device")),
    Setting((_DS, "offload_param_nvme_path"), deepspeed_json=("zero_optimization", "offload_param", "nvme_path")),
    Setting((_DS, "offload_optimizer_nvme_path"),
            deepspeed_json=("zero_optimization", "offload_optimizer", "nvme_path")),
    Setting((_DS, "zero3_save_16bit_model"), "true-string", (("0.0", False),), _DS_PLUGIN,
            ("zero_optimization", "stage3_gather_16bit_weights_on_model_save")),
    Setting((_DS, "zero3_init_flag"), "bool", (("0.0", ByFact("zero-stage", {3: True}, False)),),
            f"{_DS_PLUGIN} (by ZeRO stage)"),
    Setting((_DS, "deepspeed_multinode_launcher"), None, (("0.0", "pdsh"),), _DS_PLUGIN),
    Setting((_DYNAMO, "dynamo_backend"), "upper", (("0.0", "NO"),), "utils/launch.py:prepare_*_env ('no')"),
    # unset from 1.16.0: torch.compile's own default (dynamic shapes after the first recompilation)
    Setting((_DYNAMO, "dynamo_use_dynamic"), None, (("0.17.0", False), ("1.16.0", None))),
    # no default though the flags say 1: the sizes are exported only for a launch with a parallelism_config
    *(Setting(("parallelism_config", f"parallelism_config_{dim}_size"), "int",
              default_note="utils/launch.py:prepare_extend_env_parallelism_config, called only when "
                           "use_parallelism_config (a non-empty parallelism_config)")
      for dim in ("dp_replicate", "dp_shard", "tp", "cp", "sp")),
)


def record(path: tuple[str, ...]) -> Setting:
    """The record of a canonical key path: what the model knows of it, else a record with no normaliser or default."""
    return SETTINGS.get(path) or Setting(path)


def deepspeed_plugin_fills() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Setting path -> the DeepSpeed JSON key ``DeepSpeedPlugin`` fills from it where the JSON says "auto"."""
    return {path: s.deepspeed_json for path, s in SETTINGS.items() if s.deepspeed_json is not None}


def _numbered(names: tuple[str, ...], count: int) -> str:
    return f"a name in any case, or 1-{count} for {', '.join(names[:count])}"


def read_as(normaliser: str | None) -> str | None:
    """How the launcher and the plugin read a value the named normaliser stands for, in words."""
    notes = {
        "bool": "read with `str_to_bool`: true/false, yes/no, on/off, y/n, t/f, 1/0, in any case",
        "python-bool": "tested for Python truthiness: any non-empty string is true, `'false'` included",
        "int": "read with `int()`",
        "lower": "lower-cased before use",
        "upper": "upper-cased before use",
        "true-string": "true only when `str(value).lower() == 'true'`",
        "mixed-precision": "lower-cased; an unquoted YAML `no` (false) means `'no'`",
        "sharding-strategy": _numbered(SHARDING_STRATEGIES, 5),
        "backward-prefetch": _numbered(BACKWARD_PREFETCH, 2),
        "state-dict-type": _numbered(STATE_DICT_TYPES, 3),
        "auto-wrap-policy": "a name in any case",
        "reshard-after-forward": "FSDP2: a boolean read with `str_to_bool`; FSDP1: "
                                 + _numbered(SHARDING_STRATEGIES, 5),
        "reshard-strategy": "a sharding strategy, or FSDP2's boolean as the strategy it stands for",
    }
    return notes.get(normaliser) if normaliser else None


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


def key_in(section: dict[str, Any], name: str) -> str | None:
    """The spelling of ``name`` present in ``fsdp_config`` (Accelerate adds a missing ``fsdp_`` prefix)."""
    for candidate in (name, name.removeprefix("fsdp_")):
        if candidate in section:
            return candidate
    return None


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

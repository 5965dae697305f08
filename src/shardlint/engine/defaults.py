"""What Accelerate uses when a key is absent from the YAML.

Through ``accelerate launch`` the CLI flags' own defaults apply, and several of
them differ from the plugin defaults (reference accelerate.md section 2,
"effective default via launch"; section 6 for the versions they changed in).
DeepSpeed JSON keys absent from the file take DeepSpeed's own defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Union

from shardlint.engine.versions import parse_version

if TYPE_CHECKING:
    from shardlint.engine.context import Context

Default = Union[Any, Callable[["Context"], Any]]
# (first accelerate version, value) pairs, newest last; a key absent before its first version has no default
History = tuple[tuple[str, Default], ...]


def _fsdp_state_dict_type(ctx: Context) -> str:
    return "SHARDED_STATE_DICT" if ctx.fact("fsdp-version") == 2 else "FULL_STATE_DICT"


def _zero3_init_flag(ctx: Context) -> bool:
    return ctx.fact("zero-stage") == 3


def _num_processes(ctx: Context) -> int:
    return 1 if ctx.raw(("distributed_type",))[1] == "NO" else -1


ACCELERATE: dict[tuple[str, ...], History] = {
    ("compute_environment",): (("0.0", "LOCAL_MACHINE"),),
    ("mixed_precision",): (("0.0", "no"),),
    ("num_processes",): (("0.0", _num_processes),),
    ("num_machines",): (("0.0", 1),),
    ("machine_rank",): (("0.0", 0),),
    ("use_cpu",): (("0.0", False),),
    ("fsdp_config", "fsdp_version"): (("1.6.0", 1),),
    ("fsdp_config", "fsdp_sharding_strategy"): (("0.0", "FULL_SHARD"),),
    ("fsdp_config", "fsdp_reshard_after_forward"): (("1.6.0", True),),
    ("fsdp_config", "fsdp_offload_params"): (("0.0", False),),
    ("fsdp_config", "fsdp_auto_wrap_policy"): (("0.0", "NO_WRAP"),),
    ("fsdp_config", "fsdp_min_num_params"): (("0.12.0", 100_000_000),),
    ("fsdp_config", "fsdp_backward_prefetch"): (("0.0", "NO_PREFETCH"),),
    ("fsdp_config", "fsdp_state_dict_type"): (("0.0", _fsdp_state_dict_type),),
    ("fsdp_config", "fsdp_forward_prefetch"): (("0.21.0", False),),
    ("fsdp_config", "fsdp_use_orig_params"): (("0.21.0", False), ("0.25.0", True)),
    ("fsdp_config", "fsdp_cpu_ram_efficient_loading"): (("0.24.0", True),),
    ("fsdp_config", "fsdp_sync_module_states"): (("0.21.0", False), ("0.24.0", True)),
    ("fsdp_config", "fsdp_activation_checkpointing"): (("0.0", False),),
    ("fsdp_config", "fsdp_activation_checkpointing_offload"): (("1.15.0", False),),
    ("deepspeed_config", "zero_stage"): (("0.0", 2),),
    ("deepspeed_config", "offload_optimizer_device"): (("0.0", "none"),),
    ("deepspeed_config", "offload_param_device"): (("0.0", "none"),),
    ("deepspeed_config", "zero3_init_flag"): (("0.0", _zero3_init_flag),),
    ("deepspeed_config", "zero3_save_16bit_model"): (("0.0", False),),
    ("deepspeed_config", "deepspeed_multinode_launcher"): (("0.0", "pdsh"),),
    ("dynamo_config", "dynamo_backend"): (("0.0", "NO"),),
    # unset from 1.16.0: torch.compile's own default (dynamic shapes after the first recompilation)
    ("dynamo_config", "dynamo_use_dynamic"): (("0.17.0", False), ("1.16.0", None)),
}

# DeepSpeed's own defaults for a few keys rules compare (reference deepspeed.md section 1)
DEEPSPEED: dict[tuple[str, ...], Any] = {
    ("zero_optimization", "stage"): 0,
    ("fp16", "enabled"): False,
    ("bf16", "enabled"): False,
}


def launch_default(ctx: Context, path: tuple[Any, ...]) -> tuple[bool, Any]:
    if ctx.kind == "deepspeed":
        key = tuple(path)
        return (True, DEEPSPEED[key]) if key in DEEPSPEED else (False, None)
    history = ACCELERATE.get(tuple(path))
    if history is None:
        return False, None
    version = ctx.target["accelerate"]
    chosen: Any = None
    found = False
    for since, value in history:
        if version >= parse_version(since):
            chosen, found = value, True
    if not found:
        return False, None
    return True, chosen(ctx) if callable(chosen) else chosen

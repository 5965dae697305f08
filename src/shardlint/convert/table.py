"""The FSDP <-> DeepSpeed mapping, as data.

Every row cites where the equivalence comes from: the seed document
("Moving between FSDP and DeepSpeed", ``seed: <section>``), the reference notes
on Accelerate (``reference §N``, with the Accelerate file that does the work) or
Accelerate's own ``to-fsdp2`` converter.  The code in ``plan.py`` only looks
rows up; it holds no equivalence of its own.  Messages shown to users cite the seed as
"guide: <section>" (Accelerate's concept guide "Moving between FSDP and DeepSpeed").
"""

from __future__ import annotations

from dataclasses import dataclass

from shardlint.semantics.accelerate import FSDP2_RESHARD_AFTER_FORWARD

SEED_TABLE = "seed: Configuring Functionalities (table)"
REF_7 = "reference §7 FSDP <-> DeepSpeed mapping"
TO_FSDP2 = "accelerate: src/accelerate/commands/to_fsdp2.py (value map), reference §7"


@dataclass(frozen=True)
class Sharding:
    """One row of the sharding table: an FSDP strategy and its DeepSpeed ZeRO stage.

    ``*_note`` is set where the target only approximates the row; it says why.
    """

    name: str                     # stable id used in messages
    fsdp1: str                    # FSDP1 ``fsdp_sharding_strategy``
    zero_stage: int               # DeepSpeed ``zero_stage``
    sharded: str                  # what each rank holds only a shard of
    source: str
    fsdp1_note: str = ""
    fsdp2_note: str = ""
    deepspeed_note: str = ""

    @property
    def fsdp2(self) -> bool:
        """FSDP2 ``fsdp_reshard_after_forward``, as ``accelerate to-fsdp2`` maps the FSDP1 strategy."""
        return FSDP2_RESHARD_AFTER_FORWARD[self.fsdp1]


FULL_SHARD = Sharding(
    "FULL_SHARD", "FULL_SHARD", 3, "parameters, gradients and optimizer state",
    f"{SEED_TABLE}; {REF_7}")
SHARD_GRAD_OP = Sharding(
    "SHARD_GRAD_OP", "SHARD_GRAD_OP", 2, "gradients and optimizer state",
    f"{REF_7}; accelerate: docs/source/usage_guides/fsdp.md (mapping to ZeRO stages)")
NO_SHARD = Sharding(
    "NO_SHARD", "NO_SHARD", 0, "nothing (DDP-like)", f"{REF_7}; {TO_FSDP2}",
    fsdp2_note="FSDP2 has no unsharded mode; `accelerate to-fsdp2` maps NO_SHARD to "
               "fsdp_reshard_after_forward: false (plain DDP is distributed_type: MULTI_GPU)")
HYBRID_SHARD = Sharding(
    "HYBRID_SHARD", "HYBRID_SHARD", 3, "everything inside a node, replicated across nodes",
    REF_7,
    fsdp2_note="FSDP2 shards hybrid through parallelism_config (HSDP, Accelerate >= 1.10): set "
               "parallelism_config_dp_replicate_size = num_machines and "
               "parallelism_config_dp_shard_size = GPUs per node",
    deepspeed_note="closest is ZeRO-3 with ZeRO++ hierarchical partitioning "
                   "(zero_optimization.zero_hpz_partition_size = GPUs per node), which only a "
                   "deepspeed_config_file can set; plain ZeRO-3 shards across all nodes")
HYBRID_SHARD_ZERO2 = Sharding(
    "HYBRID_SHARD_ZERO2", "HYBRID_SHARD_ZERO2", 2,
    "gradients and optimizer state inside a node", REF_7,
    fsdp2_note=HYBRID_SHARD.fsdp2_note,
    deepspeed_note="DeepSpeed has no exact match; ZeRO-2 shards gradients and optimizer state "
                   "across all ranks, not within a node")
OPTIMIZER_ONLY = Sharding(
    "ZeRO-1", "SHARD_GRAD_OP", 1, "optimizer state only", REF_7,
    fsdp1_note="FSDP cannot shard the optimizer state alone (ZeRO-1); SHARD_GRAD_OP also shards "
               "gradients, which saves more memory for the same communication",
    fsdp2_note="FSDP cannot shard the optimizer state alone (ZeRO-1); reshard_after_forward: "
               "false is the ZeRO-2-like mode")

FSDP1_STRATEGIES: dict[str, Sharding] = {
    row.fsdp1: row for row in (FULL_SHARD, SHARD_GRAD_OP, NO_SHARD, HYBRID_SHARD, HYBRID_SHARD_ZERO2)}
# (reshard_after_forward, hybrid mesh through parallelism_config) -> row
FSDP2_RESHARD: dict[tuple[bool, bool], Sharding] = {
    (True, False): FULL_SHARD, (False, False): SHARD_GRAD_OP,
    (True, True): HYBRID_SHARD, (False, True): HYBRID_SHARD_ZERO2}
ZERO_STAGES: dict[int, Sharding] = {3: FULL_SHARD, 2: SHARD_GRAD_OP, 1: OPTIMIZER_ONLY, 0: NO_SHARD}

# --- keys that have no equivalent on the other side, and why ---
@dataclass(frozen=True)
class Unmapped:
    """Why a key has no counterpart (shown to the user) and where that comes from."""

    reason: str
    source: str


_WRAP = Unmapped("DeepSpeed needs no wrap policy, partitioning is transparent to the model (guide: Model)",
                 f"seed: Model; {REF_7} wrapping")
_PREFETCH = Unmapped("DeepSpeed always prefetches; ZeRO-3 bucket sizes such as stage3_prefetch_bucket_size "
                     "belong in a DeepSpeed JSON and Accelerate fills them (guide: Prefetching)",
                     f"seed: Prefetching; {REF_7} prefetch")
FSDP_ONLY: dict[str, Unmapped] = {
    "fsdp_auto_wrap_policy": _WRAP,
    "fsdp_transformer_layer_cls_to_wrap": Unmapped(
        _WRAP.reason + "; for MoE models the closest DeepSpeed key is deepspeed_moe_layer_cls_names "
                       "(ZeRO-3 leaf modules)", _WRAP.source),
    "fsdp_min_num_params": _WRAP,
    "fsdp_backward_prefetch": _PREFETCH,
    "fsdp_forward_prefetch": _PREFETCH,
    "fsdp_use_orig_params": Unmapped(
        "DeepSpeed exposes the original parameters transparently, also to torch.compile "
        "(guide: Parameters Summoning)", f"seed: Parameters Summoning; {REF_7}"),
    "fsdp_sync_module_states": Unmapped(
        "DeepSpeed has no such option; ZeRO-3 loading (zero3_init_flag) needs no broadcast "
        "(guide: parameters syncing)", f"{SEED_TABLE} row 'parameters syncing'; {REF_7}"),
    "fsdp_activation_checkpointing": Unmapped(
        "no DeepSpeed key in an Accelerate config; turn on gradient checkpointing in the training code, "
        "e.g. model.gradient_checkpointing_enable()", f"{REF_7} activation checkpointing"),
    "fsdp_backward_prefetch_policy": Unmapped(
        "the old spelling of fsdp_backward_prefetch, ignored since Accelerate 1.0; DeepSpeed always "
        "prefetches (guide: Prefetching)", "reference §2 fsdp_backward_prefetch (old spelling), §6 v1.0.0"),
    "fsdp_ignored_modules": Unmapped(
        "DeepSpeed has no way to leave modules unpartitioned from an Accelerate config",
        "reference §2 fsdp_ignored_modules (FSDP only); reference §3 has no counterpart"),
}
_TRAINING = f"seed: Training; {REF_7} gradient accumulation / clipping"
_NVME = Unmapped("NVMe offload has no FSDP equivalent (guide: Offloading)", f"seed: Offloading; {REF_7} offload")
_RUNNER = "reference §3 deepspeed_hostfile / filters / launcher; §7 multi-node launch"
DEEPSPEED_ONLY: dict[str, Unmapped] = {
    "gradient_accumulation_steps": Unmapped(
        "FSDP takes it from the training code: Accelerator(gradient_accumulation_steps=N) or "
        "TrainingArguments(gradient_accumulation_steps=N) (guide: Training)", _TRAINING),
    "gradient_clipping": Unmapped(
        "FSDP takes it from the training code: accelerator.clip_grad_norm_(params, max_norm) or "
        "TrainingArguments(max_grad_norm=...) (guide: Training)", _TRAINING),
    "offload_optimizer_nvme_path": _NVME,
    "offload_param_nvme_path": _NVME,
    "deepspeed_moe_layer_cls_names": Unmapped(
        "no FSDP equivalent; FSDP wraps the classes named in fsdp_transformer_layer_cls_to_wrap, which is "
        "not the same as a ZeRO-3 leaf module", f"reference §3 deepspeed_moe_layer_cls_names; {REF_7} wrapping"),
    "deepspeed_hostfile": Unmapped(
        "the DeepSpeed runner's hostfile has no FSDP equivalent: FSDP runs `accelerate launch` on every "
        "node with its machine_rank", _RUNNER),
    "deepspeed_multinode_launcher": Unmapped(
        "FSDP is always launched torchrun-style, `accelerate launch` on every node", _RUNNER),
    "deepspeed_inclusion_filter": Unmapped("an option of the deepspeed runner only", _RUNNER),
    "deepspeed_exclusion_filter": Unmapped("an option of the deepspeed runner only", _RUNNER),
}
# --- keys an FSDP config needs that a DeepSpeed (or FSDP2) config has no counterpart for ---
@dataclass(frozen=True)
class Addition:
    key: str
    value: object
    versions: tuple[int, ...]   # FSDP versions that read the key
    why: str                    # end-of-line comment in the converted file
    source: str


FSDP_ADDITIONS = (
    Addition("fsdp_auto_wrap_policy", "TRANSFORMER_BASED_WRAP", (1, 2), "FSDP needs a wrap policy (guide: Model)",
             "seed: Model tip; reference §7 recipe (also needed for FSDP2 activation checkpointing)"),
    Addition("fsdp_backward_prefetch", "BACKWARD_PRE", (1,),
             "DeepSpeed and FSDP2 always prefetch; this is FSDP1's equivalent (guide: Prefetching)",
             "seed: Prefetching tip (T10); T30 FSDP2 behaves like BACKWARD_PRE"),
    Addition("fsdp_sync_module_states", True, (1,),
             "accelerate launch requires it with cpu_ram_efficient_loading (guide: Model Loading)",
             "seed: Model Loading tip; reference A15 (utils/launch.py prepare_multi_gpu_env)"),
    Addition("fsdp_use_orig_params", True, (1,),
             "original parameters, as DeepSpeed and FSDP2 expose them (guide: Parameters Summoning)",
             "seed: Parameters Summoning; reference §2 (launch default true since v0.25), T30"),
)


# FSDP2 needs torch >= 2.6 (reference A21) and Accelerate >= 1.6, where fsdp_version appeared (§6 v1.6.0)
FSDP2_REQUIRES = "FSDP2 needs torch >= 2.6 and Accelerate >= 1.6 (older Accelerate ignores fsdp_version)"


# parallelism_config keys that only FSDP2 uses; sequence parallelism (sp_*) is DeepSpeed's
_MESH = "reference §1 parallelism_config; A65-A67 (parallelism_config.py, state.py)"
_HSDP = Unmapped("the HSDP mesh of FSDP2; see the sharding note", f"{_MESH}; {REF_7} HYBRID_SHARD row")
_CP = Unmapped("context parallelism needs FSDP2; DeepSpeed's counterpart is sequence parallelism "
               "(parallelism_config_sp_size, ALST/Ulysses)", f"{_MESH}; A64")
FSDP2_PARALLELISM: dict[str, Unmapped] = {
    "parallelism_config_dp_replicate_size": _HSDP,
    "parallelism_config_dp_shard_size": _HSDP,
    "parallelism_config_tp_size": Unmapped(
        "no tensor-parallel key for DeepSpeed in an Accelerate config; DeepSpeed's AutoTP is "
        "tensor_parallel.autotp_size in a DeepSpeed JSON", f"{_MESH}; A64"),
    "parallelism_config_cp_size": _CP,
    "parallelism_config_cp_comm_strategy": _CP,
    "parallelism_config_cp_backend": _CP,
}
PARALLELISM_SOURCE = "Accelerate's ParallelismConfig"

# --- settings a DeepSpeed JSON can carry, read when converting away from a linked JSON ---
JSON_GATHER_16BIT = ("stage3_gather_16bit_weights_on_model_save", "gather_16bit_weights_on_model_save",
                     "stage3_gather_fp16_weights_on_model_save")  # deepspeed.md §1.5 (aliases)

# --- the precision consequence (seed: On Differences in Data Precision Handling) ---
# Bytes per trainable parameter under DeepSpeed with Adam: the 16-bit working weights and
# gradients, and the fp32 master weights + two fp32 Adam moments ("12 B", ZeRO paper's
# optimizer-state term).  Without mixed precision the fp32 weights are the master copy.
PRECISION_SOURCE = "guide: On Differences in Data Precision Handling"
DEEPSPEED_BYTES = {  # (weights, gradients, optimizer state incl. fp32 master)
    "mixed": (2, 2, 4 + 2 * 4),
    "fp32": (4, 4, 2 * 4),
}
ZERO_SHARDS = {0: (), 1: ("optimizer",), 2: ("optimizer", "gradients"), 3: ("optimizer", "gradients", "weights")}
DEEPSPEED_MEMORY = (
    "DeepSpeed creates the flat parameters and the optimizer state in fp32 whatever torch_dtype the model "
    "is loaded in ({source}). Per trainable parameter with Adam: {parts}; at ZeRO-{stage} each GPU holds "
    "{per_gpu}. {fsdp}")
FSDP_MEMORY_NO_MP = (
    "FSDP without mixed precision could keep all of it in the load dtype, e.g. bf16: weights 2 B + "
    "gradients 2 B + Adam 2 x 2 B = 8 B per parameter before sharding, half of DeepSpeed's 16 B; "
    "most visible on few GPUs.")
FSDP_MEMORY_MP = "FSDP with mixed precision also keeps fp32 sharded parameters and optimizer state, so memory stays about the same."

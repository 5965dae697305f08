"""DeepSpeed's model-state memory, as DeepSpeed's own estimators compute it.

``estimate_zero2_model_states_mem_needs`` (deepspeed/runtime/zero/stage_1_and_2.py) and
``estimate_zero3_model_states_mem_needs`` (deepspeed/runtime/zero/stage3.py), DeepSpeed 0.19:
16-bit parameters and gradients, fp32 master weights, fp32 gradients and the two fp32 Adam
moments; per node's CPU, the larger of the fp32 copies every process loads and the offloaded
states, times ``additional_buffer_factor`` (1.5).  With 16-bit training the totals here are
exactly theirs; the parameters / gradients / optimizer split follows the multipliers their
ZeRO-2 estimator lists (18 = 2 + 4 gradient bytes, 4 + 8 optimizer bytes).

The estimators do not cover ZeRO-0 and ZeRO-1, ZeRO-3 with parameter offload but not optimizer
offload, NVMe, or fp32 training: those rows follow the same byte counts (ZeRO paper, Rajbhandari
et al. 2020, section 5: ZeRO-1 keeps the 16-bit gradients whole) and say so in ``source``.
"""

from __future__ import annotations

from shardlint.estimate.breakdown import Estimate, Parts, split
from shardlint.estimate.params import ModelSize
from shardlint.estimate.setup import Setup, World

BUFFER = 1.5            # additional_buffer_factor, the estimators' default
MASTER, FP32_GRAD, MOMENTS = 4, 4, 8
ESTIMATOR_2 = "DeepSpeed's estimate_zero2_model_states_mem_needs"
ESTIMATOR_3 = "DeepSpeed's estimate_zero3_model_states_mem_needs"
OWN = "shardlint, with the byte counts of DeepSpeed's estimators"


def _cpu(total: int, states: float, loading: float, with_params: bool) -> Parts:
    """A CPU figure that is the larger of the loading copies and the offloaded states: 16-bit
    parameters 2 B when they are offloaded too, fp32 gradients 4 B, optimizer 12 B (4 + 8)."""
    if loading >= states:
        return Parts(parameters=total)
    whole = 18 if with_params else 16
    return split(total, {"parameters": (2 if with_params else 0) / whole, "optimizer": 12 / whole,
                         "gradients": 4 / whole})


def _stage_1_and_2(setup: Setup, model: ModelSize, world: World, low: int) -> Estimate:
    p, n, g = model.total, (world.num_processes if setup.stage else 1), world.per_node
    offload = setup.optimizer_device != "none" and setup.stage > 0
    whole_grads = setup.stage < 2   # ZeRO-0/1 keep the 16-bit gradients on every GPU
    source = ESTIMATOR_2 if setup.stage == 2 and low == 2 else OWN
    if offload:
        gpu = Parts(parameters=low * p, gradients=low * p if whole_grads else 0)
        cpu_total = int(p * max(4 * n, 16) * BUFFER)     # the estimator counts 4 B per GPU of all nodes
        cpu = _cpu(cpu_total, 16, 4 * n, with_params=False)
        loading = int(4 * p * n * BUFFER)
    else:
        optimizer = (MASTER + MOMENTS) * p // n
        if whole_grads:
            grads = low * p + FP32_GRAD * p // n
        else:   # the estimator rounds once: 2P + int(18P/N)
            grads = (low + FP32_GRAD + MASTER + MOMENTS) * p // n - optimizer
        gpu = Parts(parameters=low * p, gradients=grads, optimizer=optimizer)
        loading = int(p * 4 * g * BUFFER)
        cpu = Parts(parameters=loading)
    return Estimate(gpu, cpu, loading, source=source)


def _stage_3(setup: Setup, model: ModelSize, world: World, low: int) -> Estimate:
    p, big, n, g, m = model.total, model.largest_layer, world.num_processes, world.per_node, world.num_machines
    params_off, optim_off = setup.param_device != "none", setup.optimizer_device != "none"
    per_node = 1 / m
    gathered = 2 * low * big       # the largest layer's 16-bit parameters and gradients
    covered = low == 2 and (optim_off or not params_off)
    source = ESTIMATOR_3 if covered else OWN
    zero_init = setup.efficient_loading
    if optim_off:
        states = 18 if params_off else 16   # bytes per parameter offloaded, over the nodes' CPUs
        if params_off:
            gpu = Parts(parameters=gathered // 2, gradients=gathered - gathered // 2)
        else:
            gpu = Parts(parameters=gathered // 2 + low * p // n, gradients=gathered - gathered // 2)
        loading_bytes = 0 if zero_init else 4 * g        # fp32 copies every process of a node loads
        if zero_init:   # the same order of operations as the estimator, so the floats round alike
            cpu_total = int(p * states * per_node * BUFFER)
        else:
            cpu_total = int(p * max(4 * g, states * per_node) * BUFFER)
        cpu = _cpu(cpu_total, states * per_node, loading_bytes, params_off)
        return Estimate(gpu, cpu, int(p * loading_bytes * BUFFER), source=source)
    total = gathered + (FP32_GRAD + MASTER + MOMENTS + (0 if params_off else low)) * p // n
    optimizer = (MASTER + MOMENTS) * p // n
    gradients = gathered - gathered // 2 + FP32_GRAD * p // n
    gpu = Parts(parameters=total - gradients - optimizer, gradients=gradients, optimizer=optimizer)
    loading = int((big if zero_init else p) * 4 * g * BUFFER)
    if params_off:   # not an estimator case: the 16-bit parameters live on CPU
        cpu_total = int(max(loading, low * p * per_node * BUFFER))
        return Estimate(gpu, Parts(parameters=cpu_total), loading, source=source)
    return Estimate(gpu, Parts(parameters=loading), loading, source=source)


def deepspeed_estimate(setup: Setup, model: ModelSize, world: World) -> Estimate:
    low = 2 if setup.mixed else 4       # DeepSpeed without fp16/bf16 trains in fp32 (seed precision table)
    estimate = (_stage_3 if setup.stage == 3 else _stage_1_and_2)(setup, model, world, low)
    notes = []
    if low == 4:
        notes.append("DeepSpeed's estimators assume fp16/bf16 training; without mixed precision the "
                     "working copies are fp32 (4 B) instead of 2 B")
    if "nvme" in (setup.param_device, setup.optimizer_device):
        notes.append("NVMe offload: the estimators have no NVMe case; the offloaded states counted under CPU "
                     "live on NVMe, the CPU keeps pinned buffers")
    if setup.stage == 0 and setup.optimizer_device != "none":
        notes.append("ZeRO-0 cannot offload; offload_optimizer is ignored")
    return Estimate(estimate.gpu, estimate.cpu, estimate.loading, source=estimate.source,
                    notes=estimate.notes + tuple(notes))

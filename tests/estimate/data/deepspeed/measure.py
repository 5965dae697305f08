"""Produce estimators.json: DeepSpeed's own model-state estimates over a grid.

Run once, outside the test suite, with DeepSpeed installed (estimators.json came from
DeepSpeed 0.19.8 on CPU):

    python tests/estimate/data/deepspeed/measure.py > tests/estimate/data/deepspeed/estimators.json

It calls ``estimate_zero2_model_states_mem_needs`` (deepspeed/runtime/zero/stage_1_and_2.py) and
``estimate_zero3_model_states_mem_needs`` (deepspeed/runtime/zero/stage3.py) with the default
``additional_buffer_factor`` for three of the pinned models (their counts from
../models/counts.json), every offload choice the estimators cover, zero_init on and off,
1-4 nodes and 1-8 GPUs per node.  The test suite reads the table; it never imports DeepSpeed.
"""

import contextlib
import json
import sys
from pathlib import Path

with contextlib.redirect_stdout(sys.stderr):  # DeepSpeed logs its accelerator choice on import
    import deepspeed
    from deepspeed.runtime.zero.stage3 import estimate_zero3_model_states_mem_needs
    from deepspeed.runtime.zero.stage_1_and_2 import estimate_zero2_model_states_mem_needs

MODELS = ("Llama-2-7b-hf", "Qwen2.5-0.5B", "Mixtral-8x7B-v0.1")
counts = json.loads((Path(__file__).parent.parent / "models" / "counts.json").read_text())["models"]
rows = []
for name in MODELS:
    total, largest = counts[name]["total"], counts[name]["largest_layer"]
    for nodes in range(1, 5):
        for gpus in range(1, 9):
            for offload in (False, True):
                cpu, gpu = estimate_zero2_model_states_mem_needs(total, gpus, nodes, cpu_offload=offload)
                rows.append({"model": name, "stage": 2, "nodes": nodes, "gpus_per_node": gpus,
                             "offload_optimizer": offload, "offload_param": False, "zero_init": False,
                             "cpu": cpu, "gpu": gpu})
            for offload, offload_params in ((False, False), (True, False), (True, True)):
                for zero_init in (False, True):
                    cpu, gpu, _ = estimate_zero3_model_states_mem_needs(
                        total, largest, gpus, nodes, cpu_offload=offload, cpu_offload_params=offload_params,
                        zero_init=zero_init)
                    rows.append({"model": name, "stage": 3, "nodes": nodes, "gpus_per_node": gpus,
                                 "offload_optimizer": offload, "offload_param": offload_params,
                                 "zero_init": zero_init, "cpu": cpu, "gpu": gpu})
sys.stdout.write(f'{{"deepspeed": "{deepspeed.__version__}", "rows": [\n')
sys.stdout.write(",\n".join(json.dumps(row) for row in rows) + "\n]}\n")

"""Produce counts.json: how the pinned parameter counts were measured.

Run once, outside the test suite, with torch and transformers installed (the figures in
counts.json came from torch 2.13.0+cpu and transformers 5.24.0):

    python tests/estimate/data/models/measure.py > tests/estimate/data/models/counts.json

Each model is built from its config.json on the meta device (no weights are allocated).
``total`` counts every parameter once (tied embeddings once), ``largest_layer`` is the
largest number of parameters a single module owns directly, the two figures DeepSpeed's
``model_to_params`` (deepspeed/runtime/zero/stage3.py) computes, and ``largest_block``
is the largest decoder layer.  The test suite reads this file; it never imports torch.
"""

import json
import sys
from pathlib import Path

import torch
import transformers
from transformers import AutoConfig, AutoModelForCausalLM

HERE = Path(__file__).parent


def measure(folder: Path) -> dict[str, int]:
    config = AutoConfig.from_pretrained(folder)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config)
    total = sum({id(p): p.numel() for p in model.parameters()}.values())
    largest_layer = max(sum(p.numel() for p in m.parameters(recurse=False)) for m in model.modules())
    blocks = next(m for m in model.modules() if isinstance(m, torch.nn.ModuleList) and len(m) == config.num_hidden_layers)
    largest_block = max(sum(p.numel() for p in b.parameters()) for b in blocks)
    return {"total": total, "largest_layer": largest_layer, "largest_block": largest_block}


if __name__ == "__main__":
    counts = {folder.name: measure(folder) for folder in sorted(HERE.iterdir()) if (folder / "config.json").is_file()}
    json.dump({"measured_with": {"torch": torch.__version__, "transformers": transformers.__version__},
               "models": counts}, sys.stdout, indent=2)
    sys.stdout.write("\n")

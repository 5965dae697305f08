"""Activation memory of a decoder stack: an estimate, not a measurement.

Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models",
equation 1: a transformer layer stores ``s*b*h*(34 + 5*a*s/h)`` bytes of 16-bit activations for
sequence length ``s``, micro batch ``b`` and hidden size ``h``.  The ``5*a*s/h`` term is the
attention score matrix, which fused attention (SDPA / FlashAttention, transformers' default)
does not store, so 34*s*b*h is used.  With activation checkpointing each layer keeps only its
16-bit input (2*s*b*h) and one layer is recomputed at a time (section 4.1).  The logits add
``s*b*vocab`` in the compute dtype plus their fp32 copy for the loss.
"""

from __future__ import annotations

from shardlint.estimate.params import ModelSize

PER_LAYER = 34
CHECKPOINTED = 2
FORMULA = ("Korthikanti et al. 2022, eq. 1: 34*s*b*h bytes per layer with fused attention; 2*s*b*h per layer "
           "plus one layer's 34*s*b*h with checkpointing; logits s*b*vocab*(2 + 4) bytes")


def activation_bytes(model: ModelSize, seq_len: int, micro_batch: int, checkpointing: bool,
                     compute_bytes: int) -> int | None:
    """Per GPU; ``None`` when the model's shape (layers, hidden size) is unknown."""
    if not (model.layers and model.hidden):
        return None
    sbh = seq_len * micro_batch * model.hidden
    scale = compute_bytes / 2            # the paper counts 16-bit activations
    if checkpointing:
        layers = CHECKPOINTED * sbh * model.layers + PER_LAYER * sbh
    else:
        layers = PER_LAYER * sbh * model.layers
    logits = seq_len * micro_batch * model.vocab * (compute_bytes + 4)
    return int(layers * scale) + logits

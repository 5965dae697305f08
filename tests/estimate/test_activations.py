"""Activations: Korthikanti et al. 2022, equation 1, with fused attention (no stored scores)."""

from __future__ import annotations

from shardlint.estimate.activations import activation_bytes
from shardlint.estimate.params import ModelSize
from tests.estimate.conftest import model


def test_per_layer_formula():
    llama = model("Llama-2-7b-hf")
    s, b, h, layers, vocab = 4096, 2, 4096, 32, 32000
    logits = s * b * vocab * (2 + 4)
    assert activation_bytes(llama, s, b, False, 2) == 34 * s * b * h * layers + logits
    assert activation_bytes(llama, s, b, True, 2) == 2 * s * b * h * layers + 34 * s * b * h + logits


def test_fp32_activations_double_the_layers():
    llama = model("Llama-2-7b-hf")
    logits16, logits32 = 4096 * 32000 * 6, 4096 * 32000 * 8
    assert activation_bytes(llama, 4096, 1, False, 4) - logits32 == 2 * (activation_bytes(llama, 4096, 1, False, 2)
                                                                         - logits16)


def test_unknown_shape_has_no_estimate():
    assert activation_bytes(ModelSize(7 * 10**9), 4096, 1, False, 2) is None

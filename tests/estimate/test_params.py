"""Parameter counts from config.json against transformers' count of the same model on the meta device."""

from __future__ import annotations

import json

import pytest

from shardlint.estimate.params import FAMILIES, UnknownModel, count_parameters
from tests.estimate.conftest import COUNTS, MODELS, model

TOLERANCE = 0.005


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_counts_match_transformers(name: str):
    measured, counted = COUNTS[name], model(name)
    assert counted.total == pytest.approx(measured["total"], rel=TOLERANCE)
    assert counted.largest_layer == pytest.approx(measured["largest_layer"], rel=TOLERANCE)
    assert counted.largest_block == pytest.approx(measured["largest_block"], rel=TOLERANCE)


def test_every_family_is_pinned():
    pinned = {json.loads((MODELS / name / "config.json").read_text())["model_type"] for name in COUNTS}
    assert pinned == set(FAMILIES)
    assert len(COUNTS) >= 12


def test_the_shape_comes_along():
    llama = model("Llama-2-7b-hf")
    assert (llama.layers, llama.hidden, llama.vocab, llama.dtype) == (32, 4096, 32000, "float16")


def test_tied_embeddings_count_once():
    cfg = json.loads((MODELS / "Llama-3.2-1B" / "config.json").read_text())
    untied = count_parameters({**cfg, "tie_word_embeddings": False})
    assert untied.total - count_parameters(cfg).total == cfg["vocab_size"] * cfg["hidden_size"]


def test_unknown_architecture_asks_for_params():
    with pytest.raises(UnknownModel, match="--params"):
        count_parameters({"model_type": "t5", "d_model": 512})


@pytest.mark.parametrize("bad", [{"hidden_size": "big"}, {"num_hidden_layers": -1}, {"vocab_size": None}])
def test_malformed_counts_are_reported(bad):
    cfg = {**json.loads((MODELS / "Mistral-7B-v0.1" / "config.json").read_text()), **bad}
    if bad == {"vocab_size": None}:
        cfg.pop("vocab_size")
    with pytest.raises(UnknownModel, match="config.json"):
        count_parameters(cfg)

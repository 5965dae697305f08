"""Parameter counts of decoder-only models from their config.json, without building them.

Each family's layout is what its transformers modeling file builds (``models/<type>/modeling_<type>.py``
in transformers 5): attention projections, the MLP or the experts of a mixture-of-experts
layer, the norms, the embeddings and the output head.  The counts match transformers'
own count on the meta device for the configs in the tests (``tests/estimate/data/models``).

``largest_layer`` is the most parameters one module owns directly, the figure DeepSpeed's
``model_to_params`` (deepspeed/runtime/zero/stage3.py) feeds its ZeRO-3 estimator; transformers
5 keeps all experts of a MoE layer in one module.  ``largest_block`` is the largest decoder layer,
the unit FSDP gathers with a transformer-based wrap policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


class UnknownModel(ValueError):
    """The config's architecture has no formula here: the user passes ``--params`` instead."""


@dataclass(frozen=True)
class ModelSize:
    total: int
    largest_layer: int = 0
    largest_block: int = 0
    layers: int = 0
    hidden: int = 0
    vocab: int = 0
    name: str = ""
    dtype: str | None = None     # the checkpoint's dtype (config.json torch_dtype / dtype)


@dataclass(frozen=True)
class _Layer:
    """One decoder layer: its parameter count and its largest directly owned module."""

    total: int
    largest: int


def _get(cfg: dict[str, Any], key: str, default: Any = None) -> Any:
    value = cfg.get(key, default)
    if value is None:
        value = default
    return value


def _int(cfg: dict[str, Any], key: str, default: int | None = None) -> int:
    value = _get(cfg, key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise UnknownModel(f"config.json: {key} is {value!r}, not a count")
    return value


def _attention(cfg: dict[str, Any], *, qkv_bias: bool, o_bias: bool, fused: bool = False) -> tuple[int, int]:
    """(parameters, largest module) of one self-attention block."""
    hidden, heads = _int(cfg, "hidden_size"), _int(cfg, "num_attention_heads")
    kv = _int(cfg, "num_key_value_heads", heads)
    head_dim = _int(cfg, "head_dim", hidden // heads)
    q, k = heads * head_dim, kv * head_dim
    projections = [hidden * q + (q if qkv_bias else 0), hidden * k + (k if qkv_bias else 0),
                   hidden * k + (k if qkv_bias else 0)]
    if fused:
        projections = [sum(projections)]
    out = q * hidden + (hidden if o_bias else 0)
    return sum(projections) + out, max(*projections, out)


def _gated_mlp(hidden: int, inner: int, bias: bool = False, fused: bool = False) -> tuple[int, int]:
    up = hidden * inner + (inner if bias else 0)
    down = inner * hidden + (hidden if bias else 0)
    if fused:
        return 2 * up + down, max(2 * up, down)
    return 2 * up + down, max(up, down)


def _llama_like(cfg: dict[str, Any], *, qkv_bias: bool = False, qk_norm: bool = False,
                norms: int = 2) -> tuple[int, int]:
    bias = bool(_get(cfg, "attention_bias", False))
    attn, attn_max = _attention(cfg, qkv_bias=qkv_bias or bias, o_bias=bias)
    hidden = _int(cfg, "hidden_size")
    mlp, mlp_max = _gated_mlp(hidden, _int(cfg, "intermediate_size"), bool(_get(cfg, "mlp_bias", False)))
    head_dim = _int(cfg, "head_dim", hidden // _int(cfg, "num_attention_heads"))
    extra = 2 * head_dim if qk_norm else 0
    return attn + mlp + norms * hidden + extra, max(attn_max, mlp_max)


def _dense(layer: Callable[[dict[str, Any]], tuple[int, int]]) -> Callable[[dict[str, Any]], list[_Layer]]:
    def layers(cfg: dict[str, Any]) -> list[_Layer]:
        total, largest = layer(cfg)
        return [_Layer(total, largest)] * _int(cfg, "num_hidden_layers")
    return layers


def _moe_layers(cfg: dict[str, Any], *, qkv_bias: bool, qk_norm: bool, experts_key: str,
                inner_key: str, shared: bool) -> list[_Layer]:
    """Qwen2-MoE / Qwen3-MoE: every ``decoder_sparse_step``-th layer not in ``mlp_only_layers`` is sparse."""
    hidden = _int(cfg, "hidden_size")
    experts = _int(cfg, experts_key)
    attn, attn_max = _attention(cfg, qkv_bias=qkv_bias, o_bias=False)
    head_dim = _int(cfg, "head_dim", hidden // _int(cfg, "num_attention_heads"))
    base = attn + 2 * hidden + (2 * head_dim if qk_norm else 0)
    dense_mlp, dense_max = _gated_mlp(hidden, _int(cfg, "intermediate_size"))
    expert_block = experts * 3 * hidden * _int(cfg, inner_key)        # all experts: one module
    sparse = expert_block + experts * hidden                           # + the router
    sparse_max = expert_block
    if shared:
        shared_mlp, shared_max = _gated_mlp(hidden, _int(cfg, "shared_expert_intermediate_size"))
        sparse += shared_mlp + hidden                                  # + the shared expert's gate
        sparse_max = max(sparse_max, shared_max)
    step = _int(cfg, "decoder_sparse_step", 1)
    only_mlp = set(_get(cfg, "mlp_only_layers", []))
    out = []
    for index in range(_int(cfg, "num_hidden_layers")):
        is_sparse = experts > 0 and step > 0 and (index + 1) % step == 0 and index not in only_mlp
        out.append(_Layer(base + sparse, max(attn_max, sparse_max)) if is_sparse
                   else _Layer(base + dense_mlp, max(attn_max, dense_max)))
    return out


def _mixtral(cfg: dict[str, Any]) -> list[_Layer]:
    hidden, experts = _int(cfg, "hidden_size"), _int(cfg, "num_local_experts")
    attn, attn_max = _attention(cfg, qkv_bias=False, o_bias=False)
    expert_block = experts * 3 * hidden * _int(cfg, "intermediate_size")
    layer = _Layer(attn + expert_block + experts * hidden + 2 * hidden, max(attn_max, expert_block))
    return [layer] * _int(cfg, "num_hidden_layers")


def _phi3(cfg: dict[str, Any]) -> tuple[int, int]:
    attn, attn_max = _attention(cfg, qkv_bias=False, o_bias=False, fused=True)
    hidden = _int(cfg, "hidden_size")
    mlp, mlp_max = _gated_mlp(hidden, _int(cfg, "intermediate_size"), fused=True)
    return attn + mlp + 2 * hidden, max(attn_max, mlp_max)


def _plain_mlp(hidden: int, inner: int) -> tuple[int, int]:
    up, down = hidden * inner + inner, inner * hidden + hidden
    return up + down, max(up, down)


def _phi(cfg: dict[str, Any]) -> tuple[int, int]:
    """Phi-1/2: biased q, k, v, dense; one LayerNorm per (parallel) layer; optional q/k LayerNorm."""
    hidden = _int(cfg, "hidden_size")
    attn, attn_max = _attention(cfg, qkv_bias=True, o_bias=True)
    mlp, mlp_max = _plain_mlp(hidden, _int(cfg, "intermediate_size"))
    head_dim = hidden // _int(cfg, "num_attention_heads")
    qk_norm = 4 * head_dim if _get(cfg, "qk_layernorm", False) else 0
    return attn + mlp + 2 * hidden + qk_norm, max(attn_max, mlp_max)


def _gpt_neox(cfg: dict[str, Any]) -> tuple[int, int]:
    hidden = _int(cfg, "hidden_size")
    qkv = hidden * 3 * hidden + 3 * hidden
    dense = hidden * hidden + hidden
    mlp, mlp_max = _plain_mlp(hidden, _int(cfg, "intermediate_size"))
    return qkv + dense + mlp + 4 * hidden, max(qkv, dense, mlp_max)


@dataclass(frozen=True)
class _Family:
    layers: Callable[[dict[str, Any]], list[_Layer]]
    final_norm: int = 1          # parameters of the final norm, in units of hidden_size
    head_bias: bool = False
    tied_by_default: bool = False


FAMILIES: dict[str, _Family] = {
    "llama": _Family(_dense(_llama_like)),
    "mistral": _Family(_dense(_llama_like)),
    "qwen2": _Family(_dense(lambda c: _llama_like(c, qkv_bias=True))),
    "qwen3": _Family(_dense(lambda c: _llama_like(c, qk_norm=True))),
    "gemma": _Family(_dense(_llama_like), tied_by_default=True),
    "gemma2": _Family(_dense(lambda c: _llama_like(c, norms=4)), tied_by_default=True),
    "phi3": _Family(_dense(_phi3)),
    "phi": _Family(_dense(_phi), final_norm=2, head_bias=True),
    "gpt_neox": _Family(_dense(_gpt_neox), final_norm=2),
    "mixtral": _Family(_mixtral),
    "qwen2_moe": _Family(lambda c: _moe_layers(c, qkv_bias=True, qk_norm=False, experts_key="num_experts",
                                               inner_key="moe_intermediate_size", shared=True)),
    "qwen3_moe": _Family(lambda c: _moe_layers(c, qkv_bias=False, qk_norm=True, experts_key="num_experts",
                                               inner_key="moe_intermediate_size", shared=False)),
}


def count_parameters(cfg: dict[str, Any], name: str = "") -> ModelSize:
    """The parameter counts of the model a transformers config.json describes."""
    model_type = cfg.get("model_type")
    family = FAMILIES.get(str(model_type))
    if family is None:
        known = ", ".join(sorted(FAMILIES))
        raise UnknownModel(f"no parameter formula for model_type {model_type!r} (known: {known}); "
                           "pass --params instead, e.g. --params 7B")
    layers = family.layers(cfg)
    hidden, vocab = _int(cfg, "hidden_size"), _int(cfg, "vocab_size")
    embedding = vocab * hidden
    tied = bool(_get(cfg, "tie_word_embeddings", family.tied_by_default))
    head = 0 if tied else embedding + (vocab if family.head_bias else 0)
    total = embedding + head + sum(layer.total for layer in layers) + family.final_norm * hidden
    if total <= 0:
        raise UnknownModel("config.json describes a model without parameters")
    largest = max([embedding, head, *(layer.largest for layer in layers)])
    dtype = cfg.get("dtype") or cfg.get("torch_dtype")
    return ModelSize(total, largest, max((layer.total for layer in layers), default=0), len(layers), hidden,
                     vocab, name, dtype if isinstance(dtype, str) else None)

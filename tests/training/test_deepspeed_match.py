"""DeepSpeed values that must equal the training arguments, compared as the Trainer compares them."""

from __future__ import annotations

from shardlint.training.deepspeed_match import mismatches

DS = {"train_micro_batch_size_per_gpu": "8", "gradient_accumulation_steps": 4, "gradient_clipping": "auto",
      "fp16": {"enabled": True}, "bf16": {"enabled": "auto"},
      "optimizer": {"type": "AdamW", "params": {"lr": 2e-5, "betas": [0.9, 0.95], "eps": "auto"}}}


def test_a_string_is_not_a_number_and_auto_is_filled():
    found = {m.key: m for m in mismatches(DS, {"per_device_train_batch_size": 8, "gradient_accumulation_steps": 4,
                                                "max_grad_norm": 0.5, "learning_rate": 2e-5})}
    assert set(found) == {"train_micro_batch_size_per_gpu"}
    assert (found["train_micro_batch_size_per_gpu"].ds_value, found["train_micro_batch_size_per_gpu"].hf_value) == ("8", 8)


def test_precision_is_either_switch():
    assert [m.key for m in mismatches(DS, {"bf16": True, "fp16": False, "fp16_full_eval": False})] == ["fp16.enabled"]
    assert mismatches(DS, {"fp16": True}) == []
    # fp16_full_eval defaults to false (no TRL config redeclares it)
    assert [m.key for m in mismatches(DS, {"fp16": False})] == ["fp16.enabled"]


def test_lists_and_arguments_not_given():
    assert [m.key for m in mismatches(DS, {"adam_beta1": 0.9, "adam_beta2": 0.999})] == ["optimizer.params.betas"]
    assert mismatches(DS, {"adam_beta1": 0.9}) == []
    assert mismatches(DS, {}) == []

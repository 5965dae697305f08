"""``shardlint estimate``: the per-GPU and per-node memory a config needs for a model.

``params`` counts a model's parameters from its config.json, ``setup`` reads what a config
means for memory (through the converter's reading of Accelerate and DeepSpeed settings),
``deepspeed`` and ``fsdp`` turn both into bytes, ``activations`` adds the activation
estimate, ``compare`` builds the alternative rows and ``report`` prints them.
"""

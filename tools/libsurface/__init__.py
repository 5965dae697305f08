"""Extract the config surface of Accelerate, DeepSpeed, transformers and TRL from their released source."""

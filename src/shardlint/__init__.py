"""shardlint: a static linter for Accelerate, FSDP and DeepSpeed configuration files."""

__version__ = "0.1.0"

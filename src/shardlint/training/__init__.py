"""Training arguments: the transformers ``TrainingArguments`` (and TRL config) fields per release, and recipe files.

The schema (``shardlint/knowledge/training_arguments.json``) is generated from the library snapshots by
``tools/gen_training_schema.py`` and loaded only when a file needs it.
"""

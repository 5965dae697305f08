"""transformers' ``TrainingArguments`` and TRL's trainer configs, read from source."""

from __future__ import annotations

import ast
import re
from typing import Any

from libsurface.pysource import (
    SourceTree, base_names, class_fields, dotted, is_dataclass, literal, resolve_string, text,
)

TRAINING_ARGS = "src/transformers/training_args.py"
HF_DEEPSPEED = "src/transformers/integrations/deepspeed.py"
TRAINER = "src/transformers/trainer.py"
CHECKED_FILES = (TRAINING_ARGS, TRAINER, HF_DEEPSPEED, "src/transformers/integrations/fsdp.py")
TRL_TRAINERS = "trl/trainer"
_DEPRECATED = re.compile(r"\bdeprecat", re.IGNORECASE)


def transformers_surface(tree: SourceTree) -> dict[str, Any]:
    module = tree.module(TRAINING_ARGS)
    node = module.cls("TrainingArguments")
    if node is None:
        raise LookupError(f"{TRAINING_ARGS}: no TrainingArguments")
    return {
        "training_arguments": {
            "file": TRAINING_ARGS,
            "line": node.lineno,
            "fields": [_mark_deprecated(f) for f in class_fields(node)],
            "fsdp_config_reads": _dict_reads(node, "fsdp_config"),
        },
        "deepspeed_auto_keys": _fill_match_keys(tree.module(HF_DEEPSPEED).tree),
        "checks": _checks(tree),
    }


def _checks(tree: SourceTree) -> dict[str, list[str]]:
    """What TrainingArguments, the Trainer and the DeepSpeed/FSDP integrations refuse, per function."""
    out: dict[str, list[str]] = {}
    for path in CHECKED_FILES:
        if not tree.exists(path):
            continue
        for name, found in tree.module(path).checks().items():
            out[f"{path.removeprefix('src/transformers/')}:{name}"] = found
    return out


def trl_surface(tree: SourceTree) -> dict[str, Any]:
    configs: dict[str, Any] = {}
    for path in tree.files(TRL_TRAINERS):
        for node in tree.module(path).classes():
            if is_dataclass(node) and node.name.endswith(("Config", "Arguments")):
                configs[node.name] = {
                    "file": path,
                    "line": node.lineno,
                    "bases": base_names(node),
                    "fields": [_mark_deprecated(f) for f in class_fields(node)],
                }
    return {"configs": configs}


def _mark_deprecated(record: dict[str, Any]) -> dict[str, Any]:
    help_text = record.get("metadata_help")
    if isinstance(help_text, str) and _DEPRECATED.search(help_text):
        record["deprecated"] = True
    return record


def _dict_reads(node: ast.AST, name: str) -> dict[str, str]:
    """Keys read as ``<...>.name.get(K, D)`` / ``name.get(K, D)`` / ``name[K]``: key -> default as source text."""
    reads: dict[str, str] = {}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == "get" \
                and dotted(sub.func.value).split(".")[-1] == name and sub.args:
            key = resolve_string(sub.args[0], {})
            if key is not None:
                reads[key] = text(sub.args[1]) if len(sub.args) > 1 else "None"
        elif isinstance(sub, ast.Subscript) and dotted(sub.value).split(".")[-1] == name \
                and isinstance(sub.ctx, ast.Load):
            key = resolve_string(sub.slice, {})
            if key is not None:
                reads.setdefault(key, "")
    return dict(sorted(reads.items()))


def _fill_match_keys(tree: ast.Module) -> dict[str, dict[str, Any]]:
    """DeepSpeed keys the Trainer fills when they are "auto": key -> the value's expression, where, and
    whether a value that is not "auto" must match it (``fill_match``) or is left alone (``fill_only``)."""
    keys: dict[str, dict[str, Any]] = {}
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        for sub in ast.walk(function):
            if not (isinstance(sub, ast.Call) and len(sub.args) >= 2):
                continue
            method = dotted(sub.func).split(".")[-1]
            if method not in ("fill_match", "fill_only"):
                continue
            key = resolve_string(sub.args[0], {})
            if key is not None:
                explicit = next((kw.value for kw in sub.keywords if kw.arg == "must_match"), None)
                must_match = method == "fill_match" and not (explicit is not None and literal(explicit) is False)
                keys[key] = {"value": text(sub.args[1]), "function": function.name, "must_match": must_match}
    return dict(sorted(keys.items()))

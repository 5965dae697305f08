"""Find a model's config.json: a local folder or file, or a model id in the Hugging Face cache.

The cache is looked up offline with ``huggingface_hub.try_to_load_from_cache`` (the ``hub``
extra), imported only when ``--model`` is neither a folder nor a file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shardlint.estimate.params import ModelSize, UnknownModel, count_parameters

CONFIG_NAME = "config.json"


def _read(path: Path, name: str) -> ModelSize:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UnknownModel(f"{path}: cannot read it: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UnknownModel(f"{path}:{exc.lineno}: not JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise UnknownModel(f"{path}: not a model config (the top level is not an object)")
    try:
        return count_parameters(data, name)
    except UnknownModel as exc:
        raise UnknownModel(f"{path}: {exc}") from None


def _from_cache(model_id: str) -> Path:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        raise UnknownModel(f"{model_id} is not a folder or file, and looking it up in the Hugging Face cache "
                           "needs huggingface_hub: pip install 'shardlint[hub]', or pass a local folder") from None
    try:
        found = try_to_load_from_cache(model_id, CONFIG_NAME)
    except ValueError as exc:  # huggingface_hub's HFValidationError: not a valid model id
        raise UnknownModel(f"{model_id}: not a folder, a file or a model id ({exc})") from None
    if not isinstance(found, str):
        raise UnknownModel(f"{model_id}: no {CONFIG_NAME} of it in the local Hugging Face cache (nothing is "
                           "downloaded); pass a local folder or --params")
    return Path(found)


def load_model(spec: str, name: str | None = None) -> ModelSize:
    """``spec`` is a folder holding config.json, a config.json, or a model id in the local cache;
    ``name`` is how the model is shown (default: ``spec``)."""
    name = name or spec
    path = Path(spec).expanduser()
    if path.is_dir():
        path = path / CONFIG_NAME
        if not path.is_file():
            raise UnknownModel(f"{name}: the folder has no {CONFIG_NAME}")
        return _read(path, name)
    if path.is_file():
        return _read(path, name)
    return _read(_from_cache(spec), name)

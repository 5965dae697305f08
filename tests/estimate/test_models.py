"""Finding a model's config.json: a folder, a file, or the local Hugging Face cache (offline)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from shardlint.estimate.models import load_model
from shardlint.estimate.params import UnknownModel
from tests.conftest import write
from tests.estimate.conftest import COUNTS, MODELS


def test_folder_and_file():
    folder = MODELS / "Qwen3-8B"
    assert load_model(str(folder)).total == COUNTS["Qwen3-8B"]["total"]
    assert load_model(str(folder / "config.json")).total == COUNTS["Qwen3-8B"]["total"]


def test_folder_without_config(tmp_path: Path):
    with pytest.raises(UnknownModel, match="has no config.json"):
        load_model(str(tmp_path))


@pytest.mark.parametrize("text, message", [("{", "not JSON"), ("[1]", "not a model config"),
                                           ('{"model_type": "bert"}', "--params")])
def test_bad_config_json(tmp_path: Path, text: str, message: str):
    with pytest.raises(UnknownModel, match=message):
        load_model(str(write(tmp_path, "config.json", text)))


def _cache(root: Path, model_id: str, source: Path) -> None:
    """The layout huggingface_hub writes: refs/main names a snapshot folder holding the files."""
    repo = root / ("models--" + model_id.replace("/", "--"))
    write(repo, "refs/main", "0123456789abcdef0123456789abcdef01234567")
    snapshot = repo / "snapshots" / "0123456789abcdef0123456789abcdef01234567"
    snapshot.mkdir(parents=True)
    shutil.copy(source, snapshot / "config.json")


def test_model_id_from_the_local_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    hub = pytest.importorskip("huggingface_hub")
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    _cache(tmp_path, "meta-llama/Llama-2-7b-hf", MODELS / "Llama-2-7b-hf" / "config.json")
    monkeypatch.chdir(tmp_path)
    found = load_model("meta-llama/Llama-2-7b-hf")
    assert found.total == COUNTS["Llama-2-7b-hf"]["total"] and found.name == "meta-llama/Llama-2-7b-hf"
    with pytest.raises(UnknownModel, match="nothing is downloaded"):
        load_model("meta-llama/Llama-2-13b-hf")
    assert hub is not None


def test_without_huggingface_hub(monkeypatch: pytest.MonkeyPatch):
    import sys

    monkeypatch.setitem(sys.modules, "huggingface_hub", None)
    with pytest.raises(UnknownModel, match=r"shardlint\[hub\]"):
        load_model("some-org/some-model")

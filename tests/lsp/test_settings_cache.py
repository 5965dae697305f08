"""The server keeps each folder's resolved settings between re-lints and still sees every change of
a configuration or pin file: reported by the client (watched files, a save) or not (after a while)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from shardlint.lsp import folder_settings
from shardlint.lsp.folder_settings import SETTINGS_TTL, SettingsCache, may_change_settings
from shardlint.options import LintOptions
from shardlint.settings.model import Settings
from shardlint.settings.selectors import SelectionLayer
from tests.conftest import write
from tests.lsp.rpc import LspClient
from tests.lsp.test_recipe_buffers import RECIPE

# a plain multi-GPU config whose only finding is the unquoted no
MULTI_GPU = "compute_environment: LOCAL_MACHINE\ndistributed_type: MULTI_GPU\nmixed_precision: no\nnum_processes: 2\n"


def _codes(diagnostics: list[dict]) -> list[str]:
    return sorted(d["code"] for d in diagnostics)


def _relint(client: LspClient, uri: str, version: int) -> list[str]:
    """Retype the buffer (same text) and return the codes of its next lint."""
    client.change(uri, MULTI_GPU if version % 2 else MULTI_GPU + "\n", version)
    return _codes(client.diagnostics(uri, version=version))


def test_a_changed_configuration_is_seen_by_the_next_relint(client: LspClient, workspace: Path) -> None:
    folder = workspace / "cached_settings"
    config = folder / ".shardlint.toml"
    write(folder, ".shardlint.toml", "ignore = []\n")
    uri = client.open(write(folder, "accelerate.yaml", MULTI_GPU))
    assert _codes(client.diagnostics(uri)) == ["YAML120"]
    assert _relint(client, uri, 2) == ["YAML120"]  # the folder's settings are kept from here

    config.write_text('ignore = ["YAML120"]\n', encoding="utf-8")  # the editor's file watcher reports it
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": config.as_uri(), "type": 2}]})
    assert _codes(client.diagnostics(uri)) == []
    assert _relint(client, uri, 3) == []

    config.write_text("ignore = []\n", encoding="utf-8")  # saved in the editor, which watches nothing
    client.notify("textDocument/didSave", {"textDocument": {"uri": config.as_uri()}})
    assert _codes(client.diagnostics(uri)) == ["YAML120"]
    assert _relint(client, uri, 4) == ["YAML120"]

    config.write_text('ignore = ["YAML120"]\n', encoding="utf-8")  # changed where no editor sees it
    time.sleep(SETTINGS_TTL + 0.1)
    assert _relint(client, uri, 5) == []


def test_a_changed_pin_is_seen_by_the_next_relint(client: LspClient, workspace: Path) -> None:
    folder = workspace / "cached_pins"
    requirements = write(folder, "requirements.txt", "transformers>=4.40\n")
    uri = client.open(write(folder, "recipe.yaml", RECIPE))
    assert "HF131" in _codes(client.diagnostics(uri))  # judged by the newest transformers

    requirements.write_text("transformers==4.45.0\n", encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": requirements.as_uri(), "type": 2}]})
    assert "HF131" not in _codes(client.diagnostics(uri))  # evaluation_strategy is still read in 4.45


def test_a_saved_config_file_of_any_name_is_seen(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    shared = write(tmp_path, "lint-settings.toml", "ignore = []\n")
    lsp = LspClient(tmp_path)
    try:
        lsp.initialize(tmp_path, options={"configFile": str(shared)})
        uri = lsp.open(write(tmp_path, "accelerate.yaml", MULTI_GPU))
        assert _codes(lsp.diagnostics(uri)) == ["YAML120"]
        assert _relint(lsp, uri, 2) == ["YAML120"]
        shared.write_text('ignore = ["YAML120"]\n', encoding="utf-8")
        lsp.notify("textDocument/didSave", {"textDocument": {"uri": shared.resolve().as_uri()}})
        assert _codes(lsp.diagnostics(uri)) == []
    finally:
        assert lsp.close() == 0


def test_a_folder_is_resolved_once_while_fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    resolved: list[Path] = []
    real = folder_settings.settings_for
    monkeypatch.setattr(folder_settings, "settings_for", lambda path, options: resolved.append(path) or real(path, options))
    now = [100.0]
    cache = SettingsCache(clock=lambda: now[0])
    options = LintOptions()
    first = cache.get(tmp_path / "a.yaml", options)
    assert cache.get(tmp_path / "b.json", LintOptions()) is first and len(resolved) == 1
    now[0] += SETTINGS_TTL
    assert cache.get(tmp_path / "a.yaml", options) is not first and len(resolved) == 2
    cache.forget()
    cache.get(tmp_path / "a.yaml", options)
    ignoring = LintOptions(given=Settings(source="editor settings", selection=SelectionLayer(None, (), ("HF",))))
    assert cache.get(tmp_path / "a.yaml", ignoring).options is ignoring and len(resolved) == 4
    cache.get(tmp_path / "sub" / "a.yaml", ignoring)
    assert len(resolved) == 5  # each folder has its own


@pytest.mark.parametrize("name", [".shardlint.toml", "pyproject.toml", "setup.cfg", "setup.py", "uv.lock",
                                  "poetry.lock", "environment.yml", "requirements-dev.txt", "constraints.txt", ".git"])
def test_files_the_settings_are_read_from_drop_them(name: str) -> None:
    assert may_change_settings(Path("project") / name)


@pytest.mark.parametrize("name", ["accelerate.yaml", "ds_config.json", "train.sh"])
def test_configs_keep_them(name: str) -> None:
    assert not may_change_settings(Path("project") / name)

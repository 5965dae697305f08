"""The VS Code extension in editors/vscode: it starts `shardlint lsp` and declares the server's settings.

Building it (`npm install` + `npx @vscode/vsce package`) needs the npm registry, so it is not run
here; these checks keep the manifest in step with the server.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields

from shardlint.lsp.client_settings import SECTION, ClientSettings, parse_settings
from tests.conftest import ROOT

EXTENSION = ROOT / "editors" / "vscode"
MANIFEST = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))


def test_the_manifest_starts_the_language_server_for_configs_and_launch_files() -> None:
    source = (EXTENSION / MANIFEST["main"]).read_text(encoding="utf-8")
    assert 'require("vscode-languageclient/node")' in source and 'args: ["lsp"]' in source
    assert "vscode-languageclient" in MANIFEST["dependencies"]
    languages = ["yaml", "json", "shellscript", "markdown", "makefile"]
    assert MANIFEST["activationEvents"] == [f"onLanguage:{language}" for language in languages]
    assert f"const LANGUAGES = {json.dumps(languages)};" in source


def test_every_server_setting_is_declared_with_the_servers_default() -> None:
    declared = MANIFEST["contributes"]["configuration"]["properties"]
    prefix = SECTION + "."
    settings = {name[len(prefix):]: spec["default"] for name, spec in declared.items()}
    assert settings.pop("path") == "shardlint"  # the extension's own: which executable to run
    server_keys = {re.sub(r"_(\w)", lambda m: m[1].upper(), f.name) for f in fields(ClientSettings)}
    assert set(settings) == server_keys - {"problems"}
    assert parse_settings(settings) == parse_settings(None)  # the declared defaults are the server's
    assert parse_settings(settings).problems == ()


def test_the_build_leaves_nothing_generated_in_the_repository() -> None:
    ignored = (EXTENSION / ".gitignore").read_text(encoding="utf-8").split()
    assert "node_modules/" in ignored and "*.vsix" in ignored

"""End to end: the real server over stdio, driven like an editor drives it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.conftest import run_shardlint, write
from tests.lsp.conftest import apply_edits, workspace_edits
from tests.lsp.rpc import LspClient

BAD_FSDP = """\
compute_environment: LOCAL_MACHINE
distributed_type: FSDP
mixed_precision: no
num_processes: 2
fsdp_config:
  fsdp_version: 2
  fsdp_cpu_ram_efficient_loading: true
  fsdp_sync_module_states: false
"""
# a plain multi-GPU config whose only problem is the unquoted no
BAD_MULTI_GPU = """\
compute_environment: LOCAL_MACHINE
distributed_type: MULTI_GPU
mixed_precision: no
num_machines: 1
num_processes: 2
"""


def codes(diagnostics: list[dict]) -> list[str]:
    return sorted(d["code"] for d in diagnostics)


def test_initialize_declares_what_the_server_does(client: LspClient) -> None:
    caps = client.capabilities
    assert caps["positionEncoding"] == "utf-16"
    assert caps["codeActionProvider"]["codeActionKinds"] == ["quickfix", "source.fixAll.shardlint"]
    assert caps["hoverProvider"] is True
    assert set(caps["completionProvider"]["triggerCharacters"]) == {":", '"'}
    assert caps["textDocumentSync"]["openClose"] is True


def test_diagnostics_match_the_json_report(client: LspClient, workspace: Path) -> None:
    path = write(workspace, "json_report/accelerate.yaml", BAD_FSDP)
    uri = client.open(path)
    published = client.diagnostics(uri)
    report = json.loads(run_shardlint("check", "--format", "json", str(path)).stdout)
    assert {"FSDP100", "YAML120"} <= set(codes(published))
    expected = report["files"][0]["diagnostics"]
    # the published fixes carry titles only; their edits are the quick fixes' edits
    without_edits = [{**d, "data": {**d["data"], "fixes": [{k: v for k, v in f.items() if k != "edits"}
                                                          for f in d["data"]["fixes"]]}} for d in expected]
    assert published == without_edits
    assert any(d["data"]["fixes"] for d in expected)
    for diag in expected:
        if not diag["data"]["fixes"]:
            continue
        actions = client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": diag["range"],
            "context": {"diagnostics": [], "only": ["quickfix"]}})
        offered = {a["title"]: workspace_edits(a["edit"], uri) for a in actions
                   if a["diagnostics"][0]["code"] == diag["code"] and a["diagnostics"][0]["range"] == diag["range"]}
        for fix in diag["data"]["fixes"]:
            title = fix["title"] if fix["safety"] == "safe" else f"{fix['title']} (unsafe)"
            assert offered[title] == fix["edits"]


def test_quick_fix_applied_clears_the_diagnostic(client: LspClient, workspace: Path) -> None:
    path = write(workspace, "quickfix/accelerate.yaml", BAD_MULTI_GPU)
    uri = client.open(path)
    before = client.diagnostics(uri)
    diag = next(d for d in before if d["code"] == "YAML120")
    assert diag["range"]["start"] == {"line": 2, "character": 17}

    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diag["range"],
        "context": {"diagnostics": [diag], "triggerKind": 1}})
    quick = [a for a in actions if a["kind"] == "quickfix"]
    quick = [a for a in quick if a["diagnostics"][0]["code"] == "YAML120"]
    assert [a["title"] for a in quick] == ["Quote the value as 'no'", "Disable YAML120 on this line"]
    assert quick[0]["isPreferred"] is True and quick[0]["diagnostics"][0]["code"] == "YAML120"
    edit = quick[0]["edit"]
    assert edit["documentChanges"][0]["textDocument"] == {"uri": uri, "version": 1}

    fixed = apply_edits(path.read_text(), workspace_edits(edit, uri))
    assert fixed == BAD_MULTI_GPU.replace("mixed_precision: no", "mixed_precision: 'no'")
    client.change(uri, fixed, 2)
    after = client.diagnostics(uri, version=2)
    assert after == [d for d in before if d["range"] != diag["range"]]  # nothing else was wrong


def test_disable_on_this_line_suppresses_the_finding(client: LspClient, workspace: Path) -> None:
    path = write(workspace, "suppress/accelerate.yaml", BAD_MULTI_GPU)
    uri = client.open(path)
    diag = next(d for d in client.diagnostics(uri) if d["code"] == "YAML120")
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}})
    (disable,) = [a for a in actions if a["title"] == "Disable YAML120 on this line"]
    assert "isPreferred" not in disable
    suppressed = apply_edits(path.read_text(), workspace_edits(disable["edit"], uri))
    assert "mixed_precision: no  # shardlint: disable=YAML120\n" in suppressed
    client.change(uri, suppressed, 2)
    assert "YAML120" not in codes(client.diagnostics(uri, version=2))


def test_no_quick_fix_away_from_the_diagnostic(client: LspClient, workspace: Path) -> None:
    path = write(workspace, "elsewhere/accelerate.yaml", BAD_MULTI_GPU)
    uri = client.open(path)
    client.diagnostics(uri)
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 3}},
        "context": {"diagnostics": [], "only": ["quickfix"]}})
    assert actions is None


def test_fix_all_safe_source_action(client: LspClient, workspace: Path) -> None:
    path = write(workspace, "fixall/accelerate.yaml", BAD_FSDP)
    uri = client.open(path)
    assert {"FSDP100", "YAML120"} <= set(codes(client.diagnostics(uri)))
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        "context": {"diagnostics": [], "only": ["source.fixAll"]}})
    assert [(a["kind"], a["title"]) for a in actions] == [("source.fixAll.shardlint", "shardlint: fix all safe problems")]
    fixed = apply_edits(path.read_text(), workspace_edits(actions[0]["edit"], uri))
    assert "mixed_precision: 'no'\n" in fixed
    client.change(uri, fixed, 2)
    remaining = client.diagnostics(uri, version=2)
    assert not {"FSDP100", "YAML120"} & set(codes(remaining))
    assert not any(f["safety"] == "safe" for d in remaining for f in d["data"]["fixes"])


def test_hover_on_a_key_shows_schema_and_fired_rule(client: LspClient, workspace: Path) -> None:
    path = write(workspace, "hover/accelerate.yaml", BAD_FSDP)
    uri = client.open(path)
    client.diagnostics(uri)
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": 7, "character": 6}})
    text = hover["contents"]["value"]
    assert hover["contents"]["kind"] == "markdown"
    assert hover["range"] == {"start": {"line": 7, "character": 2}, "end": {"line": 7, "character": 25}}
    assert "fsdp_config.fsdp_sync_module_states" in text
    assert "Broadcast rank 0's module states" in text  # the schema's description
    assert "**Default:** `true`" in text
    assert "**FSDP100** (error)" in text and "uninitialised weights" in text  # the rule's rationale
    assert "docs/rules/FSDP100.md" in text

    value = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                   "position": {"line": 2, "character": 18}})
    assert "`'no'`, `fp16`, `bf16`, `fp8`" in value["contents"]["value"]
    assert "**YAML120**" in value["contents"]["value"]


def test_completion_offers_schema_keys_and_values(client: LspClient, workspace: Path) -> None:
    text = "compute_environment: LOCAL_MACHINE\ndistributed_type: FSDP\nfsdp_config:\n  fsdp_version: 2\n  fsdp_sh"
    path = write(workspace, "complete/accelerate.yaml", text)
    uri = client.open(path)
    client.diagnostics(uri)
    keys = client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                      "position": {"line": 4, "character": 9}})
    labels = [item["label"] for item in keys["items"]]
    assert "fsdp_sharding_strategy" in labels and "fsdp_state_dict_type" in labels
    assert "fsdp_version" not in labels  # already there
    assert "ec2_instance_type" not in labels and "distributed_type" not in labels
    item = next(i for i in keys["items"] if i["label"] == "fsdp_sharding_strategy")
    assert item["textEdit"] == {"range": {"start": {"line": 4, "character": 2}, "end": {"line": 4, "character": 9}},
                                "newText": "fsdp_sharding_strategy: "}

    client.change(uri, text[:-len("fsdp_sh")] + "fsdp_sharding_strategy: ", 2)
    values = client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                        "position": {"line": 4, "character": 26}})
    assert [i["label"] for i in values["items"]] == [
        "FULL_SHARD", "SHARD_GRAD_OP", "NO_SHARD", "HYBRID_SHARD", "HYBRID_SHARD_ZERO2"]
    assert values["items"][0]["detail"] == "default"


def test_completion_in_deepspeed_json(client: LspClient, workspace: Path) -> None:
    text = '{\n  "train_micro_batch_size_per_gpu": 1,\n  "zero_optimization": {"stage": 3, "off'
    path = write(workspace, "complete/ds_config.json", text + '"}}\n')
    uri = client.open(path)
    client.diagnostics(uri)
    client.change(uri, text, 2)
    result = client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                        "position": {"line": 2, "character": len(text.split("\n")[2])}})
    labels = [i["label"] for i in result["items"]]
    assert "offload_optimizer" in labels and "stage" not in labels
    item = next(i for i in result["items"] if i["label"] == "offload_optimizer")
    assert item["textEdit"]["newText"] == '"offload_optimizer": '

    client.change(uri, text + '"}, "bf16": {"enabled": 1}}\n', 3)
    stage = text.split("\n")[2].index("3")
    values = client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                        "position": {"line": 2, "character": stage}})
    assert [i["label"] for i in values["items"]] == ["0", "1", "2", "3", '"auto"']
    assert values["items"][0]["textEdit"]["range"]["end"] == {"line": 2, "character": stage + 1}
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": 2, "character": stage - 5}})
    assert "ZeRO stage" in hover["contents"]["value"] and "`zero_optimization.stage`" in hover["contents"]["value"]
    booleans = client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                          "position": {"line": 2, "character": len(text.split("\n")[2]) + 25}})
    assert [i["label"] for i in booleans["items"]][:2] == ["true", "false"]


def test_editing_a_linked_deepspeed_json_relints_its_accelerate_config(client: LspClient, workspace: Path) -> None:
    folder = workspace / "linked"
    ds = write(folder, "ds_config.json", '{"zero_optimization": {"stage": 2}, "train_micro_batch_size_per_gpu": 1}\n')
    config = write(folder / "configs", "accelerate.yaml",
                   "compute_environment: LOCAL_MACHINE\ndistributed_type: DEEPSPEED\nnum_processes: 2\n"
                   "deepspeed_config:\n  deepspeed_config_file: linked/ds_config.json\n")
    config_uri = client.open(config)
    assert not {"DSA100", "DSA101"} & set(codes(client.diagnostics(config_uri)))
    ds_uri = client.open(ds)
    client.diagnostics(ds_uri)

    broken = '{"zero_optimization": {"stage": 2},\n'
    client.change(ds_uri, broken, 2)
    ds.write_text(broken, encoding="utf-8")
    client.notify("textDocument/didSave", {"textDocument": {"uri": ds_uri}})
    assert "DSA101" in codes(client.diagnostics(config_uri))  # the JSON no longer parses

    ds.unlink()
    client.notify("textDocument/didClose", {"textDocument": {"uri": ds_uri}})
    assert "DSA100" in codes(client.diagnostics(config_uri))  # the JSON is gone

    ds.write_text('{"zero_optimization": {"stage": 3}}\n', encoding="utf-8")  # created outside the editor
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": ds_uri, "type": 1}]})
    assert not {"DSA100", "DSA101"} & set(codes(client.diagnostics(config_uri)))


def test_unsaved_edits_to_a_linked_json_count(client: LspClient, workspace: Path) -> None:
    folder = workspace / "unsaved"
    ds = write(folder, "ds.json", '{"zero_optimization": {"stage": 2}}\n')
    config = write(folder, "accelerate.yaml", "compute_environment: LOCAL_MACHINE\ndistributed_type: DEEPSPEED\n"
                   "num_processes: 2\ndeepspeed_config:\n  deepspeed_config_file: ds.json\n")
    config_uri = client.open(config)
    assert "DSA101" not in codes(client.diagnostics(config_uri))
    ds_uri = client.open(ds)
    client.diagnostics(ds_uri)
    client.change(ds_uri, '{"zero_optimization": ', 2)  # typed, not saved
    assert "DSA101" in codes(client.diagnostics(config_uri))
    client.change(ds_uri, '{"zero_optimization": {"stage": 3}}', 3)
    assert "DSA101" not in codes(client.diagnostics(config_uri))


def test_typing_is_debounced_into_one_lint_of_the_last_version(client: LspClient, workspace: Path) -> None:
    path = write(workspace, "typing/accelerate.yaml", BAD_MULTI_GPU)
    uri = client.open(path)
    client.diagnostics(uri)
    text = BAD_MULTI_GPU.replace("mixed_precision: no", "mixed_precision: ")
    for version, typed in enumerate(["'", "'b", "'bf", "'bf1", "'bf16", "'bf16'"], start=2):
        client.change(uri, text.replace("mixed_precision: ", f"mixed_precision: {typed}"), version)
    published = client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
    assert published["version"] == 7
    assert "YAML120" not in codes(published["diagnostics"])


def test_closing_clears_diagnostics(client: LspClient, workspace: Path) -> None:
    path = write(workspace, "close/accelerate.yaml", BAD_MULTI_GPU)
    uri = client.open(path)
    assert client.diagnostics(uri)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []


def test_other_yaml_files_get_no_diagnostics(client: LspClient, workspace: Path) -> None:
    path = write(workspace, "other/docker-compose.yaml", "services:\n  web:\n    image: nginx\n")
    assert client.diagnostics(client.open(path)) == []
    broken = write(workspace, "other/broken.yaml", "a: [1, 2\n")
    assert codes(client.diagnostics(client.open(broken))) == ["SL001"]


def test_workspace_settings_and_project_configuration(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, "pyproject.toml", '[tool.shardlint]\nignore = ["YAML120"]\n')
    path = write(tmp_path, "accelerate.yaml", BAD_FSDP)
    lsp = LspClient(tmp_path)
    settings: dict = {"ignore": ["ACC", "DSA", "DS", "FSDP", "HF"]}
    lsp.handlers["workspace/configuration"] = lambda params: [settings]
    registered: list[str] = []
    lsp.handlers["client/registerCapability"] = lambda params: registered.extend(
        r["method"] for r in params["registrations"])
    try:
        lsp.initialize(tmp_path, capabilities={"workspace": {
            "configuration": True, "didChangeConfiguration": {"dynamicRegistration": True},
            "didChangeWatchedFiles": {"dynamicRegistration": True}}})
        uri = lsp.open(path)
        # the editor turns off whole families, the project YAML120: nothing is left
        lsp.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri and p["diagnostics"] == [])
        settings = {}
        lsp.notify("workspace/didChangeConfiguration", {"settings": None})
        found = codes(lsp.diagnostics(uri))
        assert "FSDP100" in found and "YAML120" not in found
        assert registered == ["workspace/didChangeConfiguration", "workspace/didChangeWatchedFiles"]
        settings = {"enable": False}
        lsp.notify("workspace/didChangeConfiguration", {"settings": None})
        assert lsp.diagnostics(uri) == []
    finally:
        assert lsp.close() == 0


def test_utf8_positions_and_plaintext_hovers_are_honoured(tmp_path: Path) -> None:
    text = ('distributed_type: FSDP\nnum_processes: 2\n'
            'fsdp_config: {"\U0001F600 é": 1, fsdp_sync_module_states: false}\n')
    path = write(tmp_path, "accelerate.yaml", text)
    lsp = LspClient(tmp_path)
    try:
        caps = lsp.initialize(tmp_path, capabilities={"general": {"positionEncodings": ["utf-8", "utf-16"]},
                                                      "textDocument": {"hover": {"contentFormat": ["plaintext"]}}})
        assert caps["capabilities"]["positionEncoding"] == "utf-8"
        uri = lsp.open(path)
        diag = next(d for d in lsp.diagnostics(uri) if d["code"] == "FSDP100")
        source_line = path.read_text().split("\n")[diag["range"]["start"]["line"]]
        start = source_line.index("fsdp_sync_module_states")
        assert diag["range"]["start"]["character"] == len(source_line[:start].encode("utf-8"))
        hover = lsp.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": diag["range"]["start"]})
        assert "fsdp_config.fsdp_sync_module_states" in hover["contents"]["value"]
        assert hover["contents"]["kind"] == "plaintext"  # what this client asked for
    finally:
        assert lsp.close() == 0


def test_a_garbled_message_is_answered_logged_in_one_line_and_the_server_carries_on(tmp_path: Path) -> None:
    lsp = LspClient(tmp_path)
    try:
        lsp.send_raw(b"{not json")
        assert lsp.wait_reply(None)["error"]["code"] == -32700
        assert lsp.initialize(tmp_path)["capabilities"]["hoverProvider"] is True
    finally:
        assert lsp.close() == 0
    assert "shardlint lsp: WARNING: answered a message that is not JSON with error -32700" in lsp.stderr()
    assert "Traceback" not in lsp.stderr()


def test_missing_pygls_says_how_to_install(tmp_path: Path) -> None:
    import subprocess

    code = "import sys; sys.modules['pygls'] = None; from shardlint.cli import main; sys.exit(main(['lsp']))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert result.returncode == 2
    assert "pip install 'shardlint[lsp]'" in result.stderr and "Traceback" not in result.stderr


def test_check_never_imports_the_language_server(tmp_path: Path) -> None:
    import subprocess

    path = write(tmp_path, "accelerate.yaml", BAD_FSDP)
    code = ("import sys; from shardlint.cli import main; main(['check', '--format', 'json', sys.argv[1]]); "
            "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pygls', 'lsprotocol', 'cattrs') or m.startswith('shardlint.lsp'))))")
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=30)
    assert result.stderr == "[]"


def test_a_log_file_that_cannot_be_opened_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    blocker = write(tmp_path, "blocker", "a file, not a folder")
    done = run_shardlint("lsp", "--log-file", str(blocker / "lsp.log"), input="", timeout=30)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"shardlint lsp: cannot write the log file {blocker / 'lsp.log'}: ")


def test_an_invalid_project_configuration_is_a_warning_not_failed_requests(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, ".shardlint.toml", 'selct = ["FSDP"]\n')
    path = write(tmp_path, "accelerate.yaml", BAD_FSDP)
    lsp = LspClient(tmp_path)
    try:
        lsp.initialize(tmp_path)
        uri = lsp.open(path)
        shown = lsp.wait_for("window/showMessage", lambda p: "selct" in p["message"])
        assert shown["type"] == 2 and "did you mean 'select'" in shown["message"]
        assert lsp.diagnostics(uri) == []
        at = {"line": 7, "character": 6}
        assert lsp.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": at}) is None
        assert lsp.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": {"start": at, "end": at},
                                                       "context": {"diagnostics": []}}) is None
    finally:
        assert lsp.close() == 0
    assert "Traceback" not in lsp.stderr() and "ConfigError" not in lsp.stderr()

"""Scripts, Markdown and Makefiles with launch commands in the editor: linted, and re-linted when a
file their launches name changes (as an Accelerate config is when its DeepSpeed JSON does)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write
from tests.lsp.rpc import LspClient
from tests.lsp.test_server import codes

WRAPPED = ("distributed_type: FSDP\nnum_processes: 2\nfsdp_config:\n  fsdp_version: 2\n"
           "  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP\n  fsdp_transformer_layer_cls_to_wrap: LlamaDecoderLayer\n")
LAUNCH = "accelerate launch --config_file configs/fsdp.yaml --fsdp_activation_checkpointing true train.py\n"


def test_shell_markdown_and_makefile_buffers_are_linted(client: LspClient, workspace: Path) -> None:
    folder = workspace / "launch_kinds"
    write(folder, "train.py", "")
    bad = "accelerate launch --num_proces 2 train.py"
    for name, text in (("run.sh", f"#!/bin/bash\n{bad}\n"), ("README.md", f"# Train\n\n```bash\n{bad}\n```\n"),
                       ("Makefile", f"train:\n\t{bad}\n")):
        uri = client.open(write(folder, name, text))
        found = [d for d in client.diagnostics(uri) if d["code"] == "LCH100"]
        assert len(found) == 1, name
        line = next(i for i, written in enumerate(text.split("\n")) if bad in written)
        start = found[0]["range"]["start"]
        assert (start["line"], start["character"]) == (line, text.split("\n")[line].index("--num_proces")), name


def test_a_script_is_relinted_when_the_config_it_launches_changes(client: LspClient, workspace: Path) -> None:
    folder = workspace / "launch_links"
    write(folder, "train.py", "")
    config = write(folder, "configs/fsdp.yaml", WRAPPED)
    script_uri = client.open(write(folder, "run.sh", LAUNCH))
    assert "FSDP129" not in codes(client.diagnostics(script_uri))

    # edited and saved in the editor: activation checkpointing with no wrap policy fails in prepare()
    config_uri = client.open(config)
    client.diagnostics(config_uri)
    unwrapped = WRAPPED.replace("TRANSFORMER_BASED_WRAP", "NO_WRAP").replace(
        "  fsdp_transformer_layer_cls_to_wrap: LlamaDecoderLayer\n", "")
    client.change(config_uri, unwrapped, 2)
    config.write_text(unwrapped, encoding="utf-8")
    client.notify("textDocument/didSave", {"textDocument": {"uri": config_uri}})
    assert "FSDP129" in codes(client.diagnostics(script_uri))

    # changed outside the editor
    client.notify("textDocument/didClose", {"textDocument": {"uri": config_uri}})
    client.diagnostics(script_uri)
    config.write_text(WRAPPED, encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": config_uri, "type": 2}]})
    assert "FSDP129" not in codes(client.diagnostics(script_uri))


def test_a_missing_file_a_launch_names_is_watched_until_it_exists(client: LspClient, workspace: Path) -> None:
    folder = workspace / "launch_missing"
    write(folder, "train.py", "")
    script_uri = client.open(write(folder, "docs/run.sh", "deepspeed --num_gpus 2 train.py --deepspeed ds.json\n"))
    assert "LCH106" in codes(client.diagnostics(script_uri))
    created = write(folder, "ds.json", '{"zero_optimization": {"stage": 2}}\n')
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": created.resolve().as_uri(), "type": 1}]})
    assert "LCH106" not in codes(client.diagnostics(script_uri))


def test_the_deepspeed_json_of_the_launched_config_is_followed(client: LspClient, workspace: Path) -> None:
    folder = workspace / "launch_second_level"
    write(folder, "train.py", "")
    write(folder, "configs/ds.yaml", "distributed_type: DEEPSPEED\nnum_processes: 2\n"
          "deepspeed_config:\n  deepspeed_config_file: configs/ds.json\n")
    ds = write(folder, "configs/ds.json", '{"train_batch_size": 8, "train_micro_batch_size_per_gpu": 4, '
               '"gradient_accumulation_steps": 1}\n')
    script_uri = client.open(write(folder, "run.sh", "accelerate launch --config_file configs/ds.yaml train.py\n"))
    assert "LCH114" not in codes(client.diagnostics(script_uri))  # 8 = 4 x 1 x 2 processes
    ds.write_text('{"train_batch_size": 16, "train_micro_batch_size_per_gpu": 4, '
                  '"gradient_accumulation_steps": 1}\n', encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": ds.resolve().as_uri(), "type": 2}]})
    assert "LCH114" in codes(client.diagnostics(script_uri))

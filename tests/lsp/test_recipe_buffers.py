"""Recipe files (training-arguments YAML) in the editor: hover and completion from the TrainingArguments
of the targeted transformers release."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write
from tests.lsp.rpc import LspClient

RECIPE = """\
learning_rate: 2.0e-05
num_train_epochs: 3
gradient_accumulation_steps: 4
logging_steps: 10
evaluation_strategy: steps
"""


def _hover(client: LspClient, uri: str, line: int, character: int) -> str:
    found = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": line, "character": character}})
    return found["contents"]["value"]


def test_hover_on_a_recipe_key_shows_the_training_argument(client: LspClient, workspace: Path) -> None:
    uri = client.open(write(workspace, "recipe/hover.yaml", RECIPE))
    assert "HF131" in [d["code"] for d in client.diagnostics(uri)]  # linted as a recipe

    text = _hover(client, uri, 0, 3)
    assert "**learning_rate**" in text
    assert "The initial learning rate for the optimizer." in text
    assert "**Type:** `number`" in text and "**Default:** `5.0e-05`" in text

    removed = _hover(client, uri, 4, 5)
    assert "**No longer read.** Removed in transformers 4.51.0 (last in 4.50.3); use `eval_strategy`." in removed
    assert "**HF131**" in removed


def test_completion_in_a_recipe_offers_fields_of_the_target_release(client: LspClient, workspace: Path) -> None:
    text = RECIPE.replace("evaluation_strategy: steps\n", "") + "per_dev"
    path = write(workspace, "recipe/complete.yaml", RECIPE)
    uri = client.open(path)
    client.diagnostics(uri)
    client.change(uri, text, 2)
    keys = client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                      "position": {"line": 4, "character": 7}})
    labels = [item["label"] for item in keys["items"]]
    assert "per_device_train_batch_size" in labels and "eval_strategy" in labels
    assert "learning_rate" not in labels  # already there
    assert "evaluation_strategy" not in labels and "per_gpu_train_batch_size" not in labels  # removed
    item = next(i for i in keys["items"] if i["label"] == "per_device_train_batch_size")
    assert item["textEdit"]["newText"] == "per_device_train_batch_size: "

    client.change(uri, text[:-len("per_dev")] + "ddp_backend: ", 3)
    values = client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                        "position": {"line": 4, "character": 13}})
    assert [i["label"] for i in values["items"]][:3] == ["nccl", "gloo", "mpi"]


def test_a_recipe_is_read_against_the_projects_target(client: LspClient, workspace: Path) -> None:
    folder = workspace / "recipe_old"
    write(folder, ".shardlint.toml", 'target = {transformers = "4.45"}\n')
    uri = client.open(write(folder, "recipe.yaml", RECIPE))
    assert "HF131" not in [d["code"] for d in client.diagnostics(uri)]
    text = _hover(client, uri, 4, 5)
    assert "**evaluation_strategy**" in text and "No longer read" not in text and "**Deprecated.**" not in text

    client.change(uri, RECIPE.replace("evaluation_strategy: steps\n", "") + "eval", 2)
    keys = client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                      "position": {"line": 4, "character": 4}})
    assert "evaluation_strategy" in [item["label"] for item in keys["items"]]

"""Training arguments given on a command line, over a recipe: reading, merging, and the checks."""

from __future__ import annotations

import re
from pathlib import Path

from shardlint.document import Document
from shardlint.loading.reader import read_document
from shardlint.options import FileOptions
from shardlint.training.arguments import Token, read_script_arguments, typed
from shardlint.training.given import check_gathered, gather
from shardlint.kinds import detect_kind
from tests.conftest import write

RECIPE = ("output_dir: out\nlearning_rate: 2.0e-05\nper_device_train_batch_size: 4\n"
          "gradient_accumulation_steps: 2\nfp16: true\n")


def tokens_after(text: str, script: str) -> list[Token]:
    """The words after ``script`` in a one-line command, with their offsets."""
    start = text.index(script) + len(script)
    line = text[start:].split("\n")[0]
    return [Token(m.group(), start + m.start(), start + m.end()) for m in re.finditer(r"\S+", line)]


def launching(tmp_path: Path, line: str) -> Document:
    path = write(tmp_path, "run.sh", line + "\n")
    return Document(path, "run.sh", path.read_text(), "yaml", {}, {})


def test_reading_names_values_switches_and_the_recipe():
    text = "accelerate launch train.py recipe.yaml --bf16 --learning_rate=1e-5 --fsdp 'full_shard auto_wrap' --do_train"
    args = read_script_arguments([Token("recipe.yaml", 0, 11), Token("--bf16", 12, 18),
                                  Token("--learning_rate=1e-5", 19, 39), Token("--fsdp", 40, 46),
                                  Token("full_shard auto_wrap", 47, 69), Token("--do_train", 70, 80)])
    assert args.recipe == Token("recipe.yaml", 0, 11) and args.recipe_how == "positional"
    assert [(g.name, g.value) for g in args.given] == [("bf16", True), ("learning_rate", "1e-5"),
                                                       ("fsdp", "full_shard auto_wrap"), ("do_train", True)]
    assert args.given[1].name_span == (21, 34) and args.given[1].value_span == (35, 39)
    assert text  # the offsets above follow this command line
    trl = read_script_arguments([Token("--config", 0, 8), Token("sft.yaml", 9, 17), Token("--config=x.yaml", 18, 33)])
    assert trl.recipe == Token("sft.yaml", 9, 17) and trl.recipe_how == "--config"
    assert [g.name for g in trl.given] == ["config"]  # TrlParser only takes the separate token


def test_values_are_read_as_the_field_types():
    assert typed("true", ["boolean"]) is True and typed("0", ["boolean"]) is False
    assert typed("8", ["integer"]) == 8 and typed("1e-5", ["number"]) == 1e-5
    assert typed("steps", ["string"]) == "steps" and typed("None", ["integer", "null"]) is None


def test_command_line_over_the_recipe_with_sources(tmp_path):
    recipe = read_document(write(tmp_path, "recipe.yaml", RECIPE), "recipe.yaml")
    recipe.kind = detect_kind(recipe)
    doc = launching(tmp_path, "accelerate launch train.py recipe.yaml --learning_rate 1e-5 --bf16")
    args = read_script_arguments(tokens_after(doc.text, "train.py"))
    merged, sources = gather(doc, args, recipe)
    assert merged.data["learning_rate"] == 1e-5 and merged.data["bf16"] is True and merged.data["fp16"] is True
    assert sources["learning_rate"].where == "run.sh:1:40" and sources["fp16"].where == "recipe.yaml:5"
    assert doc.text[slice(*merged.span(("fp16",)))] == "recipe.yaml"


def test_checks_report_in_the_launching_file(tmp_path):
    recipe = read_document(write(tmp_path, "recipe.yaml", RECIPE), "recipe.yaml")
    recipe.kind = detect_kind(recipe)
    assert recipe.kind == "recipe"
    doc = launching(tmp_path, "accelerate launch train.py recipe.yaml --bf16 --evaluation_strategy steps")
    args = read_script_arguments(tokens_after(doc.text, "train.py"))
    found = {d.code: d for d in check_gathered(doc, args, recipe, FileOptions())}
    assert set(found) == {"HF131", "HF140"}
    renamed = found["HF131"]
    assert doc.text[doc.index.offset(renamed.range.start):doc.index.offset(renamed.range.end)] == "evaluation_strategy"
    assert renamed.fixes[0].edits[0].new_text == "eval_strategy"
    assert "Some specified arguments are not used" in renamed.message
    assert found["HF140"].range.start.character == doc.text.index("--bf16") + 2


def test_a_rule_that_holds_for_the_recipe_alone_is_left_to_the_recipe(tmp_path):
    recipe = read_document(write(tmp_path, "recipe.yaml", RECIPE + "bf16: true\n"), "recipe.yaml")
    recipe.kind = detect_kind(recipe)
    doc = launching(tmp_path, "accelerate launch train.py recipe.yaml --learning_rate 1e-5")
    args = read_script_arguments(tokens_after(doc.text, "train.py"))
    assert check_gathered(doc, args, recipe, FileOptions()) == []

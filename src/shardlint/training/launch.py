"""The training arguments of a launch, and the checks that need the launch around them.

A launch is a Trainer run when its script reads ``TrainingArguments`` (decided from the script's
source when the repository has it; otherwise when its arguments are mostly training-argument
fields or the recipe it names looks like one; ``trl sft|dpo|...`` always). Its training
arguments are the recipe's keys with the command line over them
(:mod:`shardlint.training.given`); the checks here relate them to what ``accelerate launch``
sets up (the effective Accelerate settings) and to the DeepSpeed JSON the Trainer is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from shardlint.diagnostics import Diagnostic
from shardlint.document import Document
from shardlint.launch.effective import UNKNOWN, Effective, Setting
from shardlint.launch.launchers import Launch
from shardlint.launch.references import Reference, resolve
from shardlint.launch.shell import Word, Written
from shardlint.options import FileOptions
from shardlint.training.arguments import ScriptArguments, Token, read_script_arguments
from shardlint.training.given import Source, check_gathered, gather


class TrainingRun(NamedTuple):
    args: ScriptArguments
    recipe: Document | None
    merged: Document          # the training arguments, positioned in the launching file
    sources: dict[str, Source]
    deepspeed: Reference | None  # the JSON TrainingArguments --deepspeed names


def _load(reference: Reference | None, launching: Document) -> Document | None:
    """The file ``reference`` names, shown as the launching file's reader would find it."""
    from shardlint.kinds import detect_kind
    from shardlint.launch.effective import shown_beside
    from shardlint.loading.reader import Unreadable, read_document

    if reference is None or reference.path is None:
        return None
    try:
        doc = read_document(reference.path, shown_beside(launching.display_path, launching.path, reference.path))
    except Unreadable:
        return None
    if doc.loaded:
        doc.kind = detect_kind(doc)
    return doc if isinstance(doc.data, dict) else None


TRL_LAUNCHER_OPTIONS = frozenset({"--accelerate_config"})  # trl/cli/accelerate_config.py: for accelerate launch


def _script_words(launch: Launch) -> list[Word]:
    """The words the training script parses; for ``trl <command>``, its options that are not accelerate launch's."""
    if launch.launcher != "trl":
        return list(launch.script_args)
    from shardlint.launch.flags import accelerate_options

    launcher = accelerate_options()
    words: list[Word] = []
    for flag in launch.flags:
        if flag.name in launcher or flag.name in TRL_LAUNCHER_OPTIONS:
            continue
        words.append(flag.word)
        if flag.value is not None and flag.value.start >= flag.word.end:
            words.append(flag.value)
    return words


def training_run(launch: Launch, doc: Document, written: list[Written]) -> TrainingRun | None:
    from shardlint.training.recipes import looks_like_recipe
    from shardlint.training.scripts import arguments_look_like_training_arguments, script_parses_training_arguments

    if launch.launcher not in ("accelerate", "torchrun", "deepspeed", "trl") or launch.script is None:
        return None
    words = _script_words(launch)
    args = read_script_arguments([Token(w.value, w.start, w.end) for w in words])
    recipe_word = next((w for w in words if args.recipe is not None and w.start == args.recipe.start), None)
    recipe = _load(resolve("recipe", recipe_word, doc.path, written) if recipe_word else None, doc)
    if launch.launcher == "trl":
        reads: bool | None = True
    else:
        script = launch.script.value or ""
        reads = None
        if script.endswith(".py"):
            found = resolve("training script", launch.script, doc.path, written)
            reads = script_parses_training_arguments(found.path) if found.path is not None else None
        if reads is None:
            reads = (arguments_look_like_training_arguments([g.name for g in args.given])
                     or (recipe is not None and looks_like_recipe(recipe.data)))
    if not reads:
        return None
    merged, sources = gather(doc, args, recipe)
    deepspeed = None
    given = next((g for g in args.given if g.name == "deepspeed" and g.value_span is not None), None)
    named = merged.data.get("deepspeed")
    if given is not None and isinstance(given.value, str) and given.value.lower().endswith(".json"):
        deepspeed = resolve("DeepSpeed config", Word(given.value, *given.value_span), doc.path, written)
    elif isinstance(named, str) and named.lower().endswith(".json"):  # a recipe's, read from the launch's folder
        deepspeed = resolve("DeepSpeed config", Word(named, *merged.span(("deepspeed",))), doc.path, written)
    return TrainingRun(args, recipe, merged, sources, deepspeed)


def _value(result: Effective | None, key: str) -> Any:
    setting = result.get(key) if result is not None else None
    return None if setting is None or setting.value is UNKNOWN else setting.value


def _flag(value: Any) -> bool | None:
    from shardlint.engine.values import NORMALISERS

    read = NORMALISERS["bool"](value)
    return read if isinstance(read, bool) else None


def _at(run: TrainingRun, doc: Document, name: str) -> Any:
    return doc.index.range(*run.merged.span((name,)))


def _diagnostic(code: str, message: str, run: TrainingRun, doc: Document, name: str) -> Diagnostic:
    from shardlint.builtins import finding

    source = run.sources.get(name)
    if source is not None and source.origin == "recipe":
        message += f" ({name} in {source.where})"
    return finding(code, message, _at(run, doc, name), name)


def _compiles(given: dict[str, Any]) -> str | None:
    """The argument that switches torch.compile on (training_args.py 5.25.0 lines 1621-1622)."""
    if _flag(given.get("torch_compile")):
        return "torch_compile"
    return next((k for k in ("torch_compile_backend", "torch_compile_mode") if isinstance(given.get(k), str)), None)


def _checkpoints(given: dict[str, Any]) -> str | None:
    """The argument that turns model activation checkpointing on (the new name wins, lines 1536-1545)."""
    if "activation_checkpointing" in given and given["activation_checkpointing"] is not None:
        return "activation_checkpointing" if _flag(given["activation_checkpointing"]) else None
    return "gradient_checkpointing" if _flag(given.get("gradient_checkpointing")) else None


def launch_training_findings(run: TrainingRun, result: Effective | None, doc: Document,
                             options: FileOptions) -> list[Diagnostic]:
    given = run.merged.data
    out = check_gathered(doc, run.args, run.recipe, options)
    trainer_fsdp = bool(given.get("fsdp")) and given.get("fsdp") not in ("false", "False")
    accelerate_fsdp = _value(result, "distributed_type") == "FSDP"
    if accelerate_fsdp and not trainer_fsdp:
        version = _value(result, "fsdp_config.fsdp_version")
        compiled = _compiles(given)
        if compiled and str(version) == "1" and _flag(_value(result, "fsdp_config.fsdp_use_orig_params")) is False:
            out.append(_diagnostic("HF147", (
                f"{compiled} switches torch.compile on, but the Accelerate config runs FSDP1 with "
                "fsdp_use_orig_params false; FSDP1 needs fsdp_use_orig_params true to work with torch.compile"),
                run, doc, compiled))
        checkpointing = _checkpoints(given)
        if checkpointing and _flag(_value(result, "fsdp_config.fsdp_activation_checkpointing")):
            out.append(_diagnostic("HF148", (
                f"{checkpointing} is on while the Accelerate config sets fsdp_activation_checkpointing: the Trainer "
                "stops with \"... can't both be set to True. Use FSDP's activation checkpointing when using FSDP\"; "
                f"set {checkpointing} to false"), run, doc, checkpointing))
    if accelerate_fsdp and trainer_fsdp:
        out.extend(_fsdp_settings_replaced(run, result, doc, options))
    out.extend(_deepspeed_mismatches(run, result, doc))
    out.extend(_precision_override(run, result, doc))
    out.extend(_replaced_deepspeed_file(run, result, doc))
    out.extend(_yaml_fields_beside_recipe_deepspeed(run, result, doc))
    return out


def _yaml_fields_beside_recipe_deepspeed(run: TrainingRun, result: Effective | None, doc: Document) -> list[Diagnostic]:
    """The config's DeepSpeed fields beside a ``deepspeed`` JSON a recipe names (the command line's is
    checked with the launch)."""
    from shardlint.launch.checks import fields_beside_recipe_json

    source = run.sources.get("deepspeed")
    if run.deepspeed is None or source is None or source.origin != "recipe" or result is None \
            or _value(result, "distributed_type") != "DEEPSPEED" \
            or result.get("deepspeed_config.deepspeed_config_file") is not None:
        return []
    found = fields_beside_recipe_json(result, run.deepspeed.word.value or "", run.deepspeed.word)
    return [_diagnostic(found.code, found.message, run, doc, "deepspeed")] if found is not None else []


def _launch_deepspeed_file(result: Effective, setting: Setting, doc: Document) -> Path | None:
    """The DeepSpeed JSON the launch itself names: ``--deepspeed_config_file``, else the Accelerate config's."""
    if setting.value is UNKNOWN:
        return None
    if setting.source == "flag" and setting.word is not None:
        return resolve("DeepSpeed config file", setting.word, doc.path, []).path
    if setting.source == "yaml" and result.config is not None:
        from shardlint.engine.link import resolve as resolve_linked

        linked = resolve_linked(result.config, {}).document
        return linked.path if linked is not None else None
    return None


def _replaced_deepspeed_file(run: TrainingRun, result: Effective | None, doc: Document) -> list[Diagnostic]:
    """TrainingArguments ``deepspeed`` builds ``DeepSpeedPlugin(hf_ds_config=...)`` (training_args.py 5.24.0
    lines 1710-1715); the plugin reads ACCELERATE_DEEPSPEED_CONFIG_FILE only when no hf_ds_config is given
    (accelerate utils/dataclasses.py 1.15.0 lines 1264-1265), so the launch's own JSON is not used."""
    if run.deepspeed is None or run.deepspeed.path is None or result is None \
            or _value(result, "distributed_type") != "DEEPSPEED":
        return []
    setting = result.get("deepspeed_config.deepspeed_config_file")
    launched = _launch_deepspeed_file(result, setting, doc) if setting is not None else None
    if setting is None or launched is None or launched.resolve() == run.deepspeed.path.resolve():
        return []
    return [_diagnostic("HF151", (
        f"deepspeed {run.deepspeed.word.value} in the training arguments replaces deepspeed_config_file "
        f"{setting.value} ({setting.where}): the Trainer hands its own JSON to Accelerate's DeepSpeedPlugin, "
        "which then ignores the launch's file without a message; name one DeepSpeed JSON"), run, doc, "deepspeed")]


def _deepspeed_json(run: TrainingRun, result: Effective | None, doc: Document) -> tuple[Document, str] | None:
    """The DeepSpeed JSON the Trainer compares with: TrainingArguments --deepspeed, else the
    Accelerate config's deepspeed_config_file (propagate_args_to_deepspeed, trainer.py 5.25.0 lines 886-887)."""
    loaded = _load(run.deepspeed, doc)
    if loaded is not None:
        return loaded, run.deepspeed.word.value or ""  # type: ignore[union-attr]
    if _value(result, "distributed_type") != "DEEPSPEED":
        return None
    path = _value(result, "deepspeed_config.deepspeed_config_file")
    if not isinstance(path, str) or result is None or result.config is None:
        return None
    from shardlint.engine.link import resolve as resolve_linked

    link = resolve_linked(result.config, {})
    if link.document is None or not isinstance(link.document.data, dict):
        return None
    return link.document, path


def _written(value: Any) -> str:
    """A value as JSON writes it, so that a quoted "8" shows its quotes."""
    import json

    return json.dumps(value)


def _deepspeed_mismatches(run: TrainingRun, result: Effective | None, doc: Document) -> list[Diagnostic]:
    from shardlint.training.deepspeed_match import mismatches

    found = _deepspeed_json(run, result, doc)
    if found is None:
        return []
    deepspeed, shown = found
    out = []
    for m in mismatches(deepspeed.data, run.merged.data):
        out.append(_diagnostic("HF149", (
            f"{shown} sets {m.key} to {_written(m.ds_value)} but the training arguments give "
            f"{' / '.join(m.fields)} = {_written(m.hf_value)}: the Trainer stops when training starts with \"Please correct "
            "the following DeepSpeed config values that mismatch TrainingArguments values\" (values are compared "
            "as written: \"8\" is not 8); write \"auto\" in the JSON"), run, doc, m.at))
    from shardlint.launch.effective import world_size
    from shardlint.training.deepspeed_match import batch_mismatch

    size = world_size(result) if result is not None else None
    batch = batch_mismatch(deepspeed.data, run.merged.data, size[0]) if size is not None else None
    if batch is not None and size is not None:
        terms = " x ".join(f"{name} {value}" for name, value in batch.factors)
        out.append(_diagnostic("HF149", (
            f"{shown} sets train_batch_size to {batch.ds_value} but the Trainer computes {terms} = {batch.expected} "
            f"(world size from {size[1]}) and stops when training starts with \"Please correct the following "
            "DeepSpeed config values that mismatch TrainingArguments values\"; write \"auto\" in the JSON"),
            run, doc, batch.at))
    return out


def _precision_override(run: TrainingRun, result: Effective | None, doc: Document) -> list[Diagnostic]:
    """TrainingArguments fp16/bf16 replace ACCELERATE_MIXED_PRECISION (training_args.py 5.25.0 lines 1614-1618)."""
    setting = result.get("mixed_precision") if result is not None else None
    if setting is None or setting.source == "default" or setting.value is UNKNOWN:
        return []
    if _value(result, "distributed_type") == "DEEPSPEED":
        return []  # the DeepSpeed JSON decides; HF149 compares it with the arguments
    given = run.merged.data
    chosen = next((p for p in ("fp16", "bf16") if _flag(given.get(p))), None)
    launched = str(setting.value).lower() if setting.value is not False else "no"
    if chosen is None or chosen == launched:
        return []
    return [_diagnostic("HF150", (
        f"{chosen} in the training arguments replaces mixed_precision {launched} from {setting.where}: the Trainer "
        f"trains in {chosen} without a message; make them agree"), run, doc, chosen)]


# fsdp_config keys whose plugin arguments the Trainer always passes when ``fsdp`` is set
# (training_args.py 5.24.0 lines 2826-2871: version, auto_wrap_policy, state_dict_type, reshard_after_forward)
TRAINER_FILLS = ("fsdp_version", "fsdp_auto_wrap_policy", "fsdp_state_dict_type", "fsdp_reshard_after_forward",
                 "fsdp_sharding_strategy")
PLUGIN_FROM_ARGUMENTS = "5.10.1"  # the release whose TrainingArguments build the plugin arguments this way


def _fsdp_settings_replaced(run: TrainingRun, result: Effective | None, doc: Document,
                            options: FileOptions) -> list[Diagnostic]:
    """HF152: the Trainer's own FSDP plugin replaces what the launch's FSDP config sets."""
    from shardlint.engine.versions import parse_version, target_versions

    if result is None or target_versions(options.target)["transformers"] < parse_version(PLUGIN_FROM_ARGUMENTS):
        return []
    lost = [f"{key} ({setting.where})" for key in TRAINER_FILLS
            if (setting := result.get(f"fsdp_config.{key}")) is not None and setting.source in ("yaml", "flag")]
    if not lost:
        return []
    return [_diagnostic("HF152", (
        "fsdp in the training arguments makes the Trainer build its own FSDP plugin from fsdp_config "
        "(version 2, TRANSFORMER_BASED_WRAP, FULL_STATE_DICT and resharding unless fsdp_config says otherwise), "
        f"which Accelerate uses instead of the launch's: {', '.join(lost)} silently never take effect; "
        "drop fsdp from the training arguments and keep the Accelerate config, or move these settings into fsdp_config"),
        run, doc, "fsdp")]

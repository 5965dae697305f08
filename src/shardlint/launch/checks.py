"""Checks on the merged launch: flags against each other, against the YAML and the DeepSpeed JSON."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator, NamedTuple

from shardlint.launch.effective import UNKNOWN, Effective, flag_count, world_size
from shardlint.launch.launchers import Flag, Launch
from shardlint.launch.references import resolve
from shardlint.launch.shell import Word, Written
from shardlint.semantics.accelerate import deepspeed_plugin_fills
from shardlint.semantics.launch_flags import flags_of

# _validate_launch_command: "You can only use one of `--cpu`, `--multi_gpu`, `--tpu`, `--use_deepspeed`,
# `--use_fsdp` at a time." (--use_megatron_lm is not counted)
EXCLUSIVE = ("--cpu", "--multi_gpu", "--tpu", "--use_deepspeed", "--use_fsdp")
# utils/launch.py:prepare_deepspeed_cmd_env exports these; the DDP and FSDP paths never read them
DEEPSPEED_ONLY = ("--gradient_accumulation_steps", "--gradient_clipping")


class Finding(NamedTuple):
    code: str
    message: str
    word: Word
    drop: Flag | None = None  # a flag the fix removes, when removing it changes nothing that runs


def launch_findings(result: Effective, script: Path, written: list[Written]) -> Iterator[Finding]:
    launch = result.launch
    yield from _batch_arithmetic(result, script, written)
    yield from _visible_devices(result)
    if launch.launcher != "accelerate":
        return
    flags = {f.option.flag: f for f in launch.flags if f.option is not None}
    given = [f for f in launch.flags if f.option is not None and f.option.flag in EXCLUSIVE]
    if len({f.option.flag for f in given}) > 1:  # type: ignore[union-attr]
        yield Finding("LCH107", f"{given[-1].name} together with {given[0].name}: accelerate launch allows only one "
                      "of --cpu, --multi_gpu, --tpu, --use_deepspeed and --use_fsdp", given[-1].word)
    multi = flags.get("--multi_gpu")
    processes = _known_int(flags.get("--num_processes"))
    if multi is not None and processes is not None and processes < 2:
        yield Finding("LCH108", f"--multi_gpu with --num_processes {processes}: accelerate launch stops with "
                      "'You need to use at least 2 processes to use `--multi_gpu`'", flags["--num_processes"].value)
    yield from _paradigm_against_yaml(result)
    yield from _yaml_fields_beside_flag_file(result)
    yield from _ignored_deepspeed_flags(result, flags, script, written)
    yield from _world_size(result)


def _known_int(flag: Flag | None) -> int | None:
    if flag is None or flag.value is None or flag.value.value is None:
        return None
    try:
        return int(flag.value.value)
    except ValueError:
        return None


def _paradigm_against_yaml(result: Effective) -> Iterator[Finding]:
    setting = result.get("distributed_type")
    if result.config is None or setting is None or setting.source != "flag" or setting.word is None:
        return
    data = result.config.data if isinstance(result.config.data, dict) else {}
    written = data.get("distributed_type")
    if not isinstance(written, str) or written == setting.value:
        return
    if setting.value == "MULTI_GPU" and written.startswith("MULTI_"):
        return
    ignored = [s for s, t in (("fsdp_config", "FSDP"), ("deepspeed_config", "DEEPSPEED"),
                              ("megatron_lm_config", "MEGATRON_LM")) if data.get(s) and t != setting.value]
    tail = f"; its {', '.join(ignored)} is not used" if ignored else ""
    yield Finding("LCH109", f"the flag runs {setting.value}, overriding distributed_type {written} of "
                  f"{result.config.display_path}{tail}", setting.word)


def refused_beside_file(result: Effective) -> list[str]:
    """The config file's fields DeepSpeedPlugin._deepspeed_config_checks refuses beside a DeepSpeed JSON
    (its deepspeed_config keys, and mixed_precision when the config sets it: ACCELERATE_CONFIG_DS_FIELDS)."""
    if result.config is None or not isinstance(result.config.data, dict):
        return []
    section = result.config.data.get("deepspeed_config")
    # DeepSpeedPlugin._deepspeed_config_checks refuses the fields the plugin fills into the JSON
    fields = [path[-1] for path in deepspeed_plugin_fills() if isinstance(section, dict) and path[-1] in section]
    mixed = result.get("mixed_precision")
    if mixed is not None and mixed.source == "yaml" and result.config.data.get("mixed_precision") is not None:
        fields.append("mixed_precision")
    return fields


def fields_beside_recipe_json(result: Effective, json_name: str, anchor: Word) -> Finding | None:
    """LCH117 for a DeepSpeed JSON a training recipe's ``deepspeed:`` names (TrainingArguments builds the
    plugin from it) beside the config file's refused fields."""
    fields = refused_beside_file(result)
    if not fields or result.config is None:
        return None
    return Finding("LCH117", f"{result.config.display_path} sets {', '.join(fields)} beside the recipe's "
                   f"deepspeed {json_name} (TrainingArguments builds the plugin from it): Accelerate stops with "
                   "'When using `deepspeed_config_file`, the following accelerate config variables will be "
                   "ignored'; set them in the DeepSpeed JSON (a --mixed_precision flag is allowed)", anchor)


def _yaml_fields_beside_flag_file(result: Effective) -> Iterator[Finding]:
    """A DeepSpeed JSON from the command line (``--deepspeed_config_file``, or the Trainer's ``--deepspeed``
    after the script) with DeepSpeed fields (or mixed_precision) in the config file: both reach
    DeepSpeedPlugin._deepspeed_config_checks with the YAML's fields in ACCELERATE_CONFIG_DS_FIELDS."""
    paradigm = result.get("distributed_type")
    if result.config is None or paradigm is None or paradigm.value != "DEEPSPEED" \
            or not isinstance(result.config.data, dict):
        return
    file_setting = result.get("deepspeed_config.deepspeed_config_file")
    if file_setting is not None and file_setting.source == "flag":
        anchor, how = file_setting.word, "the --deepspeed_config_file of this launch"
    else:
        args = result.launch.script_args
        given = [args[i + 1] for i, w in enumerate(args[:-1]) if w.value == "--deepspeed"]
        if not given or file_setting is not None:
            return
        anchor, how = given[-1], "the training script's --deepspeed (TrainingArguments builds the plugin from it)"
    fields = refused_beside_file(result)
    if fields and anchor is not None:
        yield Finding("LCH117", f"{result.config.display_path} sets {', '.join(fields)} beside {how}: "
                      "Accelerate stops with 'When using `deepspeed_config_file`, the following accelerate "
                      "config variables will be ignored'; set them in the DeepSpeed JSON (a --mixed_precision "
                      "flag is allowed)", anchor)


def _ignored_deepspeed_flags(result: Effective, flags: dict[str, Flag], script: Path,
                             written: list[Written]) -> Iterator[Finding]:
    paradigm = result.get("distributed_type")
    file_setting = result.get("deepspeed_config.deepspeed_config_file")
    if paradigm is None or paradigm.value == UNKNOWN:
        return
    if paradigm.value != "DEEPSPEED":
        for name in DEEPSPEED_ONLY:
            if name in flags:
                yield Finding("LCH111", f"{name} is only passed on to DeepSpeed; with {paradigm.value} accelerate "
                              "launch ignores it (set it in the training script or its arguments)", flags[name].word,
                              flags[name])
        return
    if file_setting is None or file_setting.value == UNKNOWN:
        return
    json_doc = _load_json(result, file_setting, script, written)
    if json_doc is None:
        return
    # DeepSpeedPlugin.__post_init__ fills the JSON from these settings only where it says "auto"
    given = [(joined.option.flag, key) for path, key in deepspeed_plugin_fills().items()
             for joined in flags_of(path, result.launch.parser)]
    for name, key in given:
        flag = flags.get(name)
        if flag is None:
            continue
        found, value = _get(json_doc.data, key)
        if found and value == "auto":
            continue
        state = f"sets {'.'.join(key)} to {value!r}" if found else f"does not set {'.'.join(key)} to 'auto'"
        yield Finding("LCH110", f"{name} is ignored: {json_doc.display_path} {state}, and only 'auto' values of a "
                      "deepspeed_config_file are filled from the launch", flag.word, flag)


def _load_json(result: Effective, setting: Any, script: Path, written: list[Written]) -> Any:
    word = setting.word if setting.word is not None else Word(str(setting.value), 0, 0)
    return _read_json(word, script, written)


def _read_json(word: Word, script: Path, written: list[Written]) -> Any:
    from shardlint.loading.reader import Unreadable, read_document

    ref = resolve("DeepSpeed config file", word, script, written)  # opened from the launch's directory (A49)
    if ref.path is None or not ref.path.is_file():
        return None
    try:
        doc = read_document(ref.path, str(word.value))
    except Unreadable:
        return None
    return doc if isinstance(doc.data, dict) else None


def _get(data: Any, key: tuple[str, ...]) -> tuple[bool, Any]:
    for part in key:
        if not isinstance(data, dict) or part not in data:
            return False, None
        data = data[part]
    return True, data


def _world_size(result: Effective) -> Iterator[Finding]:
    processes, machines = result.get("num_processes"), result.get("num_machines")
    if processes is None or machines is None or "flag" not in (processes.source, machines.source):
        return
    p, m = processes.value, machines.value
    if not isinstance(p, int) or not isinstance(m, int) or isinstance(p, bool) or m < 1 or p < 1 or p % m == 0:
        return
    anchor = processes if processes.source == "flag" else machines
    if anchor.word is None:
        return
    yield Finding("LCH112", f"num_processes {p} is the total over all machines and is not divisible by "
                  f"num_machines {m}: each machine starts {p // m} processes, {p - p // m * m} fewer in all",
                  anchor.word)


def _deepspeed_jsons(result: Effective) -> Iterator[tuple[Word, bool]]:
    """The DeepSpeed JSONs the launch hands to DeepSpeed, each with whether Accelerate's plugin reads it
    (then an absent gradient_accumulation_steps is 1: DeepSpeedPlugin.__post_init__)."""
    launch = result.launch
    setting = result.get("deepspeed_config.deepspeed_config_file")
    paradigm = result.get("distributed_type")
    if setting is not None and setting.value is not UNKNOWN and paradigm is not None and paradigm.value == "DEEPSPEED":
        yield (setting.word if setting.word is not None else Word(str(setting.value), launch.head.start,
                                                                  launch.head.end)), True
    args = launch.script_args
    for i, word in enumerate(args[:-1]):
        if word.value in ("--deepspeed", "--deepspeed_config") and (args[i + 1].value or "").endswith(".json"):
            yield args[i + 1], False


def _batch_arithmetic(result: Effective, script: Path, written: list[Written]) -> Iterator[Finding]:
    """deepspeed/runtime/config.py:_batch_assertion: train_batch_size == micro x accumulation x world size."""
    size = world_size(result)
    if size is None:
        return
    world, said = size
    for word, by_accelerate in _deepspeed_jsons(result):
        doc = _read_json(word, script, written)
        if doc is None:
            continue
        batch = doc.data.get("train_batch_size")
        micro = doc.data.get("train_micro_batch_size_per_gpu")
        steps = doc.data.get("gradient_accumulation_steps", 1 if by_accelerate else None)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (batch, micro, steps)):
            continue
        if batch != micro * steps * world:
            yield Finding("LCH114", f"{doc.display_path}: train_batch_size {batch} is not "
                          f"train_micro_batch_size_per_gpu {micro} x gradient_accumulation_steps {steps} x "
                          f"world size {world} ({said}) = {micro * steps * world}: DeepSpeed stops with "
                          "'Check batch related parameters'; set train_batch_size to 'auto' or to the product",
                          word)


def visible_devices(launch: Launch) -> tuple[int, str] | None:
    """How many devices CUDA_VISIBLE_DEVICES lists for the launch (a prefix, ``env X=``, or an export
    earlier in the file), and the value; None when it is not set in the file or not known."""
    value: str | None = None
    found = False
    for name, given in launch.command.exported + launch.command.env:
        if name == "CUDA_VISIBLE_DEVICES":
            value, found = given, True
    for word in launch.command.words:
        if word is launch.head:
            break
        if (word.value or "").startswith("CUDA_VISIBLE_DEVICES="):
            value, found = word.value.split("=", 1)[1], True
    if not found or value is None or not re.fullmatch(r"[0-9]+(,[0-9]+)*", value):
        return None
    return len(value.split(",")), value


def _visible_devices(result: Effective) -> Iterator[Finding]:
    launch = result.launch
    seen = visible_devices(launch)
    if seen is None:
        return
    count, value = seen
    if launch.launcher == "deepspeed":
        flag = launch.flag("--num_gpus", "--include", "--exclude")
        nodes = flag_count(launch.flag("--num_nodes"))
        if launch.flag("--hostfile") is None and (flag is not None or (nodes or 0) > 1):
            anchor = flag if flag is not None else launch.flag("--num_nodes")
            yield Finding("LCH116", f"deepspeed ignores CUDA_VISIBLE_DEVICES={value} (and removes it) when "
                          f"{anchor.name} is given on a machine without a hostfile; it uses devices 0.. instead. "
                          f"Pass --include localhost:{value} instead", anchor.word)
        return
    per_node: int | None = None
    if launch.launcher == "accelerate":
        processes, machines = result.get("num_processes"), result.get("num_machines")
        if processes is not None and isinstance(processes.value, int) and machines is not None \
                and isinstance(machines.value, int) and machines.value >= 1:
            per_node = processes.value // machines.value
    elif launch.launcher in ("torchrun", "torch.distributed.launch"):
        per_node = flag_count(launch.flag("--nproc_per_node"))
    if per_node is not None and per_node > count:
        yield Finding("LCH115", f"CUDA_VISIBLE_DEVICES={value} shows {count} device(s) but the launch starts "
                      f"{per_node} processes per machine: local ranks {count} and above have no device "
                      "('invalid device ordinal')", launch.head)

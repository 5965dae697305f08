"""A launch command as the input of ``shardlint estimate SCRIPT[:LINE]``.

The launch package reads the command (``shardlint.launch``: the same effective launch as
``shardlint effective``); this module takes from it what memory depends on: the world size the
launcher starts, the config it runs (the effective Accelerate config: flags over the file, or the
DeepSpeed JSON the training script is given), and the training script's own arguments that name
the model, the sequence length, the micro batch and activation checkpointing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shardlint.estimate.setup import EstimateError, Loaded, from_data, load

# training-script arguments (TrainingArguments, TRL configs and common script spellings)
MODEL_ARGS = ("--model_name_or_path", "--pretrained_model_name_or_path", "--model_name", "--model_id",
              "--model", "--base_model")
SEQ_LEN_ARGS = ("--max_seq_length", "--max_length", "--max_seq_len", "--seq_length", "--seq_len",
                "--block_size", "--model_max_length", "--sequence_len")
MICRO_BATCH_ARGS = ("--per_device_train_batch_size", "--micro_batch_size", "--train_micro_batch_size_per_gpu")
CHECKPOINTING_ARGS = ("--gradient_checkpointing",)
# TrainingArguments' bool parsing (transformers.hf_argparser.string_to_bool)
_TRUE, _FALSE = frozenset({"yes", "true", "t", "y", "1"}), frozenset({"no", "false", "f", "n", "0"})
PAIRED_BACKENDS = ("FSDP", "DEEPSPEED")


@dataclass
class FromLaunch:
    """What the launch says, each value with where it was read."""

    title: str                                  # "train.sh:4 (accelerate launch)"
    loaded: Loaded
    config_path: Path                           # where the config's relative paths start
    model: str | None = None                    # as the script's arguments write it
    model_path: str | None = None               # a relative folder found from the launch's working directory
    seq_len: int | None = None
    micro_batch: int | None = None
    checkpointing: bool | None = None
    notes: list[str] = field(default_factory=list)


def is_launch_file(text: str) -> bool:
    """``SCRIPT[:LINE]`` names a script, Makefile or Markdown file rather than a config."""
    from shardlint.commands.effective import split_target
    from shardlint.launch.sniff import surface_of

    path, _ = split_target(text)
    try:
        head = path.read_bytes()[:256]
    except OSError:
        return False
    return surface_of(path, head) is not None


def read_launch(text: str, num_processes: int | None, num_machines: int | None) -> FromLaunch:
    """The launch at ``SCRIPT[:LINE]`` (the only one in the file when no line is given)."""
    from shardlint.commands.effective import covers, line_span, split_target
    from shardlint.launch.effective import effective
    from shardlint.launch.lint import read_launches
    from shardlint.launch.sniff import surface_of
    from shardlint.loading.reader import Unreadable, read_document
    from shardlint.options import FileOptions

    path, line = split_target(text)
    try:
        doc = read_document(path, str(path))
    except Unreadable as exc:
        raise EstimateError(f"{path}: {exc}") from None
    options = FileOptions()  # the defaults: no configuration, no pins
    surface = surface_of(path, doc.text[:256].encode("utf-8", "replace"))
    launches, written = read_launches(doc, surface, options) if surface is not None else ([], [])
    if line is not None:
        launches = [l for l in launches if covers(doc, l, line)]
    if not launches:
        raise EstimateError(f"{text}: no launch command found")
    if len(launches) > 1:
        lines = ", ".join(str(line_span(doc, l)[0]) for l in launches)
        raise EstimateError(f"{path} has {len(launches)} launch commands (lines {lines}): name one as {path}:LINE")
    launch = launches[0]
    result = effective(launch, doc, written, options)
    title = f"{path}:{line_span(doc, launch)[0]} ({launch.launcher}{' launch' if launch.launcher == 'accelerate' else ''})"
    out = _config(result, doc, written, title, num_processes, num_machines)
    _training_arguments(out, launch, doc)
    return out


def _config(result: Any, doc: Any, written: list, title: str, num_processes: int | None,
            num_machines: int | None) -> FromLaunch:
    """The config the launch runs, with the launch's world size unless the command line gives one."""
    from shardlint.launch.effective import world_size

    size = world_size(result)
    machines = num_machines or _machines(result)
    processes = num_processes or (size[0] if size is not None else None)
    notes = [f"world size {size[0]}: {size[1]}"] if size is not None and num_processes is None else []
    given = result.given()
    if result.launch.launcher == "accelerate" and given.get("distributed_type") in PAIRED_BACKENDS:
        base = result.config.path if result.config is not None else doc.path
        given.pop("world_size", None)
        notes.append(f"config: the effective settings of the launch ({result.config_note})")
        return FromLaunch(title, from_data(given, base, processes, machines), base, notes=notes)
    deepspeed = _deepspeed_json(result.launch, doc, written)
    if deepspeed is None:
        running = given.get("distributed_type", "no FSDP or DeepSpeed")
        raise EstimateError(f"{title}: the launch runs {running} and its training script is given no DeepSpeed "
                            "config: shardlint estimate covers FSDP and DeepSpeed launches")
    notes.append(f"config: the DeepSpeed config {deepspeed} the training script is given")
    return FromLaunch(title, load(deepspeed, processes, machines), deepspeed, notes=notes)


def _machines(result: Any) -> int | None:
    from shardlint.launch.effective import flag_count

    launch = result.launch
    if launch.launcher == "accelerate":
        setting = result.get("num_machines")
        value = setting.value if setting is not None else None
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
    if launch.launcher == "deepspeed":
        return flag_count(launch.flag("--num_nodes"))
    nodes = launch.flag("--nnodes")
    low = (nodes.value.value or "").partition(":")[0] if nodes is not None and nodes.value is not None else "1"
    return int(low) if low.isdigit() and int(low) > 0 else None


def _deepspeed_json(launch: Any, doc: Any, written: list) -> Path | None:
    from shardlint.launch.references import references

    for ref in references(launch, doc.path, written):
        if ref.role in ("DeepSpeed config", "DeepSpeed config file") and ref.path is not None:
            return ref.path
    return None


def _local_model(spec: str, script: Path) -> str:
    """A relative model folder as the launch finds it from its working directory (as its config files
    are found); a model id (or a folder not found) is left as written."""
    from shardlint.launch.references import working_directories

    if Path(spec).is_absolute():
        return spec
    return next((str(folder / spec) for folder in working_directories(script) if (folder / spec).exists()), spec)


def _arguments(launch: Any) -> dict[str, tuple[str | None, Any]]:
    """The training script's ``--name value`` / ``--name=value`` / ``--switch`` arguments, last one kept:
    name -> (value or None for a bare switch, the word). ``trl <command>`` takes them as its own options."""
    if launch.launcher == "trl":
        return {f.name: (f.value.value if f.value is not None else None, f.word) for f in launch.flags}
    out: dict[str, tuple[str | None, Any]] = {}
    args = launch.script_args
    for i, word in enumerate(args):
        value = word.value
        if value is None or not value.startswith("--"):
            continue
        name, eq, inline = value.partition("=")
        if eq:
            out[name] = (inline, word)
        elif i + 1 < len(args) and not (args[i + 1].value or "-").startswith("--"):
            out[name] = (args[i + 1].value, word)
        else:
            out[name] = (None, word)
    return out


def _training_arguments(out: FromLaunch, launch: Any, doc: Any) -> None:
    args = _arguments(launch)

    def first(names: tuple[str, ...]) -> tuple[str, str | None] | None:
        for name in names:
            if name in args:
                value, word = args[name]
                where = doc.index.range(word.start, word.end).start
                return f"{name} at {doc.display_path}:{where.line + 1}:{where.character + 1}", value
        return None

    if (found := first(MODEL_ARGS)) is not None and found[1]:
        out.model, out.model_path = found[1], _local_model(found[1], doc.path)
        out.notes.append(f"model {found[1]}: {found[0]}")
    for names, attribute in ((SEQ_LEN_ARGS, "seq_len"), (MICRO_BATCH_ARGS, "micro_batch")):
        if (found := first(names)) is not None and found[1] is not None and found[1].isdigit() and int(found[1]) > 0:
            setattr(out, attribute, int(found[1]))
            out.notes.append(f"{attribute.replace('_', ' ')} {found[1]}: {found[0]}")
    if (found := first(CHECKPOINTING_ARGS)) is not None:
        value = (found[1] or "true").lower()  # a bare --gradient_checkpointing means true (nargs="?", const=True)
        if value in _TRUE | _FALSE:
            out.checkpointing = value in _TRUE
            out.notes.append(f"activation checkpointing {'on' if out.checkpointing else 'off'}: {found[0]}")

"""The configuration an ``accelerate launch`` command runs with, and where each value comes from.

Layers merge as ``_validate_launch_command`` merges them (accelerate
``src/accelerate/commands/launch.py``, reference launch.md LF1-LF5): an explicit
flag wins; a paradigm flag (``--use_fsdp``, ``--use_deepspeed``, ``--multi_gpu``, ...)
replaces ``distributed_type``; section keys (``fsdp_config``, ``deepspeed_config``,
``dynamo_config``, ...) come from the YAML when no flag was given; a top-level key
is read from the YAML only while its option is still None, so options with a
non-None default (``--same_network``, ``--rdzv_backend``) never take the YAML
value; what is left takes the launch default of the targeted Accelerate version
(``shardlint.engine.defaults``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

from shardlint.document import Document
from shardlint.engine import paths
from shardlint.launch.launchers import Flag, Launch
from shardlint.launch.references import resolve
from shardlint.launch.shell import Word, Written
from shardlint.options import FileOptions
from shardlint.semantics.launch_flags import Option, flag_settings, flags_of, key_path

TOP_LEVEL = ("distributed_type", "num_processes", "num_machines", "machine_rank", "mixed_precision", "gpu_ids",
             "main_process_ip", "main_process_port", "same_network", "rdzv_backend", "use_cpu")
SECTION_OF = {"FSDP": "fsdp_config", "DEEPSPEED": "deepspeed_config", "MEGATRON_LM": "megatron_lm_config"}
UNKNOWN = "(unknown)"


class Setting(NamedTuple):
    key: str  # dotted config key, e.g. fsdp_config.fsdp_version
    value: Any  # UNKNOWN when a flag's value cannot be known statically
    source: str  # "flag" | "yaml" | "default" | "launch" (derived from several, e.g. the world size)
    where: str  # file:line:column of the flag, file:line of the YAML key, or "launch default (Accelerate X)"
    word: Word | None = None  # the flag's value (or the switch) for a flag


class Effective(NamedTuple):
    launch: Launch
    config: Document | None  # the --config_file document, loaded
    config_note: str  # how the config was chosen
    settings: list[Setting]

    def get(self, key: str) -> Setting | None:
        return next((s for s in self.settings if s.key == key), None)

    def given(self) -> dict[str, Any]:
        """What the flags and the config file set, nested as a config file holds it (unknown values left out)."""
        return _nested({s.key: s for s in self.settings if s.source in ("flag", "yaml")})


def _flag_value(option: Option, word: Word | None) -> Any:
    if option.value == "switch":
        return True
    if word is None or word.value is None:
        return UNKNOWN
    try:
        if option.value == "int":
            return int(word.value)
        if option.value == "float":
            return float(word.value)
    except ValueError:
        return UNKNOWN
    return word.value


def shown_beside(display: str, script: Path, path: Path) -> str:
    """``path`` as a user reads it next to the script shown as ``display``."""
    return os.path.normpath(os.path.join(os.path.dirname(display), os.path.relpath(path, script.resolve().parent)))


def _load_config(launch: Launch, script: Document, written: list[Written]) -> tuple[Document | None, str, int]:
    """The config file the launch reads, how it was chosen, and the line of the script a heredoc
    that writes it starts at (0 for a file of its own)."""
    from shardlint.loading.reader import Unreadable, read_document

    doc, note = _config_file(launch, script.path, script.display_path, written)
    if doc is not None or launch.flag("--config_file") is None:
        return doc, note, 0
    value = launch.flag("--config_file").value
    heredoc = next((w for w in written if w.content is not None and value is not None and w.path == value.value), None)
    if heredoc is None:
        return doc, note, 0
    line = script.index.range(heredoc.start, heredoc.start).start.line
    try:
        doc = read_document(script.path.parent / heredoc.path, script.display_path, text=heredoc.content)
    except Unreadable:
        return None, note, 0
    return doc, f"--config_file {heredoc.path}, written by the heredoc at {script.display_path}:{line + 1}", line


def _config_file(launch: Launch, script: Path, display: str, written: list[Written]) -> tuple[Document | None, str]:
    from shardlint.loading.reader import Unreadable, read_document

    flag = launch.flag("--config_file")
    if flag is None:
        if launch.flag("--cpu") is not None:
            return None, "no --config_file, and --cpu skips the machine's default config"
        return None, ("no --config_file: the machine's default config ($HF_HOME/accelerate/default_config.yaml) "
                      "is used if it exists; its values are not known here")
    if flag.value is None or flag.value.value is None:
        return None, "--config_file names a file that cannot be known statically"
    ref = resolve("config file", flag.value, script, written)
    if ref.path is None or not ref.path.is_file():
        return None, f"--config_file {flag.value.value} was not found"
    try:
        doc = read_document(ref.path, shown_beside(display, script, ref.path))
    except Unreadable as exc:
        return None, f"--config_file {flag.value.value}: {exc}"
    return doc, f"--config_file {doc.display_path}"


def effective(launch: Launch, doc: Document, written: list[Written],
              options: FileOptions = FileOptions()) -> Effective:
    """The effective settings of an ``accelerate launch`` command (other launchers: their own flags)."""
    from shardlint.engine.context import Context

    script, display = doc.path, doc.display_path
    config, note, shift = _load_config(launch, doc, written) if launch.launcher == "accelerate" else (None, "", 0)
    data = config.data if config is not None and isinstance(config.data, dict) else {}
    settings: dict[str, Setting] = {}

    def at(word: Word) -> str:
        start = doc.index.range(word.start, word.end).start
        return f"{display}:{start.line + 1}:{start.character + 1}"

    def from_yaml(key: str) -> Setting | None:
        found, value, written_path = paths.lookup(data, paths.parse_path(key), True)
        if not found or config is None:
            return None
        line = config.range(written_path).start.line + 1 + shift
        return Setting(key, value, "yaml", f"{config.display_path}:{line}")

    if launch.launcher != "accelerate":
        return _with_world_size(Effective(launch, None, note, _other_launcher(launch, at)))
    flags = {flag.option.flag: flag for flag in launch.flags if flag.option is not None}
    paradigm = [f for f in launch.flags if f.option is not None and f.option.paradigm is not None]
    if paradigm:
        flag = paradigm[-1]
        settings["distributed_type"] = Setting("distributed_type", flag.option.paradigm, "flag", at(flag.word), flag.word)
    for joined in flag_settings(launch.parser):
        option, key = joined.option, joined.option.config_key
        if option.precedence == "paradigm" or key in settings:
            continue
        flag = flags.get(option.flag)
        if flag is not None:
            value_word = flag.value if option.takes_value else flag.word
            settings[key] = Setting(key, _flag_value(option, flag.value), "flag", at(flag.word), value_word)
        elif option.precedence != "yaml-ignored" and (hit := from_yaml(key)) is not None:
            settings[key] = hit
        elif option.precedence == "yaml-ignored" and (hit := from_yaml(key)) is not None:
            # LF5: the option's own default is not None, so the file's value is never read
            settings[key] = Setting(key, option.default, "default",
                                    f"flag default; {hit.where} is not read")
    for key in _yaml_keys(data):
        if key not in settings and not _ignored_top_level(key, launch.parser) and (hit := from_yaml(key)) is not None:
            settings[key] = hit
    merged = Document(script, display, "", "yaml", data=_nested(settings), kind="accelerate")
    ctx = Context(merged, options)
    version = ctx.fact("accelerate-version")
    active = SECTION_OF.get(str(settings["distributed_type"].value) if "distributed_type" in settings else "")
    from shardlint.engine.defaults import ACCELERATE

    for defaulted in ACCELERATE:
        key = ".".join(defaulted)
        if key in settings or (len(defaulted) > 1 and defaulted[0] not in (active, "dynamo_config")):
            continue
        found, value = ctx.effective(defaulted)
        if found:
            settings[key] = Setting(key, value, "default", f"launch default (Accelerate {version})")
    running = settings["distributed_type"].value if "distributed_type" in settings else None
    for key, setting in settings.items():
        section = key.split(".", 1)[0] if "." in key else None
        if section in SECTION_OF.values() and section != active and running not in (None, UNKNOWN):
            settings[key] = setting._replace(where=f"{setting.where} (not used: {running} runs)")
    ordered = sorted(settings.values(), key=lambda s: (s.key.count("."), _rank(s.key)))
    return _with_world_size(Effective(launch, config, note, ordered))


def _with_world_size(result: Effective) -> Effective:
    """The number of processes in all, as a setting of its own, when the launch determines it."""
    size = world_size(result)
    if size is None:
        return result
    settings = list(result.settings)
    top = next((i for i, s in enumerate(settings) if "." in s.key), len(settings))
    settings.insert(top, Setting("world_size", size[0], "launch", size[1]))
    return result._replace(settings=settings)


def _rank(key: str) -> tuple[int, str]:
    return (TOP_LEVEL.index(key), "") if key in TOP_LEVEL else (len(TOP_LEVEL), key)


def _ignored_top_level(key: str, parser: str) -> bool:
    """Top-level keys whose option has a non-None default: the YAML value is never read (LF5)."""
    return any(f.option.precedence == "yaml-ignored" for f in flags_of(key_path(key), parser))


def _yaml_keys(data: dict[str, Any]) -> list[str]:
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            out += [f"{key}.{inner}" for inner in value if not isinstance(value[inner], (dict, list))]
        elif isinstance(key, str):
            out.append(key)
    return out


def _nested(settings: dict[str, Setting]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, setting in settings.items():
        if setting.value is UNKNOWN:
            continue
        node = out
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = setting.value
    return out


def _other_launcher(launch: Launch, at: Any) -> list[Setting]:
    """torchrun and deepspeed: their process-count flags as given."""
    out = []
    for flag in launch.flags:
        value = flag.value.value if flag.value is not None and flag.value.value is not None else (
            True if flag.value is None else UNKNOWN)
        out.append(Setting(flag.name.lstrip("-").replace("-", "_"), value, "flag", at(flag.word), flag.value))
    return out


def world_size(result: Effective) -> tuple[int, str] | None:
    """The number of processes the launch starts, and what says so; None when not known statically."""
    launch = result.launch
    if launch.launcher == "accelerate":
        setting = result.get("num_processes")
        if setting is not None and isinstance(setting.value, int) and not isinstance(setting.value, bool):
            return setting.value, f"num_processes from {setting.where}"
        return None
    if launch.launcher in ("torchrun", "torch.distributed.launch"):
        per_node, nodes = launch.flag("--nproc_per_node"), launch.flag("--nnodes")
        count = flag_count(per_node)
        span = (nodes.value.value or "") if nodes is not None and nodes.value is not None else "1"
        low, _, high = span.partition(":")
        if count is None or not low.isdigit() or (high and high != low):
            return None
        return count * int(low), f"--nproc_per_node {count} x --nnodes {low}"
    if launch.launcher == "deepspeed":
        gpus, nodes = flag_count(launch.flag("--num_gpus")), flag_count(launch.flag("--num_nodes"))
        if gpus is None or nodes is None:
            return None
        return gpus * nodes, f"--num_gpus {gpus} x --num_nodes {nodes}"
    return None


def flag_count(flag: Flag | None) -> int | None:
    value = flag.value.value if flag is not None and flag.value is not None else None
    return int(value) if value is not None and value.isdigit() and int(value) > 0 else None

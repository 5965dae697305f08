"""Who runs a launch's DeepSpeed JSON, and which JSONs it names.

Which ``"auto"`` values of a DeepSpeed JSON get filled depends on the code that hands it to DeepSpeed
(``--deepspeed-runner``). A launch shows it: a script that reads ``TrainingArguments`` runs the
Trainer; a script that calls ``deepspeed.initialize`` runs DeepSpeed itself; one that builds an
``Accelerator()`` (and neither of those) runs Accelerate alone. :mod:`shardlint.launch.settle` then
checks each such file by the runners of the launches that name it.
"""

from __future__ import annotations

from pathlib import Path

from shardlint.launch.effective import UNKNOWN, Effective
from shardlint.launch.launchers import Launch
from shardlint.launch.references import Reference, resolve
from shardlint.launch.shell import Written

# reference roles (shardlint.launch.references) of a DeepSpeed JSON the launch names
DEEPSPEED_ROLES = ("DeepSpeed config", "DeepSpeed config file")


def launch_runner(launch: Launch, script: Path, written: list[Written], trainer: bool) -> str | None:
    """``trainer``, ``deepspeed`` or ``accelerate``; None when the training script does not show it.
    ``trainer`` is the training package's decision that the launch is a Trainer run."""
    from shardlint.training.scripts import script_facts

    if trainer:
        return "trainer"
    if launch.script is None or not (launch.script.value or "").endswith(".py"):
        return None
    found = resolve("training script", launch.script, script, written)
    facts = script_facts(found.path) if found.path is not None else None
    if facts is None:
        return "deepspeed" if _deepspeed_arguments(launch) else None
    if facts.parses_training_arguments:
        return "trainer"
    if facts.initializes_deepspeed and not facts.builds_accelerator:
        return "deepspeed"
    if facts.builds_accelerator and not facts.initializes_deepspeed:
        return "accelerate"
    return None


def _deepspeed_arguments(launch: Launch) -> bool:
    """The script takes DeepSpeed's own arguments (``deepspeed.add_config_arguments``): ``--deepspeed`` as a
    switch and ``--deepspeed_config FILE``. TrainingArguments' ``--deepspeed`` needs a value and it has no
    ``--deepspeed_config``, so HfArgumentParser would stop on these: the script hands the file to
    ``deepspeed.initialize`` itself."""
    words = [word.value for word in launch.script_args]
    switch = any(word == "--deepspeed" and (following is None or following.startswith("-"))
                 for word, following in zip(words, [*words[1:], None]))
    return switch and any(word is not None and word.split("=", 1)[0] == "--deepspeed_config" for word in words)


def runner_files(result: Effective | None, refs: list[Reference]) -> list[Path]:
    """The files whose ``"auto"`` values the launch's runner decides: the DeepSpeed JSONs it hands on (a
    script's ``--deepspeed``/``--deepspeed_config``, the launch's ``--deepspeed_config_file``, the
    ``deepspeed_config_file`` of its Accelerate config) and that Accelerate config when it runs DeepSpeed."""
    out = [ref.path.resolve() for ref in refs if ref.role in DEEPSPEED_ROLES and ref.path is not None]
    setting = result.get("distributed_type") if result is not None else None
    if result is not None and result.config is not None and setting is not None and setting.value == "DEEPSPEED":
        out.append(result.config.path.resolve())
        file_setting = result.get("deepspeed_config.deepspeed_config_file")
        if file_setting is not None and file_setting.source == "yaml" and file_setting.value is not UNKNOWN:
            from shardlint.engine.link import resolve as resolve_linked

            linked = resolve_linked(result.config, {}).document
            if linked is not None:
                out.append(linked.path.resolve())
    return list(dict.fromkeys(out))

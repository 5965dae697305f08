"""Recipe keys the targeted transformers release does not have (HF130-HF132).

``HfArgumentParser`` refuses keys no dataclass of the script declares ("Some keys are not used
by the HfArgumentParser", transformers ``hf_argparser.py:HfArgumentParser.parse_dict``), so a
field removed from ``TrainingArguments`` (or added after the targeted release) stops the run.
Keys that match no field at all are left alone unless they are a near miss of one: scripts add
dataclasses of their own (``ScriptArguments``, ``ModelConfig``) whose fields shardlint cannot see.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Collection, NamedTuple

from shardlint.diagnostics import Diagnostic, Fix
from shardlint.document import Document
from shardlint.engine.versions import Version, target_versions
from shardlint.options import FileOptions


def _release(version: Version) -> str:
    from shardlint.engine.versions import format_version

    return format_version(version)


def _diagnostic(doc: Document, code: str, key: str, message: str, fix: Fix | None = None) -> Diagnostic:
    from shardlint.builtins import finding

    return finding(code, message, doc.range((key,), "key"), key, [fix] if fix else [])


class KeyProblem(NamedTuple):
    code: str        # its severity comes from the rule file
    message: str
    rename: str | None = None   # the field to write instead, when the values carry over
    safety: str = "safe"


def key_problem(key: str, present: Collection[str], transformers: Version, trl: Version) -> KeyProblem | None:
    """What is wrong with training argument ``key`` for the targeted releases; ``present`` are the
    other names given beside it (a rename must not collide with one)."""
    from shardlint.training.schema import known_names, status

    release = f"transformers {_release(transformers)}"
    known = known_names(transformers, trl)
    found = status(key, transformers, trl)
    entry = found.entry
    if found.state == "removed" and entry is not None:
        replacement = entry.get("replacement") or {}
        new = replacement.get("field")
        message = (f"`{key}` is not a TrainingArguments field in {release}: it was removed in transformers "
                   f"{entry['removed']} (last in {entry['last']}); HfArgumentParser stops with \"Some keys are not "
                   "used by the HfArgumentParser\"")
        if new and "key" in replacement:
            return KeyProblem("HF131", message + f"; set `{replacement['key']}` inside `{new}` instead")
        if new and new in known:
            return KeyProblem("HF131", message + f"; use `{new}`", _renamable(entry, new, present, known))
        return KeyProblem("HF131", message)
    if found.state == "not-yet" and entry is not None:
        return KeyProblem("HF131", (
            f"`{key}` is not a TrainingArguments field in {release}: it is not in transformers {entry['absent_in']} "
            f"and was added by {entry['since']}; HfArgumentParser stops with \"Some keys are not used by the "
            "HfArgumentParser\""))
    if found.state == "known" and entry is not None and _deprecated_in(entry, transformers):
        replacement = entry.get("replacement") or {}
        new = replacement.get("field")
        if new and new in known and "key" not in replacement:
            return KeyProblem("HF132", (
                f"`{key}` is deprecated in {release} (since {entry['deprecated']}); use `{new}`: \"{entry['help']}\""),
                _renamable(entry, new, present, known))
    if found.state == "unknown":
        near = _misspelling_of(key, transformers, trl)
        if near is not None and near not in present:
            return KeyProblem("HF130", (
                f"`{key}` is not a TrainingArguments or TRL config field in {release}; did you mean `{near}`? "
                "Unless the training script declares it in a dataclass of its own, HfArgumentParser stops "
                "with \"Some keys are not used by the HfArgumentParser\""), near, "unsafe")
    return None


def _renamable(entry: dict[str, Any], new: str, present: Collection[str], known: frozenset[str]) -> str | None:
    """``new`` when the release has it, it is not given already, and it takes the same values."""
    from shardlint.training.schema import transformers_fields

    target = transformers_fields().get(new)
    if new not in known or new in present or target is None or not set(entry["types"]) <= set(target["types"]):
        return None
    return new


def check_recipe(doc: Document, options: FileOptions) -> list[Diagnostic]:
    from shardlint.validation.edits import rename_key_fix

    target = target_versions(options.target)
    transformers, trl = target["transformers"], target["trl"]
    out = []
    for key in doc.data:
        if not isinstance(key, str):
            continue
        problem = key_problem(key, doc.data, transformers, trl)
        if problem is None:
            continue
        fix = rename_key_fix(doc, (key,), problem.rename) if problem.rename else None
        if fix is not None and problem.safety != fix.safety:
            fix = Fix(fix.title, problem.safety, fix.edits)  # type: ignore[arg-type]
        out.append(_diagnostic(doc, problem.code, key, problem.message, fix))
    out.extend(_ignored_fsdp_config_keys(doc, transformers, f"transformers {_release(transformers)}"))
    return out


# From 5.10.1 TrainingArguments._process_fsdp_args builds the FSDP plugin's arguments from
# fsdp_config itself; before, the Trainer and the environment read further keys elsewhere.
FSDP_CONFIG_READS_COMPLETE = (5, 10, 1)
# read by the Trainer rather than TrainingArguments (trainer.py, 5.25.0: is_fsdp_xla_v2_enabled)
FSDP_CONFIG_TRAINER_READS = frozenset({"xla_fsdp_v2"})


def _ignored_fsdp_config_keys(doc: Document, transformers: Version, release: str) -> list[Diagnostic]:
    from shardlint.builtins import finding
    from shardlint.training.schema import fsdp_config_reads
    from shardlint.validation.suggest import closest

    config = doc.data.get("fsdp_config")
    found = fsdp_config_reads(transformers)
    if not isinstance(config, dict) or transformers < FSDP_CONFIG_READS_COMPLETE or found is None:
        return []
    reads = found[1] | FSDP_CONFIG_TRAINER_READS
    out = []
    for key in config:
        if not isinstance(key, str):
            continue
        name = key[5:] if key.startswith("fsdp_") else key  # the prefix is stripped first
        if name in reads:
            continue
        near = closest(name, sorted(reads))
        hint = f"; did you mean `{near}`?" if near else ""
        out.append(finding("HF145", (
            f"fsdp_config.{key} is not read by TrainingArguments in {release} and is silently ignored{hint} "
            f"(it reads {', '.join(sorted(reads))})"),
            doc.range(("fsdp_config", key), "key"), f"fsdp_config.{key}"))
    return out


# a misspelling, not another word: `chat_template` is a script's own field, not `chat_template_path` cut short
MAX_TYPO_EDITS = 2
MIN_TYPO_LENGTH = 6


@lru_cache(maxsize=4096)
def _misspelling_of(key: str, transformers: Version, trl: Version) -> str | None:
    """The field ``key`` misspells (at most two edits away), if any; recipes repeat their keys, so it is kept."""
    from shardlint.training.schema import known_names
    from shardlint.validation.suggest import closest, edit_distance

    if len(key) < MIN_TYPO_LENGTH:
        return None
    candidates = sorted(n for n in known_names(transformers, trl) if abs(len(n) - len(key)) <= MAX_TYPO_EDITS)
    near = closest(key, candidates, ignore_case=False)
    if near is None or not 0 < edit_distance(key, near, MAX_TYPO_EDITS) <= MAX_TYPO_EDITS:
        return None
    return near


def _deprecated_in(entry: dict[str, Any], version: Version) -> bool:
    from shardlint.engine.versions import parse_version

    since = entry.get("deprecated")
    return bool(since) and version >= parse_version(since)

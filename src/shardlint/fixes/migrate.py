"""The FSDP1 -> FSDP2 migration: one plan, carried out as minimal text edits.

``plan_migration`` works out from Accelerate's setting model (``shardlint.semantics.accelerate``)
what migrating an FSDP1 ``fsdp_config`` changes; ``migrated_text`` makes those changes as text
edits, so comments, key order and quoting survive.  FSDP190's unsafe fix offers these edits, and
``shardlint convert --to fsdp2`` applies them before adding its notes: nothing else knows which
key becomes what.

It agrees with ``accelerate to-fsdp2`` (``src/accelerate/commands/to_fsdp2.py``) on every key
that command maps: ``fsdp_version: 2``; ``fsdp_sharding_strategy`` becomes
``fsdp_reshard_after_forward`` by its ARGUMENT_VALUE_MAPPING (FULL_SHARD and HYBRID_SHARD ->
true; SHARD_GRAD_OP, HYBRID_SHARD_ZERO2 and NO_SHARD -> false); the keys it marks REMOVED or
NOT_YET_IMPLEMENTED (``fsdp_backward_prefetch``, ``fsdp_forward_prefetch``,
``fsdp_use_orig_params``, ``fsdp_sync_module_states``) are dropped; every other key stays.

It goes further on purpose, so that the FSDP2 run does what the FSDP1 run did:

- the checkpoint format: FSDP1 defaults to FULL_STATE_DICT and FSDP2 to SHARDED_STATE_DICT
  (``FullyShardedDataParallelPlugin.__post_init__``), so an absent ``fsdp_state_dict_type`` is
  written as FULL_STATE_DICT (to-fsdp2 leaves it absent); LOCAL_STATE_DICT, which FSDP2 rejects
  (reference A28), becomes SHARDED_STATE_DICT (to-fsdp2 keeps it);
- the strategy mapped is the one FSDP1 runs: under ``accelerate launch`` the plugin always takes
  ``fsdp_sharding_strategy`` (the launcher exports it, default FULL_SHARD) and never reads
  ``fsdp_reshard_after_forward``, so a strategy name in the latter (as the FSDP1 questionnaire
  writes it) is not what decides; to-fsdp2 maps whichever of the two keys comes last;
- strategies written as integers (1..5) or in any letter case are read as Accelerate reads them
  (to-fsdp2 copies such values, and FSDP2's ``str_to_bool`` rejects all of them but ``1``), and
  so are keys without the ``fsdp_`` prefix (to-fsdp2 copies ``sharding_strategy`` as it is, which
  FSDP2 never reads);
- the old spelling ``fsdp_backward_prefetch_policy``, read by no Accelerate since 1.0, is dropped
  (to-fsdp2 copies it);
- the end-of-line comment of a dropped key stays, as a comment line in the key's place.

``fsdp_reshard_after_forward`` is written only where FSDP2's default (true, i.e. FULL_SHARD)
would differ from what the FSDP1 run did.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from shardlint.document import Document, KeyPath
from shardlint.engine.values import NORMALISERS, str_to_bool, strategy_name
from shardlint.semantics.accelerate import (FSDP1_ONLY, FSDP2_RESHARD_AFTER_FORWARD, REMOVED_UNDER_FSDP2,
                                            STATE_DICT_TYPES, key_in, newest_default)

SECTION = "fsdp_config"
_FSDP2_REJECTS = {"LOCAL_STATE_DICT": "SHARDED_STATE_DICT"}  # reference A28; the closest FSDP2 has


class Change(NamedTuple):
    """A key the migration writes."""

    key: str                     # as written in the migrated file
    value: Any
    why: str = ""                # where the value comes from (convert writes it as an end-of-line comment)
    replaces: str | None = None  # the key, as written, whose value and place it takes


class Drop(NamedTuple):
    """A key the migration removes, because FSDP2 never reads it."""

    key: str                     # as written
    canonical: str               # with the ``fsdp_`` prefix
    value: Any
    reason: str


class Migration(NamedTuple):
    """What migrating one FSDP1 ``fsdp_config`` changes (a NamedTuple: ``shardlint check`` imports this
    module and must not import ``dataclasses``)."""

    strategy: str                # the FSDP1 sharding strategy the run used
    reshard: Change | None       # None: FSDP2's default already matches
    state_dict: Change | None    # None: kept as written
    version: Change
    dropped: tuple[Drop, ...]
    blocker: str = ""            # why it cannot be done unattended ("" when it can)


def fsdp1_strategy(section: dict[str, Any]) -> tuple[str | None, str | None]:
    """(The strategy an FSDP1 run uses, the key as written it comes from).

    The key is ``None`` for the launch default, FULL_SHARD; the strategy is ``None`` for a value
    Accelerate cannot read (it raises).  ``fsdp_reshard_after_forward`` plays no part: the plugin
    fills ``sharding_strategy`` from the launcher's environment first (reference section 2, FSDP1 caveat).
    """
    key = key_in(section, "fsdp_sharding_strategy")
    if key is None:
        return newest_default(SECTION, "fsdp_sharding_strategy"), None
    return strategy_name(section[key]), key


def plan_migration(section: dict[str, Any]) -> Migration:
    """The migration of the FSDP1 ``fsdp_config`` mapping ``section`` (see the module docstring)."""
    strategy, strategy_key = fsdp1_strategy(section)
    version_key = key_in(section, "fsdp_version") or "fsdp_version"
    version = Change(version_key, 2)
    if strategy is None:
        assert strategy_key is not None
        return Migration("", None, None, version, (),
                         f"{strategy_key} {section[strategy_key]!r} is not a sharding strategy")
    state_key = key_in(section, "fsdp_state_dict_type")
    state_dict = _state_dict(section, state_key)
    if isinstance(state_dict, str):
        return Migration(strategy, None, None, version, (), state_dict)
    return Migration(strategy, _reshard(section, strategy, strategy_key), state_dict, version,
                     tuple(_dropped(section)), _blocker(section))


def _reshard(section: dict[str, Any], strategy: str, strategy_key: str | None) -> Change | None:
    value = FSDP2_RESHARD_AFTER_FORWARD[strategy]
    reshard_key = key_in(section, "fsdp_reshard_after_forward")
    if strategy_key is not None:
        why = f"from {strategy_key}: {_shown(section[strategy_key])}"
        key = reshard_key or ("fsdp_reshard_after_forward" if strategy_key.startswith("fsdp_")
                              else "reshard_after_forward")
        return Change(key, value, why, replaces=strategy_key)
    if reshard_key is None or str_to_bool(section[reshard_key]) is value:
        return None
    written = f"{reshard_key}: {_shown(section[reshard_key])}"
    if strategy_name(section[reshard_key]) == strategy:
        return Change(reshard_key, value, f"from {written}")
    return Change(reshard_key, value, f"from fsdp_sharding_strategy: {strategy} (launch default); "
                                      f"FSDP1 ignored {reshard_key}")


def _state_dict(section: dict[str, Any], key: str | None) -> Change | None | str:
    """The state dict change, ``None`` where the written one stays, or why there is none."""
    fsdp2_default = newest_default(SECTION, "fsdp_state_dict_type", fsdp_version=2)
    if key is None:
        fsdp1_default = newest_default(SECTION, "fsdp_state_dict_type", fsdp_version=1)
        return Change("fsdp_state_dict_type", fsdp1_default,
                      f"FSDP1's default; FSDP2 defaults to {fsdp2_default}")
    name = NORMALISERS["state-dict-type"](section[key])
    if name not in STATE_DICT_TYPES:
        return f"{key} {section[key]!r} is not a state dict type"
    if name in _FSDP2_REJECTS:
        return Change(key, _FSDP2_REJECTS[name], f"FSDP2 rejects {name}; {_FSDP2_REJECTS[name]} is the closest")
    return None


def _dropped(section: dict[str, Any]) -> list[Drop]:
    drops = []
    for canonical, reason in {**FSDP1_ONLY, **REMOVED_UNDER_FSDP2}.items():
        for key in (canonical, canonical.removeprefix("fsdp_")):
            if key in section:
                drops.append(Drop(key, canonical, section[key], reason))
    return drops


def _blocker(section: dict[str, Any]) -> str:
    checkpointing = key_in(section, "fsdp_activation_checkpointing")
    policy = key_in(section, "fsdp_auto_wrap_policy")
    wrap = NORMALISERS["auto-wrap-policy"](section[policy]) if policy else None
    if checkpointing and str_to_bool(section[checkpointing]) and wrap in (None, "NO_WRAP"):
        return ("FSDP2 activation checkpointing needs an auto-wrap policy (A39); "
                "set fsdp_auto_wrap_policy first")
    return ""


def _shown(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


# ---------------------------------------------------------------- the text edits
def migrated_text(doc: Document, migration: Migration) -> tuple[str | None, str]:
    """The text of ``doc`` after ``migration``, or ``None`` and why it cannot be done unattended."""
    from shardlint.fixes.edits import Operation, chain_text, rename_key, set_value

    if migration.blocker:
        return None, migration.blocker
    section = doc.data.get(SECTION) if isinstance(doc.data.get(SECTION), dict) else {}  # set_value makes one
    base: KeyPath = (SECTION,)
    touched = [change.key for change in (migration.state_dict, migration.reshard, migration.version) if change]
    touched += [migration.reshard.replaces] if migration.reshard and migration.reshard.replaces else []
    touched += [drop.key for drop in migration.dropped]
    from shardlint.fixes.layout import Layout

    layout = Layout(doc)
    paths = [base + (key,) for key in touched if key in section] + ([base] if SECTION in doc.data else [])
    if not all(layout.editable(path) for path in paths):  # an edit there would be skipped or spread
        return None, "a key it changes is anchored, aliased, tagged or merged in; migrate it by hand"
    steps: list[Operation] = []
    if migration.state_dict is not None:  # first: then the section never empties
        change = migration.state_dict
        if change.key in section:
            steps.append(lambda d: set_value(d, base + (change.key,), change.value))
        else:
            steps.append(_add_before_last(base + (migration.version.key,), change.key, change.value))
    reshard = migration.reshard
    if reshard is not None and reshard.replaces is not None and reshard.key not in section:
        old = reshard.replaces
        steps += [lambda d: set_value(d, base + (old,), reshard.value),
                  lambda d: rename_key(d, base + (old,), reshard.key)]
    elif reshard is not None:
        if reshard.replaces is not None:
            steps += _drop(base + (reshard.replaces,))
        steps.append(lambda d: set_value(d, base + (reshard.key,), reshard.value))
    for drop in migration.dropped:
        steps += _drop(base + (drop.key,))
    steps.append(lambda d: set_value(d, base + (migration.version.key,), migration.version.value))
    new_text = chain_text(doc, steps)
    return new_text, "" if new_text is not None else "the edits would not leave a loadable file"


def _add_before_last(last: KeyPath, key: str, value: Any) -> Any:
    """An operation adding ``key`` to ``last``'s mapping: on the line before ``last`` where that is the
    mapping's last key in block style (`accelerate config` writes the keys sorted), else at the end."""
    from shardlint.fixes.edits import set_value
    from shardlint.fixes.layout import Layout

    def add(doc: Document) -> list[Any]:
        node = doc.positions.get(last)
        layout = Layout(doc)
        parent = doc.get(last[:-1])
        if doc.syntax != "yaml" or node is None or node.key is None or layout.is_flow(last[:-1]) \
                or not layout.first_on_line(node.key.start) or list(parent)[-1] != last[-1]:
            return set_value(doc, last[:-1] + (key,), value)
        at = layout.line_start(node.key.start)
        return layout.edit_insert(at, layout.yaml_entry_lines(key, value, node.key.start - at))

    return add


def _drop(path: KeyPath) -> list[Any]:
    """Remove ``path``; its end-of-line comment stays, as a comment line where the key was."""
    from shardlint.fixes.edits import remove_key
    from shardlint.fixes.layout import Layout

    def keep_comment(doc: Document) -> list[Any]:
        node = doc.positions.get(path)
        if doc.syntax != "yaml" or node is None or node.key is None:
            return []
        text = doc.text
        line_start = text.rfind("\n", 0, node.key.start) + 1
        line_end = text.find("\n", node.value.end)
        line_end = len(text) if line_end < 0 else line_end
        indent = text[line_start:node.key.start]
        comment = text[node.value.end:line_end].strip()
        if indent.strip() or "\n" in text[node.key.start:node.value.end] or not comment.startswith("#"):
            return []
        newline = "\r\n" if "\r\n" in text else "\n"
        return [Layout(doc).edit(line_start, line_start, indent + comment + newline)]

    return [keep_comment, lambda doc: remove_key(doc, path)]

"""The FSDP1 -> FSDP2 migration in place: the edits of FSDP190's unsafe fix.

The migration follows ``accelerate to-fsdp2``
(``src/accelerate/commands/to_fsdp2.py:convert_config_to_fsdp2``) but edits the
text instead of re-dumping it, so comments, order and quoting survive:

- ``fsdp_version: 2``;
- ``fsdp_sharding_strategy`` becomes ``fsdp_reshard_after_forward`` (FULL_SHARD and
  HYBRID_SHARD -> true; SHARD_GRAD_OP, HYBRID_SHARD_ZERO2 and NO_SHARD -> false),
  and a strategy name already in ``fsdp_reshard_after_forward`` becomes its bool;
- ``fsdp_backward_prefetch``, ``fsdp_forward_prefetch``, ``fsdp_use_orig_params`` and
  ``fsdp_sync_module_states`` are dropped (FSDP2 ignores them; without the sync key
  the launcher's default ``true`` keeps check A15 satisfied);
- ``LOCAL_STATE_DICT``, which FSDP2 rejects (A28), becomes ``SHARDED_STATE_DICT``.

Where to-fsdp2 differs we do better on purpose: integer strategies (1..5) and any
letter case are mapped too, and when both strategy keys are set the
``fsdp_sharding_strategy`` value wins, because that is the one FSDP1 obeys.
"""

from __future__ import annotations

from typing import Any

from shardlint.diagnostics import TextEdit
from shardlint.document import Document, KeyPath
from shardlint.engine.values import str_to_bool, strategy_name
from shardlint.fixes.edits import Operation, chain, remove_key, rename_key, set_value
from shardlint.semantics.accelerate import FSDP1_ONLY, FSDP2_RESHARD_AFTER_FORWARD

_NO_WRAP = (None, "NO_WRAP")


def key_in(section: dict[str, Any], name: str) -> str | None:
    """The spelling of ``name`` present in ``fsdp_config`` (the ``fsdp_`` prefix may be left out)."""
    for candidate in (name, name.removeprefix("fsdp_")):
        if candidate in section:
            return candidate
    return None


def fsdp2_state_dict(value: Any) -> str | None:
    """The state dict type FSDP2 needs in place of an FSDP1 one, or ``None`` where it stays:
    LOCAL_STATE_DICT (any case, or its alias 2), which FSDP2 rejects (A28), becomes SHARDED_STATE_DICT."""
    return "SHARDED_STATE_DICT" if str(value).strip().upper() in ("LOCAL_STATE_DICT", "2") else None


def migration_edits(doc: Document) -> tuple[list[TextEdit], str | None]:
    """The edits of the migration, or a reason it cannot be done unattended."""
    section: dict[str, Any] = doc.data["fsdp_config"]
    base: KeyPath = ("fsdp_config",)
    policy = key_in(section, "fsdp_auto_wrap_policy")
    checkpointing = key_in(section, "fsdp_activation_checkpointing")
    if checkpointing and section[checkpointing] is True and \
            (str(section[policy]).upper() if policy else None) in _NO_WRAP:
        return [], ("FSDP2 activation checkpointing needs an auto-wrap policy (A39); "
                    "set fsdp_auto_wrap_policy first")
    # fsdp_version goes in first, so dropping keys never leaves the section empty
    version = key_in(section, "fsdp_version")
    steps: list[Operation] = [lambda d: set_value(d, base + (version or "fsdp_version",), 2)]
    strategy = key_in(section, "fsdp_sharding_strategy")
    reshard = key_in(section, "fsdp_reshard_after_forward")
    if strategy is not None:
        name = strategy_name(section[strategy])
        if name is None:
            return [], f"unknown sharding strategy {section[strategy]!r}"
        value = FSDP2_RESHARD_AFTER_FORWARD[name]
        if reshard is not None:
            steps += [lambda d: remove_key(d, base + (strategy,)),
                      lambda d: set_value(d, base + (reshard,), value)]
        else:
            new_key = "fsdp_reshard_after_forward" if strategy.startswith("fsdp_") else "reshard_after_forward"
            steps += [lambda d: set_value(d, base + (strategy,), value),
                      lambda d: rename_key(d, base + (strategy,), new_key)]
    elif reshard is not None and str_to_bool(section[reshard]) is None:  # what FSDP2 cannot read as a bool
        name = strategy_name(section[reshard])
        if name is None:
            return [], f"fsdp_reshard_after_forward {section[reshard]!r} is not a sharding strategy"
        value = FSDP2_RESHARD_AFTER_FORWARD[name]
        steps.append(lambda d: set_value(d, base + (reshard,), value))
    for dropped in FSDP1_ONLY:
        key = key_in(section, dropped)
        if key is not None:
            steps.append(lambda d, key=key: remove_key(d, base + (key,)))
    state = key_in(section, "fsdp_state_dict_type")
    if state is not None and (replacement := fsdp2_state_dict(section[state])) is not None:
        steps.append(lambda d: set_value(d, base + (state,), replacement))
    edits = chain(doc, steps)
    return edits, None if edits else "the edits would not leave a loadable file"

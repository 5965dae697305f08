"""FSDP190: an FSDP1 config, with an unsafe fix that migrates it to FSDP2 in place.

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

from shardlint.diagnostics import DOCS_BASE, Diagnostic, Fix, Severity, TextEdit
from shardlint.document import Document, KeyPath, format_path
from shardlint.engine.values import str_to_bool, strategy_name
from shardlint.fixes.edits import Operation, chain, remove_key, rename_key, set_value
from shardlint.options import LintOptions
from shardlint.semantics.accelerate import FSDP1_ONLY, FSDP2_RESHARD_AFTER_FORWARD

CODE = "FSDP190"
FSDP2_SINCE = ">=1.6.0"  # fsdp_version and `accelerate to-fsdp2` arrived in v1.6.0 (reference section 6)
_NO_WRAP = (None, "NO_WRAP")


def _key(section: dict[str, Any], name: str) -> str | None:
    """The spelling of ``name`` present in ``fsdp_config`` (the ``fsdp_`` prefix may be left out)."""
    for candidate in (name, name.removeprefix("fsdp_")):
        if candidate in section:
            return candidate
    return None


def is_fsdp1(doc: Document) -> bool:
    data = doc.data
    if not isinstance(data, dict) or str(data.get("distributed_type", "")).upper() != "FSDP":
        return False
    section = data.get("fsdp_config")
    if not isinstance(section, dict) or not section:
        return False
    version = _key(section, "fsdp_version")
    return version is None or str(section[version]).strip() == "1"


def check_fsdp1(doc: Document, options: LintOptions | None = None) -> list[Diagnostic]:
    """FSDP190 on an FSDP1 Accelerate config, with the migration as an unsafe fix.

    Quiet when the run targets an Accelerate older than 1.6, which has no FSDP2.
    """
    if doc.kind != "accelerate" or not is_fsdp1(doc) or not _targets_fsdp2(options):
        return []
    section: dict[str, Any] = doc.data["fsdp_config"]
    version = _key(section, "fsdp_version")
    at: KeyPath = ("fsdp_config", version) if version else ("fsdp_config",)
    message = ("FSDP1 config: FSDP2 (`fsdp_version: 2`, Accelerate >= 1.6, torch >= 2.6) is the default "
               "of `accelerate config` and the FSDP PyTorch recommends starting with; the fix migrates "
               "this file as `accelerate to-fsdp2` does, keeping comments")
    edits, blocker = migration_edits(doc)
    fixes = [] if blocker else [Fix("Migrate this FSDP1 config to FSDP2", "unsafe", tuple(edits))]
    if blocker:
        message += f"; no automatic migration: {blocker}"
    return [Diagnostic(CODE, Severity.HINT, message, doc.range(at), format_path(at), fixes,
                       docs_url=f"{DOCS_BASE}{CODE}.md")]


def _targets_fsdp2(options: LintOptions | None) -> bool:
    from shardlint.engine.versions import satisfies, target_versions

    return satisfies(target_versions(options.target if options else None)["accelerate"], FSDP2_SINCE)


def migration_edits(doc: Document) -> tuple[list[TextEdit], str | None]:
    """The edits of the migration, or a reason it cannot be done unattended."""
    section: dict[str, Any] = doc.data["fsdp_config"]
    base: KeyPath = ("fsdp_config",)
    policy = _key(section, "fsdp_auto_wrap_policy")
    checkpointing = _key(section, "fsdp_activation_checkpointing")
    if checkpointing and section[checkpointing] is True and \
            (str(section[policy]).upper() if policy else None) in _NO_WRAP:
        return [], ("FSDP2 activation checkpointing needs an auto-wrap policy (A39); "
                    "set fsdp_auto_wrap_policy first")
    # fsdp_version goes in first, so dropping keys never leaves the section empty
    version = _key(section, "fsdp_version")
    steps: list[Operation] = [lambda d: set_value(d, base + (version or "fsdp_version",), 2)]
    strategy = _key(section, "fsdp_sharding_strategy")
    reshard = _key(section, "fsdp_reshard_after_forward")
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
        key = _key(section, dropped)
        if key is not None:
            steps.append(lambda d, key=key: remove_key(d, base + (key,)))
    state = _key(section, "fsdp_state_dict_type")
    if state is not None and str(section[state]).strip().upper() in ("LOCAL_STATE_DICT", "2"):
        steps.append(lambda d: set_value(d, base + (state,), "SHARDED_STATE_DICT"))
    edits = chain(doc, steps)
    return edits, None if edits else "the edits would not leave a loadable file"

"""FSDP190: an FSDP1 config, with an unsafe fix that migrates it to FSDP2 in place (``fixes.migrate``)."""

from __future__ import annotations

from typing import Any

from shardlint.builtins import finding
from shardlint.diagnostics import Diagnostic, Fix
from shardlint.document import Document, KeyPath, format_path
from shardlint.options import FileOptions
from shardlint.semantics.accelerate import key_in

CODE = "FSDP190"
FSDP2_SINCE = ">=1.6.0"  # fsdp_version and `accelerate to-fsdp2` arrived in v1.6.0 (reference section 6)


def is_fsdp1(doc: Document) -> bool:
    data = doc.data
    if not isinstance(data, dict) or str(data.get("distributed_type", "")).upper() != "FSDP":
        return False
    section = data.get("fsdp_config")
    if not isinstance(section, dict) or not section:
        return False
    version = key_in(section, "fsdp_version")
    return version is None or str(section[version]).strip() == "1"


def check_fsdp1(doc: Document, options: FileOptions = FileOptions()) -> list[Diagnostic]:
    """FSDP190 on an FSDP1 Accelerate config, with the migration as an unsafe fix.

    Quiet when the run targets an Accelerate older than 1.6, which has no FSDP2.
    """
    if doc.kind != "accelerate" or not is_fsdp1(doc) or not _targets_fsdp2(options):
        return []
    section: dict[str, Any] = doc.data["fsdp_config"]
    version = key_in(section, "fsdp_version")
    at: KeyPath = ("fsdp_config", version) if version else ("fsdp_config",)
    message = ("FSDP1 config: FSDP2 (`fsdp_version: 2`, Accelerate >= 1.6, torch >= 2.6) is the default "
               "of `accelerate config` and the FSDP PyTorch recommends starting with; the fix migrates "
               "this file as `accelerate to-fsdp2` does, keeping comments and the checkpoint format")

    def migration() -> tuple[str, list[Fix]]:
        """The fix, or why there is none (the end of the message): worked out when first asked for."""
        from shardlint.fixes.migrate import migrated_text, plan_migration

        new_text, blocker = migrated_text(doc, plan_migration(section))
        if new_text is None:
            return f"; no automatic migration: {blocker}", []
        from shardlint.fixes.edits import edits_between

        return "", [Fix("Migrate this FSDP1 config to FSDP2", "unsafe", lambda: edits_between(doc, new_text))]

    return [finding(CODE, message, doc.range(at), format_path(at), pending=migration)]


def _targets_fsdp2(options: FileOptions) -> bool:
    from shardlint.engine.versions import satisfies, target_versions

    return satisfies(target_versions(options.target)["accelerate"], FSDP2_SINCE)

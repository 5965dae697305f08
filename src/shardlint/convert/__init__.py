"""``shardlint convert``: move an Accelerate config between FSDP (1 or 2) and DeepSpeed.

The equivalences are data (``table.py``); ``source.py`` reads what the source config
means, ``plan.py`` decides the target keys and the notes, ``yamledit.py`` applies them to
the YAML with ruamel.yaml so that comments and unrelated keys survive.  FSDP1 -> FSDP2 is
the migration of ``shardlint.fixes.migrate`` (FSDP190's fix): its text edits are made first,
and the plan, drawn from the same migration, then only adds the notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shardlint.convert.notes import Note, summary
from shardlint.convert.model import TARGETS, Target
from shardlint.convert.plan import build_plan
from shardlint.convert.source import ConvertError, read_source

__all__ = ["TARGETS", "Conversion", "ConvertError", "Note", "Target", "convert_text"]


@dataclass
class Conversion:
    text: str
    title: str
    notes: list[Note]

    @property
    def summary(self) -> str:
        return summary(self.title, self.notes)


def convert_text(text: str, target: Target, path: Path | None = None) -> Conversion:
    """Convert the Accelerate config ``text`` (read from ``path``, which locates a linked
    DeepSpeed JSON) to ``target``.  Raises ConvertError when it cannot."""
    from shardlint.convert.yamledit import apply
    from shardlint.fixes.migrate import migrated_text
    from shardlint.kinds import detect_kind
    from shardlint.loading.reader import read_document

    doc = read_document(path or Path("<stdin>"), str(path or "<stdin>"), text=text)
    errors = [d for d in doc.load_diagnostics if d.severity == 1]
    if not doc.loaded or errors:
        first = errors[0].message if errors else "it could not be parsed"
        raise ConvertError(f"not a loadable config: {first}")
    if doc.syntax != "yaml" or detect_kind(doc) != "accelerate":
        raise ConvertError("only Accelerate YAML configs can be converted")
    settings = read_source(doc)
    plan = build_plan(settings, doc.data, target)
    if plan.migration is not None:  # FSDP1 -> FSDP2: FSDP190's edits first; the plan then finds them made
        text, blocker = migrated_text(doc, plan.migration)
        if text is None:
            raise ConvertError(blocker)
    return Conversion(apply(text, plan), plan.title, plan.notes)

"""What a conversion approximated or left out, for the YAML comments and the stderr summary."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Literal

NoteKind = Literal["approximated", "left out", "check"]
KINDS: tuple[NoteKind, ...] = ("approximated", "left out", "check")
HEADINGS = {"approximated": "approximated", "left out": "left out", "check": "to check"}

# The comment block a conversion writes starts with this line; every later line starts with
# BLOCK_INDENT.  A later conversion recognises and replaces the block (see yamledit.scrub_notes).
BLOCK_HEADER = "# shardlint convert"
BLOCK_INDENT = "#  "
# End-of-line comments a conversion writes start with this; a later conversion drops them
# (they describe the previous source) instead of carrying them as the user's comments.
EOL_MARK = "convert:"
WIDTH = 100


@dataclass(frozen=True)
class Note:
    kind: NoteKind
    key: str        # the setting concerned, as written in the source (``fsdp_config.fsdp_min_num_params``)
    message: str


def comment_block(title: str, notes: list[Note], carried: list[str]) -> str:
    """The comment block placed above the converted section (without the ``# `` prefixes
    ruamel adds to the first column)."""
    lines = [f"{BLOCK_HEADER[2:]} {title}: read these notes, then delete them.",
             ' ("guide" is Accelerate\'s "Moving between FSDP and DeepSpeed")']
    for kind in KINDS:
        chosen = [n for n in notes if n.kind == kind]
        if not chosen:
            continue
        lines.append(f" {HEADINGS[kind]}:")
        for note in chosen:
            lines.extend(textwrap.wrap(f"{note.key}: {note.message}", WIDTH - 6,
                                       initial_indent="  - ", subsequent_indent="    ",
                                       break_on_hyphens=False))
    if carried:
        lines.append(" comments that were inside the replaced section:")
        lines.extend(f"  {line}" for line in carried)
    return "\n".join(lines)


def summary(title: str, notes: list[Note]) -> str:
    """The stderr summary: one line per note, grouped by kind."""
    out = [f"shardlint convert {title} (\"guide\" is Accelerate's \"Moving between FSDP and DeepSpeed\")"]
    for kind in KINDS:
        chosen = [n for n in notes if n.kind == kind]
        if chosen:
            out.append(f"  {HEADINGS[kind]} ({len(chosen)}):")
            out.extend(f"    - {n.key}: {n.message}" for n in chosen)
    if len(out) == 1:
        out.append("  every setting has an exact equivalent")
    return "\n".join(out) + "\n"

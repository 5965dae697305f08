"""Hover and completion facts for recipe files, from the TrainingArguments knowledge.

A recipe's top-level keys are ``TrainingArguments`` and TRL config fields, so the "schema" is the
field list of the targeted transformers and TRL releases (``training/schema.py``). This answers
with the same :class:`KeyInfo` the JSON-schema index gives, so hover and completion render it alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shardlint.engine.versions import Version, format_version, parse_version, target_versions
from shardlint.document import Document, KeyPath
from shardlint.validation.schema_index import UNKNOWN, KeyInfo, SchemaIndex, schema_index

if TYPE_CHECKING:
    from shardlint.lsp.accelerate_info import AccelerateIndex


class RecipeIndex:
    """The top-level fields a recipe may hold for ``transformers`` and ``trl``; nested keys are not known."""

    def __init__(self, transformers: Version, trl: Version) -> None:
        self.transformers = transformers
        self.trl = trl

    def info(self, path: KeyPath, data: Any = UNKNOWN) -> KeyInfo:
        from shardlint.training.schema import status

        info = KeyInfo(path)
        if len(path) != 1 or not isinstance(path[0], str):
            return info
        found = status(path[0], self.transformers, self.trl)
        entry = found.entry
        if found.state == "unknown":
            return info
        if found.state == "trl":
            info.descriptions.append("A TRL config field.")
        if entry is None:
            return info
        if entry.get("help"):
            info.descriptions.append(entry["help"])
        info.types = list(entry.get("types") or [])
        info.values = list(entry.get("choices") or [])
        if "default" in entry:
            info.default, info.has_default = entry["default"], True
        replacement = entry.get("replacement") or {}
        use = ""
        if replacement.get("field"):
            use = (f"; set `{replacement['key']}` inside `{replacement['field']}` instead" if replacement.get("key")
                   else f"; use `{replacement['field']}`")
        release = f"transformers {format_version(self.transformers)}"
        if found.state == "removed":
            info.retired = f"Removed in transformers {entry['removed']} (last in {entry['last']}){use}."
        elif found.state == "not-yet":
            info.retired = f"Not in {release}: added by transformers {entry['since']}."
        elif entry.get("deprecated") and self.transformers >= parse_version(entry["deprecated"]):
            info.deprecated = f"Since transformers {entry['deprecated']}{use}."
        return info

    def properties(self, path: KeyPath, data: Any = UNKNOWN) -> dict[str, KeyInfo]:
        """The fields valid in the targeted releases (only at the top level)."""
        from shardlint.training.schema import known_names

        if path:
            return {}
        return {name: self.info((name,)) for name in sorted(known_names(self.transformers, self.trl))}


def index_for(kind: str, target: dict[str, str] | None = None,
              document: Document | None = None) -> SchemaIndex | RecipeIndex | AccelerateIndex | None:
    """What hover and completion consult for a buffer of ``kind``; ``target`` picks the releases a recipe's
    fields and an Accelerate config's defaults come from (``document``: the buffer, when there is one)."""
    if kind == "recipe":
        versions = target_versions(target)
        return RecipeIndex(versions["transformers"], versions["trl"])
    if kind == "accelerate":
        from shardlint.lsp.accelerate_info import AccelerateIndex

        index = schema_index(kind)
        return AccelerateIndex(index, target_versions(target)["accelerate"], document) if index is not None else None
    return schema_index(kind)

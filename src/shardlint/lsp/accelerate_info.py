"""Hover and completion facts for Accelerate config keys: the schema's words, the setting model's values.

The JSON schema describes a key (description, type, allowed values); what an absent key stands
for, how Accelerate reads a written value and which ``accelerate launch`` flag sets it come from
the setting model (``shardlint.semantics``) for the targeted Accelerate release, so an editor
shows what ``shardlint check`` reasons with. Answers are :class:`KeyInfo` like the schema index's,
so hover and completion render them alike.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shardlint.document import Document, KeyPath
from shardlint.engine.versions import Version, format_version
from shardlint.validation.schema_index import UNKNOWN, KeyInfo, SchemaIndex

if TYPE_CHECKING:
    from shardlint.semantics.launch_flags import Option


class AccelerateIndex:
    """The Accelerate schema index, with defaults and reading notes from the setting model of ``version``.

    ``document`` (the buffer, when there is one) answers the settings a dependent default reads
    (``fsdp_state_dict_type`` by FSDP version); otherwise they are read from the ``data`` asked about.
    """

    def __init__(self, schema: SchemaIndex, version: Version, document: Document | None = None) -> None:
        self.schema = schema
        self.version = version
        self.document = document

    def info(self, path: KeyPath, data: Any = UNKNOWN) -> KeyInfo:
        return self._with_model(self.schema.info(path, data), path, data)

    def properties(self, path: KeyPath, data: Any = UNKNOWN) -> dict[str, KeyInfo]:
        return {key: self._with_model(info, (*path, key), data)
                for key, info in self.schema.properties(path, data).items()}

    def _with_model(self, info: KeyInfo, path: KeyPath, data: Any) -> KeyInfo:
        from shardlint.semantics.accelerate import read_as, record
        from shardlint.semantics.launch_flags import described_default, flags_of, key_path

        out = copy.copy(info)
        out.descriptions = list(info.descriptions)
        out.default, out.has_default = None, False
        if not info.known or not all(isinstance(part, str) for part in path) or len(path) > 2:
            return out
        canonical = key_path(".".join(path))  # type: ignore[arg-type]
        out.has_default, out.default = described_default(canonical, self.version, self._facts(data))
        note = read_as(record(canonical).normaliser)
        if note:
            out.descriptions.append(f"**Read by Accelerate:** {note}.")
        flags = flags_of(canonical, format_version(self.version))
        if flags:
            out.descriptions.append("**Command line:** " + ", ".join(_flag_text(f.option) for f in flags))
        return out

    def _facts(self, data: Any) -> Any:
        """The fact reader a dependent default consults, built only when one asks."""
        from shardlint.engine.context import Context
        from shardlint.options import FileOptions

        def fact(name: str) -> Any:
            doc = self.document
            if doc is None or not doc.loaded:
                doc = Document(Path("."), "", "", "yaml", data=data if isinstance(data, dict) else {},
                               kind="accelerate")
            return Context(doc, FileOptions(target={"accelerate": format_version(self.version)})).fact(name)

        return fact


def _flag_text(option: Option) -> str:
    """``--fsdp_offload_params`` (exported as ``FSDP_OFFLOAD_PARAMS``)."""
    names = list(dict.fromkeys(e.name for e in option.exports if not e.name.startswith("<")))
    exported = f" (exported as {', '.join(f'`{n}`' for n in names)})" if names else ""
    return f"`{option.flag}`{exported}"

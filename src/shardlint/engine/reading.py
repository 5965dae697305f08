"""What a fact or a default reads of the document being evaluated.

``engine.context.Context`` provides it; facts and defaults depend on this description, not on
the class, so that the context can compute facts and defaults without an import circle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from shardlint.document import Document
    from shardlint.engine.link import Link
    from shardlint.engine.versions import Version


class Reading(Protocol):
    doc: Document
    kind: str | None

    @property
    def target(self) -> dict[str, Version]: ...

    @property
    def runner(self) -> str: ...

    @property
    def link(self) -> Link: ...

    @property
    def linked(self) -> Document | None: ...

    def raw(self, path: Any) -> tuple[bool, Any, tuple[Any, ...]]: ...

    def effective(self, path: Any) -> tuple[bool, Any]: ...

    def linked_raw(self, path: Any) -> tuple[bool, Any]: ...

    def fact(self, name: str) -> Any: ...

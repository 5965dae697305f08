"""A report's entries in report order, kept in a temporary file once they outgrow a little memory.

Reports list the paths that could not be read first, wherever the run meets them, and a file the
run holds to its end (:mod:`shardlint.reporters.streamed`) in the place the run reached it.  So
each entry is written as it comes to one of two spools (unreadable paths, the others), a held
file's place is remembered as an offset in the second, and the whole is read back in order once
the run is over: memory stays flat however many files the run checks.
"""

from __future__ import annotations

import codecs
import io
from typing import IO, Iterator

IN_MEMORY = 1 << 20  # bytes a spool keeps in memory before it moves to a temporary file
_CHUNK = 1 << 16
# any str round-trips, file names that are not UTF-8 (surrogate escapes) included
_ERRORS = "surrogatepass"


class _Spool:
    """Bytes appended one after another: in memory up to ``IN_MEMORY``, then in a temporary file."""

    def __init__(self) -> None:
        self._file: IO[bytes] = io.BytesIO()
        self._on_disk = False
        self.size = 0

    def write(self, data: bytes) -> None:
        if not self._on_disk and self.size + len(data) > IN_MEMORY:
            import tempfile  # only for big reports: it imports shutil, which start-up avoids

            disk = tempfile.TemporaryFile()
            self._file.seek(0)
            disk.write(self._file.read())
            self._file, self._on_disk = disk, True
        self._file.write(data)
        self.size += len(data)

    def read(self, start: int, end: int) -> Iterator[bytes]:
        """The bytes from offset ``start`` to ``end``, in chunks."""
        self._file.seek(start)
        while start < end:
            chunk = self._file.read(min(_CHUNK, end - start))
            start += len(chunk)
            yield chunk
        self._file.seek(0, io.SEEK_END)


class Entries:
    """Texts joined by ``separator`` in report order: unreadable paths' first, a reserved place's
    where it was reserved.  An empty text adds nothing (no separator either)."""

    def __init__(self, separator: str = "") -> None:
        self.separator = separator
        self._separator = separator.encode()
        self._failed = _Spool()
        self._main = _Spool()
        self._places: list[tuple[_Spool, int]] = []  # the spool and offset of each reserved place
        self._held: dict[int, str] = {}  # the text added to a reserved place
        self.count = 0  # texts added

    def reserve(self, failed: bool = False) -> int:
        """A place for a text added later (``add(..., place=)``), among unreadable paths' if ``failed``."""
        spool = self._failed if failed else self._main
        self._places.append((spool, spool.size))
        return len(self._places) - 1

    def add(self, text: str, failed: bool = False, place: int | None = None) -> None:
        if not text:
            return
        self.count += 1
        if place is not None:
            self._held[place] = text
        else:
            (self._failed if failed else self._main).write(self._separator + text.encode("utf-8", _ERRORS))

    def pieces(self) -> Iterator[str]:
        """The texts in order, joined by the separator, in pieces (no copy of the whole is made)."""
        decoder = codecs.getincrementaldecoder("utf-8")(_ERRORS)
        first = True

        def read(spool: _Spool, start: int, end: int) -> Iterator[str]:
            nonlocal first
            if start < end and first:  # the first text has no separator before it
                start += len(self._separator)
                first = False
            for chunk in spool.read(start, end):
                yield decoder.decode(chunk)

        for spool in (self._failed, self._main):
            start = 0
            for place, (where, offset) in enumerate(self._places):
                if where is not spool:
                    continue
                yield from read(spool, start, offset)
                start = offset
                text = self._held.get(place)
                if text:
                    yield text if first else self.separator + text
                    first = False
            yield from read(spool, start, spool.size)

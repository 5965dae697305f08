"""Bounds that keep hostile input (alias bombs, deep nesting, huge files) cheap."""

MAX_FILE_BYTES = 1024 * 1024  # larger files are skipped in walks and refused when named
MAX_DEPTH = 200  # real configs nest a handful of levels
MAX_NODES = 200_000  # expanded nodes, counting every alias use


class LimitExceeded(Exception):
    """Raised by a loader when input exceeds a bound; carries a code-point offset."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset

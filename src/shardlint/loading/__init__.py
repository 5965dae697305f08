"""Bytes on disk to a :class:`~shardlint.document.Document`, safely.

Loading never constructs objects from tags, never raises on bad input and
reports every problem as a diagnostic with a position.
"""

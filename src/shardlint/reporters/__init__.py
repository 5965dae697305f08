"""Output formats.  Each module renders a :class:`~shardlint.lint.Report` to a string."""

from __future__ import annotations

from importlib import import_module
from typing import Protocol

from shardlint.lint import Report

FORMATS = ("text", "json", "sarif", "github", "junit")


class Renderer(Protocol):
    def __call__(self, report: Report, *, color: bool = False) -> str: ...


def renderer(name: str) -> Renderer:
    """The ``render`` function of the reporter module for format ``name``."""
    return import_module(f"shardlint.reporters.{name}_format").render  # type: ignore[no-any-return]

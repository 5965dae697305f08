"""What a run is asked for (:class:`LintOptions`) and what one file is checked with (:class:`FileOptions`).

Settings flow one way: the invocation's settings layer over the file's configuration over the
project's pins over the defaults resolve into a file's :class:`FileOptions`
(:func:`shardlint.settings.resolve.file_options`), which the checks read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, NamedTuple

if TYPE_CHECKING:
    from shardlint.settings.model import Settings

DEFAULT_DEEPSPEED_RUNNER = "trainer"  # the transformers Trainer
# who may hand a DeepSpeed JSON to DeepSpeed, as reports name them
DEEPSPEED_RUNNERS = {"trainer": "the Trainer", "accelerate": "Accelerate", "deepspeed": "DeepSpeed"}


class LintOptions:
    """The invocation: what the command line, the language server or code calling shardlint asks for.

    ``given`` is its settings layer; a setting it leaves as ``None`` was not given, so each file's
    configuration decides it. ``target``, ``deepspeed_runner`` and ``rule_paths`` set those settings
    from code (a value equal to the default is given all the same).
    Plain attributes, not a dataclass: generating dataclass methods costs start-up time.
    """

    __slots__ = ("given", "config_file", "isolated", "buffers")

    def __init__(self, target: dict[str, str] | None = None, deepspeed_runner: str | None = None,
                 rule_paths: tuple[Path, ...] | None = None, *, given: Settings | None = None,
                 config_file: Path | None = None, isolated: bool = False,
                 buffers: Mapping[Path, str] | None = None) -> None:
        in_code = {name: value for name, value in (("target", target), ("deepspeed_runner", deepspeed_runner),
                                                   ("rule_paths", rule_paths)) if value is not None}
        if in_code:
            from shardlint.settings.model import IN_CODE, Settings

            given = (given or Settings(source=IN_CODE))._replace(**in_code)
        self.given = given  # the invocation's settings layer, over each file's configuration; None: nothing given
        self.config_file = config_file  # --config: this configuration for every file
        self.isolated = isolated  # --isolated: no configuration file and no project pins
        # unsaved editor buffers by resolved path: a linked file's text is read from here before the disk
        self.buffers: Mapping[Path, str] = buffers if buffers is not None else {}

    def replace(self, **changes: Any) -> LintOptions:
        """A copy with ``changes`` (``given``, ``config_file``, ``isolated``, ``buffers``) applied."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        return LintOptions(**{**fields, **changes})

    def __repr__(self) -> str:
        return f"LintOptions({', '.join(f'{name}={getattr(self, name)!r}' for name in self.__slots__)})"


class FileOptions(NamedTuple):
    """What the checks of one file read, resolved; the defaults when nothing applies."""

    target: Mapping[str, str] = {}  # library -> version; a library not named: its latest release
    deepspeed_runner: str = DEFAULT_DEEPSPEED_RUNNER  # who runs a DeepSpeed JSON: trainer | accelerate | deepspeed
    rule_paths: tuple[Path, ...] = ()  # the project's own rule folders
    buffers: Mapping[Path, str] = {}  # unsaved editor buffers, read before the disk
    runner_assumed: bool = False  # nothing gave deepspeed_runner: the default stands in (shardlint.assumed_runner)

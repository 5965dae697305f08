"""The versions a file is judged by, and where each one comes from.

``--target`` (or ``target`` in the configuration) names versions explicitly and wins for the
libraries it names; the others come from the project's pins (:mod:`shardlint.settings.pins`),
else the newest release shardlint knows.
"""

from __future__ import annotations

from typing import NamedTuple

from shardlint.settings.model import COMMAND_LINE, FileSettings
from shardlint.settings.pins import Pin, project_pins


class TargetChoice(NamedTuple):
    library: str
    version: str
    origin: str                # "--target", a configuration file, a requirement file:line, or "newest known"
    pin: Pin | None = None     # the requirement that decided it
    losing_pins: tuple[Pin, ...] = ()  # other requirements of the library that did not decide

    def describe(self) -> str:
        """``accelerate 1.15.0 (requirements.txt:3)``."""
        if self.pin is not None:
            return self.pin.describe()
        return f"{self.library} {self.version} ({self.origin})"


def _explicit_origin(settings: FileSettings) -> str:
    for layer in reversed(settings.layers):
        if layer.target is not None:
            return "--target" if layer.source == COMMAND_LINE else f"target in {layer.source}"
    return "--target"


def choose_targets(settings: FileSettings) -> dict[str, TargetChoice]:
    """Every library's version and origin for a file with ``settings``: the target its layers name,
    else the pins where the file is (none without a folder: ``--isolated``), else the newest release."""
    from shardlint.engine.versions import LATEST

    explicit = settings.target
    pins = project_pins(settings.folder, LATEST) if settings.folder is not None else None
    origin = _explicit_origin(settings)
    out = {}
    for library, newest in LATEST.items():
        if explicit and library in explicit:
            out[library] = TargetChoice(library, explicit[library], origin)
        elif pins is not None and library in pins.chosen:
            pin = pins.chosen[library]
            out[library] = TargetChoice(library, pin.version, pin.where, pin, tuple(pins.others[library]))
        else:
            out[library] = TargetChoice(library, newest, "newest known")
    return out


def summary_line(choices: dict[str, TargetChoice]) -> str:
    """``accelerate 1.15.0 (requirements.txt:3), deepspeed 0.19.8 (newest known), ...``; a pin that
    won over others says which it beat."""
    parts = []
    for choice in choices.values():
        text = choice.describe()
        beaten = [p for p in choice.losing_pins if p.version != choice.version]
        if beaten:
            text += " over " + ", ".join(f"{p.version} ({p.where})" for p in beaten)
        parts.append(text)
    return ", ".join(parts)


def as_json(choices: dict[str, TargetChoice]) -> dict[str, dict[str, object]]:
    from shardlint.settings.pins import STRENGTH_NAMES

    def pin(p: Pin) -> dict[str, object]:
        return {"version": p.version, "spec": p.spec, "file": p.file, "line": p.line,
                "kind": STRENGTH_NAMES[p.strength]}

    return {c.library: {"version": c.version, "origin": c.origin,
                        "pin": pin(c.pin) if c.pin else None, "other_pins": [pin(p) for p in c.losing_pins]}
            for c in choices.values()}

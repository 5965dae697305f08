"""Validated project rule files, remembered between runs.

Validating a rule file needs ``jsonschema``, whose import alone costs more than
linting a config, and a pre-commit hook pays it on every run.  A project rule
file whose bytes (and name) were validated before by this shardlint version
against this rule schema is taken from the cache instead.  The cache lives in
``$XDG_CACHE_HOME/shardlint`` (``~/.cache/shardlint``); when it cannot be read
or written, rules are simply validated again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable

from shardlint import __version__
from shardlint.resources import cache_dir, data_dir


def _cache_file() -> Path:
    schema = (data_dir("schemas") / "rule.schema.json").read_bytes()
    stamp = hashlib.sha256(__version__.encode() + b"\0" + schema).hexdigest()[:16]
    return cache_dir() / f"project-rules-{stamp}.json"


def _digest(path: Path, data: bytes) -> str:
    return hashlib.sha256(path.name.encode() + b"\0" + data).hexdigest()


class SpecCache:
    """Rule file path -> (digest of its name and bytes, the validated spec)."""

    def __init__(self) -> None:
        self.file = _cache_file()
        self.changed = False
        try:
            entries = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = {}
        self.entries: dict[str, list[Any]] = entries if isinstance(entries, dict) else {}

    def spec(self, path: Path, validate: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
        """``path``'s spec from the cache while its bytes are unchanged, else ``validate(path)``'s."""
        try:
            digest = _digest(path, path.read_bytes())
        except OSError:
            return validate(path)  # reports the problem
        hit = self.entries.get(str(path))
        if isinstance(hit, list) and len(hit) == 2 and hit[0] == digest and isinstance(hit[1], dict):
            return hit[1]
        spec = validate(path)
        try:
            stored = json.loads(json.dumps(spec))
        except (TypeError, ValueError):  # a YAML value JSON cannot hold (a date): not cached
            return spec
        if stored == spec:
            self.entries[str(path)] = [digest, stored]
            self.changed = True
        return spec

    def save(self) -> None:
        """Write the cache (only when it changed), dropping files that are gone; failures are ignored."""
        if not self.changed:
            return
        entries = {p: e for p, e in self.entries.items() if os.path.isfile(p)}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.file.with_name(f"{self.file.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(entries), encoding="utf-8")
            os.replace(temporary, self.file)
        except OSError:
            pass

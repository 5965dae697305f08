"""The committed library snapshots (``knowledge/<library>/<version>.json``), read without the network."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from shardlint.engine.versions import parse_version
from tests.conftest import ROOT

KNOWLEDGE = ROOT / "knowledge"
SCHEMAS = ROOT / "schemas"


def versions(library: str) -> list[str]:
    """The snapshotted releases of ``library``, oldest first."""
    return sorted((p.stem for p in (KNOWLEDGE / library).glob("*.json")), key=parse_version)


@lru_cache(maxsize=None)
def snapshot(library: str, version: str | None = None) -> dict[str, Any]:
    """One snapshot; the newest release when ``version`` is None."""
    version = version or versions(library)[-1]
    return json.loads((KNOWLEDGE / library / f"{version}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """``node`` with ``$ref`` followed; for an ``anyOf``, the branch that describes an object's keys."""
    while "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    if "properties" not in node:
        for branch in node.get("anyOf", []):
            found = resolve(root, branch)
            if "properties" in found:
                return found
    return node


def schema_keys(root: dict[str, Any], node: dict[str, Any]) -> set[str]:
    return set(resolve(root, node).get("properties", {}))

"""What changed between two snapshots of one library: added, removed and changed facts.

Each snapshot is flattened into facts keyed by a stable identity (a flag by its
spellings, a field by its class and name), so moved lines do not count as changes.
"""

from __future__ import annotations

from typing import Any, Iterator

# where a fact was found, not what it is
POSITION_KEYS = {"line", "file", "source"}


def facts(snapshot: dict[str, Any], with_help: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in _walk(snapshot, ()):
        if key[0] in ("format", "library", "version", "source"):
            continue
        if not with_help and key[-1] in ("help", "metadata_help", "doc"):
            continue
        out[" / ".join(key)] = value
    return out


def _walk(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in POSITION_KEYS:
                yield from _walk(v, path + (str(k),))
    elif isinstance(value, list) and value and all(isinstance(v, dict) and _identity(v) for v in value):
        for item in value:
            yield from _walk(item, path + (_identity(item),))
    else:
        yield path, value


def _identity(record: dict[str, Any]) -> str:
    if "names" in record:
        return " ".join(record["names"])
    return str(record.get("name", ""))


def compare(old: dict[str, Any], new: dict[str, Any], with_help: bool = False) -> dict[str, list]:
    before, after = facts(old, with_help), facts(new, with_help)
    return {
        "added": _grouped(after, after.keys() - before.keys(), before),
        "removed": _grouped(before, before.keys() - after.keys(), after),
        "changed": [(k, before[k], after[k]) for k in sorted(before.keys() & after.keys()) if before[k] != after[k]],
    }


def _grouped(facts_: dict[str, Any], keys: set[str], other: dict[str, Any]) -> list[tuple[str, Any]]:
    """One entry per record that exists on one side only (a new flag, a removed field), else per fact."""
    out: dict[str, Any] = {}
    for key in sorted(keys):
        parent, _, leaf = key.rpartition(" / ")
        if parent and not any(k.startswith(parent + " / ") for k in other):
            out.setdefault(parent, {})[leaf] = facts_[key]
        else:
            out[key] = facts_[key]
    return sorted(out.items())


def render(old: dict[str, Any], new: dict[str, Any], with_help: bool = False) -> str:
    result = compare(old, new, with_help)
    lines = [f"{new['library']} {old['version']} -> {new['version']}"]
    for key, value in result["added"]:
        lines.append(f"+ {key}: {value!r}")
    for key, value in result["removed"]:
        lines.append(f"- {key}: {value!r}")
    for key, before, after in result["changed"]:
        if isinstance(before, list) and isinstance(after, list) and all(isinstance(v, str) for v in before + after):
            gained, lost = sorted(set(after) - set(before)), sorted(set(before) - set(after))
            lines.append(f"~ {key}: " + " ".join([f"+{gained}"] * bool(gained) + [f"-{lost}"] * bool(lost)))
        else:
            lines.append(f"~ {key}: {before!r} -> {after!r}")
    if len(lines) == 1:
        lines.append("(no config-relevant change)")
    return "\n".join(lines)

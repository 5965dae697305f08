"""Property: each primitive on a generated YAML or JSON file gives exactly the data the
operation means, keeps every comment line, and leaves lines it does not touch alone."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shardlint.fixes.edits import remove_key, rename_key, set_value

from .helpers import applied, comment_lines, load, parse

KEYS = st.sampled_from(["alpha", "beta", "gamma", "delta", "stage", "zero_optimization", "fsdp_config"])
SCALARS = st.one_of(st.booleans(), st.integers(-5, 10**9), st.none(),
                    st.sampled_from(["no", "on", "auto", "1e8", "cpu", "it's", "a: b", "x # y", "", "FULL_SHARD"]),
                    st.floats(allow_nan=False, allow_infinity=False, width=32))
TREES = st.recursive(SCALARS, lambda inner: st.dictionaries(KEYS, inner, min_size=1, max_size=4),
                     max_leaves=12).filter(lambda t: isinstance(t, dict))


def render_yaml(data: dict[str, Any], indent: int, comments: bool, flow_from: int, depth: int = 0) -> list[str]:
    """Block YAML; mappings nested ``flow_from`` deep or more are written in flow style."""
    import yaml

    lines = []
    for i, (key, value) in enumerate(data.items()):
        pad = " " * (indent * depth)
        if comments and i % 2 == 0:
            lines.append(f"{pad}# before {key}")
        if isinstance(value, dict) and depth + 1 >= flow_from:
            flow = yaml.safe_dump(value, default_flow_style=True, width=10**6).strip()
            lines.append(f"{pad}{key}: {flow}" + ("  # flow" if comments else ""))
        elif isinstance(value, dict):
            lines.append(f"{pad}{key}:" + ("  # section" if comments else ""))
            lines += render_yaml(value, indent, comments, flow_from, depth + 1)
        else:
            scalar = yaml.safe_dump(value, default_flow_style=True).removesuffix("\n...\n").strip()
            lines.append(f"{pad}{key}: {scalar}" + (" # trailing" if comments and i % 3 == 1 else ""))
    return lines


@st.composite
def documents(draw) -> tuple[str, str, dict[str, Any]]:
    data = draw(TREES)
    if draw(st.booleans()):
        indent = draw(st.sampled_from([None, 2, 4, "\t"]))
        text = json.dumps(data, indent=indent)
        return "json", text + draw(st.sampled_from(["", "\n"])), data
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = render_yaml(data, draw(st.sampled_from([2, 4])), draw(st.booleans()), draw(st.sampled_from([1, 2, 99])))
    return "yaml", newline.join(lines) + draw(st.sampled_from(["", newline])), data


def paths(data: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for key, value in data.items():
        out.append(prefix + (key,))
        if isinstance(value, dict):
            out += paths(value, prefix + (key,))
    return out


def assign(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        if not isinstance(data.get(key), dict):
            data[key] = {}
        data = data[key]
    data[path[-1]] = value


def settable(data: Any, path: tuple[str, ...]) -> bool:
    """A path whose ancestors are all mappings (or missing), as set_value can fill."""
    for key in path[:-1]:
        if not isinstance(data, dict):
            return False
        data = data.get(key)
        if data is None:
            return True
    return isinstance(data, dict)


SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def check(syntax: str, before: str, after: str, expected: Any) -> None:
    assert parse(after, syntax) == expected
    assert set(comment_lines(before)) <= set(comment_lines(after))


@SETTINGS
@given(doc=documents(), extra=st.lists(KEYS, max_size=2), value=st.one_of(SCALARS, TREES), pick=st.integers(0, 99))
def test_set_value(tmp_path, doc, extra, value, pick):
    syntax, text, data = doc
    candidates = paths(data)
    path = candidates[pick % len(candidates)] + tuple(extra)
    if not settable(data, path):
        return
    document = load(tmp_path, text, "c.json" if syntax == "json" else "c.yaml")
    expected = copy.deepcopy(data)
    assign(expected, path, value)
    after = applied(document, set_value(document, path, value))
    check(syntax, text, after, expected)
    if syntax == "json" and "\n" in text.strip() and path in paths(data) \
            and not isinstance(value, dict) and not isinstance(document.get(path), dict):
        changed = [a for a, b in zip(text.splitlines(), after.splitlines()) if a != b]
        assert len(changed) <= 1 and len(text.splitlines()) == len(after.splitlines())


@SETTINGS
@given(doc=documents(), pick=st.integers(0, 99))
def test_remove_key(tmp_path, doc, pick):
    syntax, text, data = doc
    candidates = paths(data)
    path = candidates[pick % len(candidates)]
    if len(path) == 1 and len(data) == 1:
        return  # removing the last top-level key leaves no config
    document = load(tmp_path, text, "c.json" if syntax == "json" else "c.yaml")
    expected = copy.deepcopy(data)
    parent = expected
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    check(syntax, text, applied(document, remove_key(document, path)), expected)


@SETTINGS
@given(doc=documents(), pick=st.integers(0, 99), name=st.sampled_from(["renamed", "yes", "a b", "x:y"]))
def test_rename_key(tmp_path, doc, pick, name):
    syntax, text, data = doc
    candidates = paths(data)
    path = candidates[pick % len(candidates)]
    document = load(tmp_path, text, "c.json" if syntax == "json" else "c.yaml")
    parent = expected = copy.deepcopy(data)
    for key in path[:-1]:
        parent = parent[key]
    if name in parent:
        return
    items = [(name if k == path[-1] else k, v) for k, v in parent.items()]
    parent.clear()
    parent.update(items)
    check(syntax, text, applied(document, rename_key(document, path, name)), expected)

"""YAML through PyYAML's composer (libyaml when available) with exact marks.

Scalars resolve exactly as ``yaml.safe_load`` (which Accelerate uses) resolves
them, so YAML 1.1 traps stay visible: unquoted ``no`` is ``False``, ``1e8`` is
the string ``"1e8"``.  Unlike ``safe_load``, duplicate keys are reported.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from shardlint.document import KeyPath, Node, Span
from shardlint.loading.limits import MAX_DEPTH, MAX_NODES, LimitExceeded
from shardlint.loading.problems import Problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# libyaml accepts tabs that yaml.safe_load's pure-Python scanner refuses (inside a plain
# scalar or key, before a comment, after ':'), so text with a tab is read by the latter
_TAB_FAITHFUL_LOADER = yaml.SafeLoader
_MERGE_TAG = "tag:yaml.org,2002:merge"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"


class _Builder:
    """Turns a composed node graph into plain values plus a position map."""

    def __init__(self) -> None:
        self.positions: dict[KeyPath, Node] = {}
        self.problems: list[Problem] = []
        self.constructor = SafeConstructor()
        self.expanded = 0
        self._sizes: dict[int, int] = {}

    def _count(self, node: yaml.Node) -> None:
        """Charge the node's fully expanded size, so aliases cannot multiply work."""
        size = self._sizes.get(id(node))
        if size is None:
            size = self._measure(node)
        self.expanded += size
        if self.expanded > MAX_NODES:
            raise LimitExceeded(
                f"the document expands to more than {MAX_NODES:,} nodes through aliases "
                "(an alias bomb?); it was not loaded", node.start_mark.index)

    def _measure(self, node: yaml.Node, depth: int = 0) -> int:
        key = id(node)
        if key in self._sizes:
            return self._sizes[key]
        if depth > MAX_DEPTH:
            raise LimitExceeded(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark.index)
        self._sizes[key] = MAX_NODES + 1  # a cycle counts as infinite
        if isinstance(node, yaml.MappingNode):
            size = 1 + sum(self._measure(k, depth + 1) + self._measure(v, depth + 1) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            size = 1 + sum(self._measure(v, depth + 1) for v in node.value)
        else:
            size = 1
        self._sizes[key] = min(size, MAX_NODES + 1)
        return self._sizes[key]

    def build_root(self, node: yaml.Node) -> Any:
        self._count(node)
        return self.build(node, (), None)

    def build(self, node: yaml.Node, path: KeyPath, key_span: Span | None) -> Any:
        if len(path) > MAX_DEPTH:
            raise LimitExceeded(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark.index)
        style = node.style if isinstance(node, yaml.ScalarNode) else None
        if path not in self.positions:
            self.positions[path] = Node(key_span, Span(node.start_mark.index, node.end_mark.index),
                                        style=style if style is not None or not isinstance(node, yaml.ScalarNode) else "")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), None) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.ScalarNode) -> Any:
        make = SafeConstructor.yaml_constructors.get(node.tag)
        if make is None or node.tag in (_MAP_TAG, _SEQ_TAG):
            self.problems.append(Problem(
                "tag", f"tag {node.tag!r} is not allowed: yaml.safe_load, which Accelerate uses, "
                "refuses to load it", node.start_mark.index, node.end_mark.index))
            return node.value
        try:
            return make(self.constructor, node)
        except (ConstructorError, ValueError, TypeError) as exc:
            self.problems.append(Problem("syntax", f"invalid {node.tag.rsplit(':', 1)[-1]} value: {exc}",
                                         node.start_mark.index, node.end_mark.index))
            return node.value

    def _key(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node)
            return value if isinstance(value, str) else str(value)
        self.problems.append(Problem("syntax", "a mapping key must be a scalar",
                                     node.start_mark.index, node.end_mark.index))
        return f"<{type(node).__name__}>"

    def _pairs(self, node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
        """The mapping's own pairs after YAML merge keys (``<<``), explicit keys winning."""
        own: list[tuple[yaml.Node, yaml.Node]] = []
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for k, v in node.value:
            if k.tag == _MERGE_TAG:
                # as in PyYAML, earlier sources of a merge sequence win over later ones
                sources = list(reversed(v.value)) if isinstance(v, yaml.SequenceNode) else [v]
                for source in sources:
                    if isinstance(source, yaml.MappingNode):
                        merged.extend(self._pairs(source))
                    else:
                        self.problems.append(Problem("syntax", "a merge key (<<) must refer to a mapping",
                                                     source.start_mark.index, source.end_mark.index))
            else:
                own.append((k, v))
        if not merged:
            return own
        own_keys = {k.value for k, _ in own if isinstance(k, yaml.ScalarNode)}
        return [(k, v) for k, v in merged if getattr(k, "value", None) not in own_keys] + own

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        own = {id(k) for k, _ in node.value}
        first_line: dict[str, int] = {}
        for k, v in self._pairs(node):
            key = self._key(k)
            key_span = Span(k.start_mark.index, k.end_mark.index)
            if id(k) in own:
                if key in first_line:
                    self.problems.append(Problem(
                        "duplicate-key", f"duplicate key {key!r} (first on line {first_line[key] + 1}): "
                        "YAML loaders silently keep only the last value", key_span.start, key_span.end))
                    self._drop_below(path + (key,))
                first_line.setdefault(key, k.start_mark.line)
            out[key] = self.build(v, path + (key,), key_span)
        return out

    def _drop_below(self, prefix: KeyPath) -> None:
        for p in [p for p in self.positions if p[: len(prefix)] == prefix]:
            del self.positions[p]


def compose_yaml(text: str) -> yaml.Node | Problem | None:
    """``text``'s node graph (``None`` for an empty document), or the problem that stops it."""
    try:
        return yaml.compose(text, Loader=_TAB_FAITHFUL_LOADER if "\t" in text else _Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or "invalid YAML"
        if exc.context:
            message = f"{message} ({exc.context})"
        offset = mark.index if mark is not None else 0
        kind = "over-a-limit" if "nesting depth" in message else "syntax"  # libyaml's own depth limit
        return Problem(kind, f"YAML syntax error: {message}", offset, offset)
    except yaml.reader.ReaderError as exc:
        return Problem("not-text", f"the file is not valid YAML text: {exc.reason} "
                       f"(character {exc.character!r})", exc.position, exc.position)
    except yaml.YAMLError as exc:  # any other parser failure, never a traceback
        return Problem("syntax", f"YAML syntax error: {exc}", 0, 0)
    except RecursionError:  # the pure-Python composer recurses once per nesting level
        return Problem("over-a-limit", f"nesting deeper than {MAX_DEPTH} levels", 0, 0)


def build_yaml(composed: yaml.Node | Problem | None) -> tuple[Any, dict[KeyPath, Node], list[Problem]]:
    """Values and positions of what :func:`compose_yaml` gave; on a fatal problem the value is ``None``."""
    if composed is None:
        return None, {}, []
    if isinstance(composed, Problem):
        return None, {}, [composed]
    builder = _Builder()
    try:
        data = builder.build_root(composed)
    except LimitExceeded as exc:
        return None, {}, [Problem("over-a-limit", str(exc), exc.offset, exc.offset)]
    return data, builder.positions, builder.problems


def load_yaml(text: str) -> tuple[Any, dict[KeyPath, Node], list[Problem]]:
    """Parse ``text``; on a fatal problem the value is ``None``."""
    return build_yaml(compose_yaml(text))


def top_level_keys(composed: yaml.Node | Problem | None) -> list[str] | None:
    """The keys :func:`build_yaml` would give the top-level mapping of ``composed``, worked out without
    building the document; ``None`` unless the build would surely succeed with a mapping.

    A walk passes most YAML files over for their keys alone, and building every value with its
    position is most of a load.  The graph is checked against the same bounds the build enforces
    (nodes and depth); a graph with aliases, a non-mapping root or a merge key at the top is left to
    the build, which alone decides those exactly.
    """
    if not isinstance(composed, yaml.MappingNode):
        return None
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(composed, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen or depth > MAX_DEPTH or len(seen) >= MAX_NODES:
            return None  # an alias (shared node), or a bound the build would report
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
    if any(key.tag == _MERGE_TAG for key, _ in composed.value):
        return None
    builder = _Builder()
    return [builder._key(key) for key, _ in composed.value]

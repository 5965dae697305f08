"""Declarative fixes (``set``, ``remove``, ``rename``, ``replace``, ``quote``) as TextEdits.

The edits come from :mod:`shardlint.fixes.edits`, which changes only the bytes
it must; a fix whose edits come out empty (nothing can be changed safely) is
not offered.
"""

from __future__ import annotations

from typing import Any, Callable

from shardlint.diagnostics import Fix, TextEdit
from shardlint.engine import paths
from shardlint.engine.context import Context
from shardlint.engine.messages import compile_template

OPS = ("set", "remove", "rename", "replace", "quote")
FixBuilder = Callable[[Context, tuple[Any, ...], Any, tuple[Any, ...]], "Fix | None"]


class FixError(ValueError):
    pass


def compile_fix(spec: dict[str, Any]) -> FixBuilder:
    title = compile_template(str(spec["title"]))
    safety = spec.get("safety", "safe")
    ops: list[tuple[str, paths.PathPattern, Any]] = []
    for op in OPS:
        arg = spec.get(op)
        if arg is None:
            continue
        if op in ("remove", "quote"):
            for item in (arg if isinstance(arg, list) else [arg]):
                ops.append((op, paths.parse_path(item), None))
        elif isinstance(arg, dict):
            for path, value in arg.items():
                ops.append((op, paths.parse_path(path), value))
        else:
            raise FixError(f"fix.{op} expects a mapping of key path to value")
    if not ops:
        raise FixError(f"a fix needs at least one of {', '.join(OPS)}")

    def build(ctx: Context, actual: tuple[Any, ...], value: Any, bindings: tuple[Any, ...]) -> Fix | None:
        try:
            from shardlint.fixes import edits as primitives
        except ImportError:  # fixes not installed in this build
            return None
        out: list[TextEdit] = []
        for op, pattern, arg in ops:
            found, _, written = ctx.raw(paths.bind(pattern, bindings))
            path = written if found else paths.bind(pattern, bindings)
            if op == "set":
                out += primitives.set_value(ctx.doc, path, arg)
            elif op == "remove":
                out += primitives.remove_key(ctx.doc, path) if found else []
            elif op == "rename":
                out += primitives.rename_key(ctx.doc, path, str(arg)) if found else []
            elif op == "replace":
                out += primitives.replace_value_text(ctx.doc, path, str(arg)) if found else []
            elif op == "quote":
                out += primitives.quote_scalar(ctx.doc, path) if found else []
        if not out:
            return None
        return Fix(title(ctx, actual, value, bindings), safety, tuple(out))

    return build

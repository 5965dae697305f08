"""Declarative fixes (``set``, ``compute``, ``remove``, ``rename``, ``replace``, ``quote``) as TextEdits.

The edits come from :mod:`shardlint.fixes.edits`, which changes only the bytes
it must.  A fix of one operation is that operation's edits; several operations
run one after another through ``edits.chain_text``, each on the text the previous
ones left, so they never conflict.  A fix whose edits come out empty (nothing
can be changed safely, or a computed value is unclear) is not offered.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable

from shardlint.diagnostics import Fix, TextEdit
from shardlint.engine import paths
from shardlint.engine.context import Context
from shardlint.engine.messages import compile_template

if TYPE_CHECKING:
    from shardlint.document import Document
    from shardlint.fixes.edits import Operation

OPS = ("set", "compute", "remove", "rename", "replace", "quote")
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
    computed = {str(arg) for op, _, arg in ops if op == "compute"}
    if computed:
        from shardlint.engine.computed import COMPUTED

        unknown = sorted(computed - set(COMPUTED))
        if unknown:
            raise FixError(f"fix.compute: unknown function(s) {', '.join(unknown)} (known: {', '.join(COMPUTED)})")

    def build(ctx: Context, actual: tuple[Any, ...], value: Any, bindings: tuple[Any, ...]) -> Fix | None:
        from shardlint.fixes import edits as primitives

        steps = [_operation(primitives, ctx.aliases, op, paths.bind(pattern, bindings), arg) for op, pattern, arg in ops]
        if len(steps) == 1:
            out = steps[0](ctx.doc)
            return Fix(title(ctx, actual, value, bindings), safety, tuple(out)) if out else None
        new_text = primitives.chain_text(ctx.doc, steps)
        if new_text is None:
            return None
        return Fix(title(ctx, actual, value, bindings), safety, lambda: primitives.edits_between(ctx.doc, new_text))

    return build


def _operation(primitives: ModuleType, aliases: bool, op: str, pattern: paths.PathPattern, arg: Any) -> Operation:
    """One fix operation as a function of the document it edits (the original, or a previous step's result)."""

    def run(doc: Document) -> list[TextEdit]:
        found, current, written = paths.lookup(doc.data, pattern, aliases)
        path = written if found else pattern
        if op == "set":
            return primitives.set_value(doc, path, arg)
        if not found:
            return []
        if op == "compute":
            from shardlint.engine.computed import COMPUTED

            new = COMPUTED[arg](current)
            return [] if new is None else primitives.set_value(doc, path, new)
        if op == "remove":
            return primitives.remove_key(doc, path)
        if op == "rename":
            return primitives.rename_key(doc, path, str(arg))
        if op == "replace":
            return primitives.replace_value_text(doc, path, str(arg))
        return primitives.quote_scalar(doc, path)

    return run

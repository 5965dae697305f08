"""Message templates: ``{value}``, ``{path}``, ``{key}``, ``{<fact>}``, ``{path:a.b}``,
``{effective:a.b}``, ``{linked:a.b}``; ``{{`` and ``}}`` are literal braces."""

from __future__ import annotations

import re
from typing import Any, Callable

from shardlint.document import format_path
from shardlint.engine import paths
from shardlint.engine.context import Context
from shardlint.engine.values import render

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
LOCAL = ("value", "path", "key")
Renderer = Callable[[Context, tuple[Any, ...], Any, tuple[Any, ...]], str]


class TemplateError(ValueError):
    pass


def compile_template(text: str) -> Renderer:
    """Check every placeholder now; return a function of (ctx, actual path, value, bindings)."""
    from shardlint.engine.facts import FACTS

    pieces: list[Any] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(text):
        pieces.append(text[pos:match.start()])
        pos = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            pieces.append(token[0])
            continue
        name = match.group(1).strip()
        selector, sep, arg = name.partition(":")
        if sep:
            if selector not in ("path", "effective", "linked"):
                raise TemplateError(f"unknown placeholder {{{name}}} in {text!r}")
            pieces.append((selector + ":", paths.parse_path(arg.strip())))
        elif name in LOCAL or name in FACTS:
            pieces.append((name, None))
        else:
            raise TemplateError(f"unknown placeholder {{{name}}} in {text!r} (use value, path, key, "
                                f"path:<p>, effective:<p>, linked:<p> or a fact: {', '.join(sorted(FACTS))})")
    pieces.append(text[pos:])

    def render_message(ctx: Context, actual: tuple[Any, ...], value: Any, bindings: tuple[Any, ...]) -> str:
        out = []
        for piece in pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            name, path = piece
            if name == "value":
                out.append(render(value))
            elif name == "path":
                out.append(format_path(actual))
            elif name == "key":
                out.append(str(actual[-1]) if actual else "")
            elif name == "path:":
                out.append(render(ctx.raw(paths.bind(path, bindings))[1]))
            elif name == "effective:":
                out.append(render(ctx.effective(paths.bind(path, bindings))[1]))
            elif name == "linked:":
                out.append(render(ctx.linked_raw(path)[1]))
            else:
                out.append(render(ctx.fact(name)))
        return "".join(out)

    return render_message

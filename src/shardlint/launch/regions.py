"""The shell source inside a file, with a map back to the file's own positions.

A region is the text a shell would run: a whole script, a Makefile recipe, a
fenced block of a Markdown file (prompts removed) or a workflow ``run:`` step.
Each of its lines starts at a known offset of the file, so a position found by
the shell parser maps back to the exact line and column of the file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any, Iterator, NamedTuple

from shardlint.launch.sniff import Surface


class Region(NamedTuple):
    text: str
    line_starts: tuple[int, ...]  # file offset of each line of ``text``

    def to_file(self, offset: int) -> int:
        """The file offset of ``offset`` in ``text``."""
        starts = _line_offsets_of(self.text)
        line = bisect_right(starts, offset) - 1
        return self.line_starts[line] + offset - starts[line]


@lru_cache(maxsize=16)
def _line_offsets_of(text: str) -> tuple[int, ...]:
    return tuple(_line_offsets(text))


def _line_offsets(text: str) -> list[int]:
    out = [0]
    out.extend(m.end() for m in re.finditer("\n", text))
    return out


def _lines(text: str) -> list[tuple[int, str]]:
    """``(offset, line without its newline)`` for every line of ``text``."""
    return [(start, text[start:end].rstrip("\n").rstrip("\r"))
            for start, end in zip(_line_offsets(text), _line_offsets(text)[1:] + [len(text)])]


def _from_lines(parts: list[tuple[int, str]]) -> Region:
    """A region made of ``(file offset, text)`` lines."""
    return Region("\n".join(text for _, text in parts) + "\n", tuple(offset for offset, _ in parts))


def regions(text: str, surface: Surface) -> Iterator[Region]:
    if surface == "shell":
        yield Region(text, tuple(_line_offsets(text)))
    elif surface == "markdown":
        yield from _markdown(text)
    elif surface == "makefile":
        yield from _makefile(text)
    else:
        yield from _workflow(text)


SHELL_FENCES = frozenset({"", "sh", "bash", "shell", "console", "zsh", "shell-session", "shellsession",
                          "terminal", "slurm"})
_PROMPT = re.compile(r"[ \t]*(?:\([^)\n]*\)[ \t]*)?\$[ \t]")  # "$ cmd", "(venv) $ cmd"


def _markdown(text: str) -> Iterator[Region]:
    """Fenced blocks labelled sh/bash/shell/console (or not labelled at all)."""
    from markdown_it import MarkdownIt

    lines = _lines(text)
    for token in MarkdownIt("commonmark").parse(text):
        if token.type == "inline" and token.map is not None:
            yield from _inline_commands(text, token, lines[token.map[0]][0])
        if token.type != "fence" or token.map is None:
            continue
        label = token.info.strip().split(maxsplit=1)[0].lower() if token.info.strip() else ""
        if label not in SHELL_FENCES:
            continue
        first, end = token.map
        opening = lines[first][1]
        indent = len(opening) - len(opening.lstrip(" "))
        body = []
        for offset, line in lines[first + 1:end]:
            cut = min(indent, len(line) - len(line.lstrip(" ")))
            body.append((offset + cut, line[cut:]))
        if body and body[-1][1].lstrip().startswith(opening.strip()[:3]):
            body.pop()  # the closing fence
        yield _from_lines(_strip_prompts(body, label in ("console", "shell-session", "shellsession", "terminal")))


_INLINE_LAUNCH = re.compile(r"\s*(?:\$\s+)?(?:accelerate launch|torchrun|deepspeed|python3? -m torch\.distributed)\s")


def _inline_commands(text: str, token: Any, start: int) -> Iterator[Region]:
    """Inline code spans that hold a whole launch command (```accelerate launch ... train.py```)."""
    for child in token.children or ():
        if child.type == "code_inline" and _INLINE_LAUNCH.match(child.content):
            found = text.find(child.content, start)
            if found != -1:
                start = found + len(child.content)
                yield Region(child.content + "\n", (found,))


def _strip_prompts(body: list[tuple[int, str]], console: bool) -> list[tuple[int, str]]:
    """Keep the commands of a transcript: lines after a ``$ `` prompt and their continuations.

    A block that shows no prompt at all is a script, unless it is labelled as a console
    transcript (then it has no command).
    """
    if not any(_PROMPT.match(line) for _, line in body):
        return [] if console else body
    out: list[tuple[int, str]] = []
    continued = False
    for offset, line in body:
        prompt = _PROMPT.match(line)
        if prompt:
            out.append((offset + prompt.end(), line[prompt.end():]))
        elif continued:
            out.append((offset, line))
        else:
            continue
        continued = line.rstrip().endswith("\\")
    return out


_RECIPE_PREFIX = re.compile(r"\t[@+\-]*")


def _makefile(text: str) -> Iterator[Region]:
    """Recipe lines (tab-indented), with make's ``@``/``-``/``+`` prefixes removed."""
    body = []
    for offset, line in _lines(text):
        prefix = _RECIPE_PREFIX.match(line)
        if prefix:
            body.append((offset + prefix.end(), line[prefix.end():]))
    if body:
        yield _from_lines(body)


def _workflow(text: str) -> Iterator[Region]:
    """Every ``run:`` step of a GitHub workflow (block, plain or quoted scalar)."""
    from shardlint.loading.yaml_loader import load_yaml

    data, positions, _ = load_yaml(text)
    if not isinstance(data, dict):
        return
    for path, node in positions.items():
        if not path or path[-1] != "run" or "steps" not in path:
            continue
        value = text[node.value.start:node.value.end]
        if node.style in ("|", ">"):
            yield _block_scalar(text, node.value.start, node.value.end)
        elif node.style in ('"', "'"):
            yield Region(value[1:-1], (node.value.start + 1,))
        elif "\n" not in value:
            yield Region(value, (node.value.start,))


def _block_scalar(text: str, start: int, end: int) -> Region:
    """The lines of a ``|`` block below its indicator, with the block's indentation removed."""
    first_line = text.find("\n", start) + 1
    lines = [(first_line + o, line) for o, line in _lines(text[first_line:end])]
    indents = [len(line) - len(line.lstrip(" ")) for _, line in lines if line.strip()]
    cut = min(indents, default=0)
    return _from_lines([(offset + min(cut, len(line)), line[cut:]) for offset, line in lines])

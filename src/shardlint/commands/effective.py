"""``shardlint effective SCRIPT[:LINE]``: what each launch command in a file actually runs with."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("script", metavar="SCRIPT[:LINE]",
                        help="a script, Makefile or Markdown file; with :LINE only the launch on that line")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--target", metavar="LIB=VERSION,...",
                        help="library versions the launch runs with, e.g. accelerate=1.15 (default: the latest "
                             "releases shardlint knows); picks the accelerate launch parser and launch defaults")


def split_target(text: str) -> tuple[Path, int | None]:
    name, _, line = text.rpartition(":")
    if name and line.isdigit() and not Path(text).exists():
        return Path(name), int(line)
    return Path(text), None


def run(args: argparse.Namespace) -> int:
    from shardlint.launch.effective import UNKNOWN, effective
    from shardlint.launch.lint import read_launches
    from shardlint.launch.sniff import surface_of
    from shardlint.loading.reader import Unreadable, read_document
    from shardlint.options import LintOptions
    from shardlint.settings.loader import parse_target
    from shardlint.settings.resolve import file_options, settings_for

    try:
        given = LintOptions(target=parse_target(args.target) if args.target else None, isolated=True)
    except ValueError as exc:
        sys.stderr.write(f"shardlint: error: --target: {exc}\n")
        return 2
    path, line = split_target(args.script)
    options = file_options(given, settings_for(path, given))
    try:
        doc = read_document(path, str(path))
    except Unreadable as exc:
        sys.stderr.write(f"shardlint: error: {path}: {exc}\n")
        return 2
    surface = surface_of(path, doc.text[:256].encode("utf-8", "replace"))
    launches, written = read_launches(doc, surface, options) if surface is not None else ([], [])
    if line is not None:
        launches = [l for l in launches if covers(doc, l, line)]
    if not launches:
        where = f"{path}:{line}" if line is not None else str(path)
        sys.stderr.write(f"shardlint: error: no launch command found in {where}\n")
        return 2
    results = [_with_training_arguments(effective(launch, doc, written, options), doc, written) for launch in launches]
    if args.format == "json":
        out = [{"line": line_span(doc, e.launch)[0], "launcher": e.launch.launcher, "config": e.config_note,
                "parser": _parser(e.launch),
                "settings": [{"setting": s.key, "value": None if s.value is UNKNOWN else _plain(s.value),
                              "known": s.value is not UNKNOWN, "source": s.source, "from": s.where}
                             for s in e.settings]} for e in results]
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
        return 0
    for result in results:
        sys.stdout.write(_table(doc.display_path, result, line_span(doc, result.launch)[0]))
    return 0


def _with_training_arguments(result: Any, doc: Any, written: Any) -> Any:
    """The launch's settings and, for a Trainer run, its training arguments with where each was given."""
    from shardlint.launch.effective import Setting
    from shardlint.training.launch import training_run

    run = training_run(result.launch, doc, written) if result.launch.settled else None
    if run is None:
        return result
    rows = [Setting(f"training_arguments.{name}", value, run.sources[name].origin, run.sources[name].where)
            for name, value in run.merged.data.items()]
    return result._replace(settings=result.settings + rows)


def _parser(launch: Any) -> str | None:
    """Which release's option parser read an ``accelerate launch`` command."""
    return f"accelerate launch of Accelerate {launch.parser}" if launch.parser else None


def _plain(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def covers(doc: Any, launch: Any, line: int) -> bool:
    """Whether a word of the launch is written on ``line`` (or between its first and last lines): the
    words of a command kept in a variable are written above the line that runs it."""
    lines = [doc.index.range(w.start, w.start).start.line + 1 for w in launch.command.words]
    return min(lines) <= line <= max(lines)


def line_span(doc: Any, launch: Any) -> tuple[int, int]:
    words = launch.command.words
    return (doc.index.range(words[0].start, words[0].start).start.line + 1,
            doc.index.range(words[-1].end, words[-1].end).start.line + 1)


def _table(display: str, result: Any, line: int) -> str:
    rows = [("setting", "value", "from")]
    rows += [(s.key, str(s.value), s.where) for s in result.settings]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    out = [f"{display}:{line}: {result.launch.launcher}"]
    if result.config_note:
        out.append(f"  config: {result.config_note}")
    if _parser(result.launch):
        out.append(f"  options read by: {_parser(result.launch)}")
    for i, (key, value, where) in enumerate(rows):
        out.append(f"  {key:<{widths[0]}} | {value:<{widths[1]}} | {where}".rstrip())
        if i == 0:
            out.append(f"  {'-' * widths[0]}-+-{'-' * widths[1]}-+-{'-' * 10}")
    return "\n".join(out) + "\n\n"

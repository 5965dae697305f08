"""``shardlint check [PATHS]``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from shardlint.settings import cli as settings_cli

if TYPE_CHECKING:
    from shardlint.lint import Report
    from shardlint.options import LintOptions
    from shardlint.reporters import View


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from shardlint.reporters import FORMATS

    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or directories to check (default: .); - reads standard input")
    output = parser.add_argument_group("output")
    output.add_argument("--format", choices=FORMATS, default="text",
                        help="output format (default: text; concise is one line per finding)")
    output.add_argument("-o", "--output-file", metavar="FILE", type=Path,
                        help="write the report to FILE instead of standard output")
    output.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the text output (default: auto; NO_COLOR is honoured)")
    output.add_argument("--show-tips", action="store_true",
                        help="also list info and hint findings (text, concise and github formats; "
                             "JSON and SARIF always hold them)")
    output.add_argument("--show", choices=settings_cli.SEVERITY_NAMES, metavar="LEVEL",
                        help="lowest severity listed: error, warning, info or hint "
                             "(default: warning, or show in the configuration)")
    output.add_argument("--statistics", action="store_true",
                        help="print how often each rule code fired instead of the findings (text or json)")
    output.add_argument("--show-fixes", action="store_true",
                        help="list the fixes applied (--fix), that would be (--diff), or that are available")
    output.add_argument("-q", "--quiet", action="store_true", help="print the findings and nothing else")
    output.add_argument("-v", "--verbose", action="store_true",
                        help="say on standard error which files were read or skipped and why, "
                             "and which configuration and targets applied")
    status = parser.add_argument_group("exit status")
    status.add_argument("--fail-level", choices=settings_cli.SEVERITY_NAMES,
                        help="lowest severity that makes the exit code 1 (default: warning, "
                             "or fail-level in the configuration)")
    status.add_argument("--exit-zero", action="store_true",
                        help="exit 0 even when findings reach the fail level (2 still means a usage "
                             "error or an unreadable file)")
    files = settings_cli.add_arguments(parser)
    files.add_argument("--stdin-filename", metavar="PATH",
                       help="with - (or no PATH), lint standard input as this file: its name decides the "
                            "syntax, the configuration and where linked files are found")
    files.add_argument("--show-files", action="store_true",
                       help="list the files a run checks, one per line, and exit")
    files.add_argument("--watch", action="store_true",
                       help="check again whenever a file changes (needs the 'watch' extra: "
                            "pip install 'shardlint[watch]')")
    fixing = parser.add_argument_group("fixing (see the README's \"Fixing\")")
    fixing.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    fixing.add_argument("--unsafe-fixes", action="store_true",
                        help="with --fix or --diff, also apply fixes that may change behaviour")
    fixing.add_argument("--diff", action="store_true",
                        help="print the fixes as a unified diff instead of writing them")


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _usage_problem(args: argparse.Namespace) -> str | None:
    stdin = args.paths == ["-"]
    if "-" in args.paths and not stdin:
        return "- (standard input) must be the only PATH"
    if stdin and (args.fix or args.diff or args.watch or args.show_files):
        return "standard input cannot be used with --fix, --diff, --watch or --show-files"
    if args.watch and (args.fix or args.diff):
        return "--watch cannot be used with --fix or --diff"
    if args.statistics and args.format not in ("text", "json"):
        return "--statistics prints text or json"
    return None


def run(args: argparse.Namespace) -> int:
    from shardlint.reporters import View
    from shardlint.settings.model import ConfigError

    if not args.paths:
        args.paths = ["-"] if args.stdin_filename else ["."]
    problem = _usage_problem(args)
    if problem:
        sys.stderr.write(f"shardlint: error: {problem}\n")
        return 2
    try:
        options, fail_level, show = settings_cli.options_from_args(args)
        view = View(show=show, fail_level=fail_level, quiet=args.quiet)
        if args.watch:
            from shardlint.watching import watch

            return watch(args.paths, lambda: _check_once(args, options, view))
        return _check_once(args, options, view)
    except ConfigError as exc:
        sys.stderr.write(f"shardlint: error: {exc}\n")
        return 2
    except Exception as exc:
        # the rule engine (and its RuleFileError) is imported only by a run that checks a config
        from shardlint.engine.registry import RuleFileError

        if not isinstance(exc, RuleFileError):
            raise
        sys.stderr.write(f"shardlint: error: bad rule file {exc}\n")
        return 2


def _lint(args: argparse.Namespace, options: LintOptions, report: Report | None = None) -> Report:
    """Lint the run's paths (or standard input) into ``report`` (a new one by default)."""
    from shardlint.lint import Report, Skipped, lint_paths, lint_stdin

    if args.paths == ["-"]:
        report = report if report is not None else Report()
        name = args.stdin_filename or "-"
        outcome = lint_stdin(sys.stdin.buffer.read(), Path(name), name, options)
        if isinstance(outcome, Skipped):
            report.skipped.append(outcome)
        else:
            report.add(outcome)
        report.finish(options)
        return report
    from shardlint.reporters.progress import progress_on_terminal

    with progress_on_terminal(enabled=not args.quiet and not args.watch) as progress:
        return lint_paths(args.paths, options, progress, report)


def _streams(args: argparse.Namespace) -> bool:
    """The report is built file by file, holding no documents: all but fixing and listings."""
    return not (args.fix or args.diff or args.show_files or args.verbose)


def _check_streamed(args: argparse.Namespace, options: LintOptions, view: View) -> int:
    from shardlint.reporters.streamed import StreamedReport, output_for

    color = args.output_file is None and _use_color(args.color)
    output = output_for(args.format, color=color, view=view, statistics=args.statistics)
    # the list of available fixes follows the text and concise reports only, as in a whole report
    report = StreamedReport(output, view, list_fixes=args.show_fixes and args.format in ("text", "concise")
                            and not args.statistics)
    _lint(args, options, report)
    pieces = report.output.pieces()
    if report.list_fixes:
        from itertools import chain

        from shardlint.reporters.fix_list import fix_list

        pieces = chain(pieces, [fix_list("Fixes available", report.available_fixes)])
    return _write(pieces, args) or _exit(report.exit_code(view.fail_level), args)


def _write(text: str | Iterator[str], args: argparse.Namespace) -> int:
    """Write the report; 2 when the output file cannot be written, else 0."""
    try:
        settings_cli.write_report(text, args.output_file)
    except OSError as exc:
        sys.stderr.write(f"shardlint: error: --output-file: {exc}\n")
        return 2
    return 0


def _print_targets(report: Report, options: LintOptions) -> None:
    """Where the targeted versions come from: one line per distinct set, with the files it applies to."""
    from shardlint.settings.resolve import settings_for
    from shardlint.settings.targets import choose_targets, summary_line

    lines: dict[str, list[str]] = {}
    for result in report.files:
        choices = choose_targets(settings_for(result.document.path, options))
        lines.setdefault(summary_line(choices), []).append(result.path)
    for line, files in lines.items():
        shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        sys.stderr.write(f"shardlint: {shown}: judged by {line}\n")


def _check_once(args: argparse.Namespace, options: LintOptions, view: View) -> int:
    """One run: lint, report, fix if asked; the exit code."""
    from shardlint.reporters import renderer

    if _streams(args):
        return _check_streamed(args, options, view)
    report = _lint(args, options)
    if args.verbose:
        from shardlint.reporters.verbose import describe_run

        sys.stderr.write(describe_run(report, options))
        _print_targets(report, options)
    if args.show_files:
        return _show_files(report)
    color = args.output_file is None and _use_color(args.color)
    if args.fix or args.diff:
        from shardlint.fixes.fix_mode import run_fix_mode

        if args.diff and report.failures:  # the diff holds no report: say what could not be read
            sys.stderr.write(renderer("concise")(_only_failures(report), view=view._replace(quiet=True)))
        code = run_fix_mode(report, options, fail_level=view.fail_level, unsafe=args.unsafe_fixes, diff=args.diff,
                            render=lambda r: renderer(args.format)(r, color=color, view=view),
                            emit=lambda text: settings_cli.write_report(text, args.output_file),
                            summary_to_stdout=args.format in ("text", "concise") and args.output_file is None,
                            show_fixes=args.show_fixes, quiet=args.quiet)
        return _exit(code, args)
    if args.statistics:
        from shardlint.reporters.statistics import render as render_statistics

        text = render_statistics(report, args.format, quiet=args.quiet)
    else:
        text = renderer(args.format)(report, color=color, view=view)
        if args.show_fixes and args.format in ("text", "concise"):  # JSON and SARIF hold every fix already
            from shardlint.reporters.fix_list import available, fix_list

            text += fix_list("Fixes available", [fix for result in report.all_files
                                                 for fix in available(result, view)])
    return _write(text, args) or _exit(report.exit_code(view.fail_level), args)


def _exit(code: int, args: argparse.Namespace) -> int:
    return 0 if code == 1 and args.exit_zero else code


def _only_failures(report: Report) -> Report:
    from shardlint.lint import Report

    out = Report()
    out.failures = report.failures
    return out


def _show_files(report: Report) -> int:
    sys.stdout.write("".join(f"{result.path}\n" for result in report.files))
    for failure in report.failures:
        sys.stderr.write(f"{failure.path}: {failure.diagnostics[0].message}\n")
    return 2 if report.failures else 0

"""``shardlint convert --to deepspeed|fsdp|fsdp2 CONFIG [-o OUT]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TARGETS = ("deepspeed", "fsdp", "fsdp2")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", metavar="CONFIG",
                        help="Accelerate config (YAML) using FSDP or DeepSpeed; - reads standard input")
    parser.add_argument("--to", required=True, choices=TARGETS,
                        help="target: deepspeed, fsdp (FSDP1) or fsdp2")
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="write the converted config here (default: standard output)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary on standard error")


def run(args: argparse.Namespace) -> int:
    from shardlint.convert import ConvertError, convert_text

    from shardlint.loading.files import read_regular
    from shardlint.loading.limits import MAX_FILE_BYTES

    path = None if args.config == "-" else Path(args.config)
    try:
        raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1) if path is None else read_regular(path)
        if len(raw) > MAX_FILE_BYTES:
            print(f"shardlint convert: {args.config} is over the {MAX_FILE_BYTES:,}-byte limit; not converted",
                  file=sys.stderr)
            return 2
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"shardlint convert: cannot read {args.config}: {exc}", file=sys.stderr)
        return 2
    try:
        result = convert_text(text, args.to, path)
    except ConvertError as exc:
        print(f"shardlint convert: {args.config}: {exc}", file=sys.stderr)
        return 2
    if args.output:
        try:
            Path(args.output).write_text(result.text, encoding="utf-8")
        except OSError as exc:
            print(f"shardlint convert: cannot write {args.output}: {exc}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(result.text)
    if not args.quiet:
        from shardlint.estimate.perparam import before_after

        sys.stderr.write(result.summary)
        sys.stderr.write(before_after(text, path or Path("<stdin>"), args.to) or "")
    return 0

"""``shardlint schema accelerate|deepspeed``: print a JSON Schema for editors."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=("accelerate", "deepspeed"),
                        help="accelerate: an `accelerate config` file; deepspeed: a DeepSpeed JSON config")
    parser.add_argument("--path", action="store_true",
                        help="print where the installed schema file is instead of its content")


def run(args: argparse.Namespace) -> int:
    from shardlint.resources import data_dir
    from shardlint.validation.schemas import SCHEMA_FILES, schema_text

    if args.path:
        sys.stdout.write(f"{data_dir('schemas') / SCHEMA_FILES[args.kind]}\n")
    else:
        sys.stdout.write(schema_text(args.kind))
    return 0

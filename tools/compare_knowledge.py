"""Print what changed between two committed snapshots of a library (review it before encoding a release).

    python tools/compare_knowledge.py accelerate 1.15.0 1.16.0 [--with-help]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from libsurface.compare import render  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library")
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--with-help", action="store_true", help="also report changed help texts and docstrings")
    parser.add_argument("--knowledge", type=Path, default=REPO / "knowledge")
    args = parser.parse_args(argv)
    load = lambda v: json.loads((args.knowledge / args.library / f"{v}.json").read_text(encoding="utf-8"))  # noqa: E731
    print(render(load(args.old), load(args.new), args.with_help))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Write ``knowledge/<library>/<version>.json``: a library release's config surface, read from its source.

    python tools/extract_knowledge.py accelerate 1.16.0
    python tools/extract_knowledge.py accelerate 1.16.0 --source path/to/accelerate-1.16.0.tar.gz

The release is downloaded with ``pip download --no-deps`` (sdist, else wheel) into a
temporary folder and read with ``ast``: nothing of it is imported or run. See tools/README.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from libsurface.extract import LIBRARIES, snapshot, write_snapshot  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", choices=sorted(LIBRARIES))
    parser.add_argument("version", help="the release, e.g. 1.16.0")
    parser.add_argument("--source", type=Path, help="an sdist or wheel already downloaded (no network)")
    parser.add_argument("--out", type=Path, default=REPO / "knowledge", help="snapshot folder (default: knowledge/)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="shardlint-knowledge-") as tmp:
        try:
            data = snapshot(args.library, args.version, Path(tmp), args.source)
        except (OSError, LookupError, RuntimeError, SyntaxError) as error:  # a release laid out differently
            print(f"error: {args.library} {args.version}: {error}", file=sys.stderr)
            return 1
    path = write_snapshot(data, args.out)
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

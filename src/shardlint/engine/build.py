"""Regenerate what is derived from the rule files: ``rules/rules.json`` and ``docs/rules/``.

    python -m shardlint.engine.build          # write them
    python -m shardlint.engine.build --check  # exit 1 when they are out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shardlint.engine.registry import BUNDLE_NAME, RuleFileError, build_bundle, bundle_text, rules_root


def generated_files() -> dict[Path, str]:
    from shardlint.engine.docs import docs_dir, render_docs

    root = rules_root()
    out = {root / BUNDLE_NAME: bundle_text(build_bundle(root))}
    out.update({docs_dir() / name: text for name, text in render_docs().items()})
    return out


def stale_files() -> list[Path]:
    from shardlint.engine.docs import docs_dir

    wanted = generated_files()
    stale = [p for p, text in wanted.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
    stale += [p for p in sorted(docs_dir().glob("*.md")) if p not in wanted]
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shardlint.engine.build", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report out-of-date files")
    args = parser.parse_args(argv)
    try:
        if args.check:
            stale = stale_files()
            for path in stale:
                print(f"out of date: {path}")
            return 1 if stale else 0
        from shardlint.engine.docs import docs_dir

        wanted = generated_files()
        for old in docs_dir().glob("*.md"):
            if old not in wanted:
                old.unlink()
        for path, text in wanted.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path}")
        return 0
    except RuleFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""One snapshot: download, read, and write deterministic JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Callable

from libsurface import accelerate_surface, deepspeed_surface, hf_surface
from libsurface.fetch import download, sha256, unpack
from libsurface.pysource import SourceTree

SNAPSHOT_FORMAT = 1
LIBRARIES: dict[str, Callable[[SourceTree], dict[str, Any]]] = {
    "accelerate": accelerate_surface.extract,
    "deepspeed": deepspeed_surface.extract,
    "transformers": hf_surface.transformers_surface,
    "trl": hf_surface.trl_surface,
}
SRC_LAYOUT = {"accelerate", "transformers"}  # their sources live in src/<package> in the repository and sdist


def snapshot(library: str, version: str, workdir: Path, source: Path | None = None) -> dict[str, Any]:
    if source is None:
        downloads = workdir / "download"
        downloads.mkdir()
        archive = download(library, version, downloads)
    else:
        archive = workdir / source.name
        shutil.copyfile(source, archive)
    root = unpack(archive, workdir, library in SRC_LAYOUT)
    surface = LIBRARIES[library](SourceTree(root))
    return {
        "format": SNAPSHOT_FORMAT,
        "library": library,
        "version": version,
        "source": {"file": archive.name, "sha256": sha256(archive)},
        **surface,
    }


def write_snapshot(data: dict[str, Any], folder: Path) -> Path:
    path = folder / data["library"] / f"{data['version']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path

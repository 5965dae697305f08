"""Download one release's source distribution with pip and unpack it."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path


def download(package: str, version: str, into: Path) -> Path:
    """The sdist (else the wheel) of ``package==version`` in ``into``; pip does the network part."""
    spec = f"{package}=={version}"
    for mode in (["--no-binary", ":all:"], ["--only-binary", ":all:"]):
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", *mode, "--dest", str(into), spec],
            capture_output=True, text=True, check=False,
        )
        archives = sorted(p for p in into.iterdir() if p.suffix in (".gz", ".whl", ".zip"))
        if result.returncode == 0 and archives:
            return archives[0]
    raise RuntimeError(f"pip could not download {spec}:\n{result.stderr.strip()}")


def unpack(archive: Path, into: Path) -> Path:
    """Extract ``archive``; the directory whose layout matches the repository (``src/...``) or the wheel's."""
    target = into / "unpacked"
    if archive.name.endswith(".tar.gz"):
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
    else:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(target)
    entries = [p for p in target.iterdir() if p.is_dir() and not p.name.endswith((".dist-info", ".data"))]
    # an sdist has one top folder (name-version/); a wheel has the package folders themselves
    return entries[0] if archive.name.endswith(".tar.gz") and len(entries) == 1 else target


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

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


def unpack(archive: Path, into: Path, src_layout: bool) -> Path:
    """Extract ``archive``; the folder laid out as the repository is (``src/<package>`` when ``src_layout``).

    An sdist has one top folder (``name-version/``) in the repository's layout; a wheel holds the
    package folders themselves, so for a ``src`` layout it is unpacked below ``src/``.
    """
    target = into / "unpacked"
    if archive.name.endswith(".tar.gz"):
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
        entries = [p for p in target.iterdir() if p.is_dir()]
        return entries[0] if len(entries) == 1 else target
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(target / "src" if src_layout else target)
    return target


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

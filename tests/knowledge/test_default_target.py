"""The default target (the versions a run checks against unless told otherwise) is the newest snapshot."""

from __future__ import annotations

import pytest

from shardlint.engine.versions import LATEST, parse_version
from tests.conftest import ROOT
from tests.knowledge.snapshots import snapshot, versions


@pytest.mark.parametrize("library", sorted(LATEST))
def test_latest_is_the_newest_snapshot(library):
    assert versions(library), f"no snapshot of {library} in knowledge/"
    assert LATEST[library] == versions(library)[-1], (
        f"{library}: the default target is {LATEST[library]} but the newest snapshot is {versions(library)[-1]}; "
        "review the release (tools/README.md) and update shardlint.engine.versions.LATEST")


@pytest.mark.parametrize("library", ["accelerate", "deepspeed", "transformers", "trl"])
def test_snapshots_name_their_release(library):
    for version in versions(library):
        data = snapshot(library, version)
        assert (data["library"], data["version"]) == (library, version)
        assert parse_version(version) and len(data["source"]["sha256"]) == 64
        assert data["source"]["file"].startswith((library, library.replace("-", "_")))


def test_rule_format_names_the_default_target():
    text = " ".join((ROOT / "docs" / "rule-format.md").read_text(encoding="utf-8").split())
    named = ", ".join(f"{library} {version}" for library, version in sorted(LATEST.items()))
    assert f"libraries not named get the latest releases shardlint knows: {named}" in text

"""shardlint's verdicts on edited copies of corpus files, next to what the libraries did with them.

Each file under variants/ is a corpus config with one edit (a quoted number, a changed stage, a key
added or removed, ...). verdicts.yaml records, for each, what the libraries' own load, launch and
plugin checks (Accelerate 1.15.0, DeepSpeed 0.19.8) did with it, and the codes shardlint must and
must not report. shardlint reports an error exactly where the libraries raised one, except where the
entry says why (``differs``: a failure the start-up checks cannot reach, or a world size they assume).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from shardlint.diagnostics import Severity
from shardlint.lint import lint_paths
from shardlint.options import LintOptions

VARIANTS = Path(__file__).resolve().parent / "variants"
VERDICTS: dict[str, dict[str, Any]] = yaml.safe_load((VARIANTS / "verdicts.yaml").read_text(encoding="utf-8"))


def test_every_variant_has_a_verdict() -> None:
    linked = {(VARIANTS / name).parent / entry["launched_with"]
              for name, entry in VERDICTS.items() if "launched_with" in entry}
    configs = {p for p in VARIANTS.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.name != "verdicts.yaml"}
    named = {VARIANTS / name for name in VERDICTS}
    # the DeepSpeed JSONs the Accelerate configs name are there to be linked, not checked on their own
    supporting = {p for p in configs if p.suffix == ".json" and (p.parent.name == "accelerate_configs"
                                                                  or p.name.endswith("ds-config.json"))}
    assert configs - named - supporting - {p.resolve() for p in linked} == set()
    assert all(p.is_file() for p in named | linked)


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_variant(name: str) -> None:
    entry = VERDICTS[name]
    report = lint_paths([str(VARIANTS / name)], LintOptions(isolated=True))
    assert not report.failures
    diagnostics = [d for result in report.files for d in result.diagnostics]
    codes = {d.code for d in diagnostics}
    assert set(entry.get("expect", ())) <= codes, diagnostics
    assert codes.isdisjoint(entry.get("absent", ())), diagnostics
    reports_error = any(d.severity == Severity.ERROR for d in diagnostics)
    libraries_raise = entry["verdict"] == "error"
    if "differs" in entry:
        assert reports_error != libraries_raise, entry["differs"]
    else:
        assert reports_error == libraries_raise, diagnostics

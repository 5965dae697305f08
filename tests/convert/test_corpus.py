"""Every FSDP and DeepSpeed Accelerate config of the corpus converts, and the result lints clean."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from shardlint.convert import ConvertError, convert_text
from shardlint.diagnostics import Severity
from shardlint.lint import lint_text
from shardlint.options import LintOptions

TARGETS = {"FSDP": ("deepspeed", "fsdp", "fsdp2"), "DEEPSPEED": ("fsdp", "fsdp2")}


def _sources(shared: Path) -> list[Path]:
    with (shared / "corpus" / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        rows = [row for row in csv.DictReader(manifest, delimiter="\t") if row["kind"] == "accelerate"]
    paths = [shared / "corpus" / row["file"] for row in rows]
    return [p for p in paths
            if isinstance(data := yaml.safe_load(p.read_text(encoding="utf-8")), dict)
            and data.get("distributed_type") in TARGETS]


def _errors(path: Path, text: str) -> list[str]:
    result = lint_text(path, text, LintOptions())
    return [f"{d.code} {d.message}" for d in result.diagnostics if d.severity == Severity.ERROR]


CONVERTED = ("fsdp_config", "deepspeed_config", "parallelism_config", "distributed_type", "mixed_precision")


def _lost_lines(source: str, result: str) -> list[str]:
    """Lines outside the converted keys that are not in the result (ruamel drops trailing blanks
    and writes ``{ }`` as ``{}``; nothing else may change)."""
    def norm(line: str) -> str:
        return line.rstrip().replace("{ }", "{}")
    kept = {norm(line) for line in result.splitlines()}
    lost, inside = [], False
    for line in source.splitlines():
        if line[:1].strip() and not line.startswith("#"):
            inside = line.startswith(CONVERTED)
        if not inside and line.strip() and norm(line) not in kept:
            lost.append(line)
    return lost


def test_every_corpus_config_converts_and_lints_clean(shared_dir: Path):
    sources = _sources(shared_dir)
    assert len(sources) >= 100  # 45 FSDP and 60 DeepSpeed configs in the corpus
    failures: list[str] = []
    converted = 0
    for path in sources:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        flavour = "fsdp2" if str((data.get("fsdp_config") or {}).get("fsdp_version")) == "2" else "fsdp"
        for target in TARGETS[data["distributed_type"]]:
            if target == flavour and data["distributed_type"] == "FSDP":
                continue
            try:
                result = convert_text(text, target, path)
            except ConvertError as exc:
                failures.append(f"{path.name} -> {target}: refused: {exc}")
                continue
            converted += 1
            out = yaml.safe_load(result.text)
            expected = "DEEPSPEED" if target == "deepspeed" else "FSDP"
            if out["distributed_type"] != expected:
                failures.append(f"{path.name} -> {target}: distributed_type {out['distributed_type']}")
            # keys that have nothing to do with sharding are untouched
            for key in ("num_processes", "num_machines", "machine_rank", "main_process_ip", "dynamo_config"):
                if key in data and out.get(key) != data[key]:
                    failures.append(f"{path.name} -> {target}: {key} changed")
            lost = _lost_lines(text, result.text)
            if lost:
                failures.append(f"{path.name} -> {target}: lines lost {lost}")
            errors = _errors(path, result.text)
            if errors:
                failures.append(f"{path.name} -> {target}: {errors}")
    assert not failures, "\n".join(failures)
    assert converted >= 200

"""``shardlint rules``, ``shardlint rule CODE``, the engine's ``check`` flags, and start-up cost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from shardlint.engine.registry import build_bundle, bundle_text, read_rule_files

ROOT = Path(__file__).resolve().parents[2]


def test_rules_lists_every_rule(shardlint) -> None:
    ids = sorted(spec["id"] for _, spec in read_rule_files())
    text = shardlint("rules")
    assert text.returncode == 0
    assert sorted(line.split()[0] for line in text.stdout.splitlines()) == ids
    rows = json.loads(shardlint("rules", "--format", "json").stdout)
    fsdp100 = next(r for r in rows if r["code"] == "FSDP100")
    assert fsdp100 == {"code": "FSDP100", "name": "cpu-ram-efficient-loading-needs-sync", "severity": "error",
                       "summary": fsdp100["summary"], "applies-to": ["accelerate"], "check": "declarative",
                       "fix": True, "docs": fsdp100["docs"]}
    assert fsdp100["docs"].endswith("/docs/rules/FSDP100.md")


def test_rule_prints_the_docs_page(shardlint) -> None:
    out = shardlint("rule", "fsdp100")
    assert out.returncode == 0
    assert out.stdout == (ROOT / "docs" / "rules" / "FSDP100.md").read_text(encoding="utf-8")
    data = json.loads(shardlint("rule", "DSA100", "--format", "json").stdout)
    assert data["id"] == "DSA100" and data["family"] == "dsa" and data["check"] == "builtin"
    missing = shardlint("rule", "XYZ999")
    assert missing.returncode == 2 and "no rule 'XYZ999'" in missing.stderr
    glob = shardlint("rule", "**")  # not a code: no glob pattern is built from it
    assert glob.returncode == 2 and glob.stderr == "shardlint: error: no rule '**' (see `shardlint rules`)\n"


def test_target_selects_rule_versions(shardlint, tmp_path: Path) -> None:
    config = tmp_path / "a.yaml"
    config.write_text("distributed_type: FSDP\nnum_processes: 2\nfsdp_config:\n  fsdp_sync_module_states: false\n",
                      encoding="utf-8")
    latest = shardlint("check", "--isolated", "--format", "json", str(config))
    assert "FSDP100" in {d["code"] for d in json.loads(latest.stdout)["files"][0]["diagnostics"]}
    # before 0.24 there was no cpu_ram_efficient_loading (and no launcher check)
    old = shardlint("check", "--isolated", "--format", "json", "--target", "accelerate=0.23", str(config))
    assert "FSDP100" not in {d["code"] for d in json.loads(old.stdout)["files"][0]["diagnostics"]}
    bad = shardlint("check", "--isolated", "--target", "accelerate", str(config))
    assert bad.returncode == 2 and "--target" in bad.stderr


def test_deepspeed_runner_flag(shardlint, tmp_path: Path) -> None:
    config = tmp_path / "a.yaml"
    config.write_text("distributed_type: DEEPSPEED\nnum_processes: 2\ndeepspeed_config:\n  gradient_clipping: 1.0\n",
                      encoding="utf-8")
    codes = lambda *flags: {d["code"] for d in json.loads(shardlint(  # noqa: E731
        "check", "--isolated", "--format", "json", *flags, str(config)).stdout)["files"][0]["diagnostics"]}
    assert "DSA109" in codes()
    assert "DSA109" not in codes("--deepspeed-runner", "accelerate")


def test_bundle_loads_without_jsonschema_or_yaml_rule_files(tmp_path: Path) -> None:
    """The check path reads the compiled bundle: no jsonschema import, no rule YAML parsing."""
    bundle = tmp_path / "rules.json"
    bundle.write_text(bundle_text(build_bundle()), encoding="utf-8")
    code = ("import sys, time; from pathlib import Path\n"
            "t = time.perf_counter()\n"
            "from shardlint.engine.registry import ruleset_from_bundle\n"
            f"rules = ruleset_from_bundle(Path({str(bundle)!r}), None)\n"
            "print(len(rules.rules), 'jsonschema' in sys.modules, round((time.perf_counter() - t) * 1000))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) == len(read_rule_files())
    assert out[1] == "False"

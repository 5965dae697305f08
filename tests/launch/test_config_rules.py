"""The config rules on the configuration a launch runs with, reported at the flag that set the value."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_shardlint, write


def _found(tmp_path: Path, script: str, files: dict[str, str] | None = None) -> list[tuple[str, int, int]]:
    for name, text in (files or {}).items():
        write(tmp_path, name, text)
    path = write(tmp_path, "run.sh", script)
    out = run_shardlint("check", "--isolated", "--format", "json", str(path))
    (result,) = json.loads(out.stdout)["files"]
    return sorted((d["code"], d["range"]["start"]["line"] + 1, d["range"]["start"]["character"] + 1)
                  for d in result["diagnostics"])


def test_flag_values_meet_the_config_rules_at_the_flag(tmp_path: Path) -> None:
    found = _found(tmp_path, "accelerate launch --config_file fsdp.yaml \\\n"
                             "  --fsdp_use_orig_params false --dynamo_backend inductor train.py\n",
                   {"fsdp.yaml": "distributed_type: FSDP\nnum_processes: 2\nfsdp_config:\n  fsdp_version: 1\n"
                                 "  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP\n  fsdp_backward_prefetch: BACKWARD_PRE\n"})
    assert found == [("FSDP101", 2, 26)]


def test_zero3_init_flag_below_stage_3(tmp_path: Path) -> None:
    found = _found(tmp_path, "accelerate launch --use_deepspeed --zero_stage 2 --zero3_init_flag true t.py\n")
    assert ("DSA103", 1, 68) in found


def test_a_cli_false_string_passes_the_launchers_truthiness_check(tmp_path: Path) -> None:
    """launch.md LF12: the launcher's check reads the string 'false' as true, so FSDP100 does not fire."""
    found = _found(tmp_path, "accelerate launch --use_fsdp --fsdp_cpu_ram_efficient_loading true "
                             "--fsdp_sync_module_states false --num_processes 2 t.py\n")
    assert "FSDP100" not in [code for code, _, _ in found]


def test_findings_on_the_files_own_values_stay_with_the_file(tmp_path: Path) -> None:
    found = _found(tmp_path, "accelerate launch --config_file fsdp.yaml --num_processes 4 train.py\n",
                   {"fsdp.yaml": "distributed_type: FSDP\nnum_processes: 2\nfsdp_config:\n  fsdp_version: 1\n"
                                 "  fsdp_use_orig_params: false\ndynamo_config:\n  dynamo_backend: INDUCTOR\n"})
    assert found == []


def test_a_config_a_heredoc_writes_is_checked_and_read_by_the_launch(tmp_path: Path) -> None:
    script = ("#!/bin/bash\ncat <<'YAML' > fsdp.yaml\ndistributed_type: FSDP\nnum_processes: 8\nfsdp_config:\n"
              "  fsdp_version: 1\n  fsdp_sync_module_states: false\nYAML\n"
              "accelerate launch --config_file fsdp.yaml --num_processes 4 train.py\n")
    found = _found(tmp_path, script)
    assert ("FSDP100", 7, 3) in found  # the key's line in the script
    assert not [code for code, _, _ in found if code == "LCH106"]
    out = run_shardlint("effective", "run.sh", "--format", "json", cwd=tmp_path)
    (launch,) = json.loads(out.stdout)
    assert "written by the heredoc at run.sh:3" in launch["config"]
    settings = {s["setting"]: s["from"] for s in launch["settings"]}
    assert settings["distributed_type"] == "run.sh:3" and settings["num_processes"] == "run.sh:9:43"

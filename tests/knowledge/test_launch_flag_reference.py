"""The launch-flag extraction agrees with the reference table of Accelerate 1.15's flags.

The reference (``shared/reference/accelerate_launch_flags.json``) was generated from the
source that became 1.15.0 (1.15.0.dev0 at 16cb6eb8): every field but the line number
must match the 1.15.0 snapshot exactly.
"""

from __future__ import annotations

import json

from tests.knowledge.snapshots import snapshot

# flags of the 1.15.0 release that the reference's earlier snapshot of the source lacks
NEWER_THAN_REFERENCE = {
    ("--fsdp_activation_checkpointing_offload",): "added after 1.15.0.dev0 (16cb6eb8), released in 1.15.0",
}


def test_every_reference_flag_is_extracted_identically(shared_dir):
    reference = json.loads((shared_dir / "reference" / "accelerate_launch_flags.json").read_text(encoding="utf-8"))
    extracted = {tuple(f["names"]): f for f in snapshot("accelerate", "1.15.0")["launch_flags"]}
    assert len(reference) > 100
    for expected in reference:
        names = tuple(expected["names"])
        assert names in extracted, f"{names} is in the reference but not extracted"
        got = extracted[names]
        for key, value in expected.items():
            if key != "line":
                assert got[key] == value, f"{names} {key}: reference {value!r}, extracted {got[key]!r}"
    assert set(extracted) - {tuple(r["names"]) for r in reference} == set(NEWER_THAN_REFERENCE)


def test_flag_order_follows_the_source(shared_dir):
    reference = json.loads((shared_dir / "reference" / "accelerate_launch_flags.json").read_text(encoding="utf-8"))
    extracted = [tuple(f["names"]) for f in snapshot("accelerate", "1.15.0")["launch_flags"]
                 if tuple(f["names"]) not in NEWER_THAN_REFERENCE]
    assert extracted == [tuple(r["names"]) for r in reference]


def test_switches_and_valued_options_are_told_apart():
    flags = {f["names"][0]: f for f in snapshot("accelerate", "1.15.0")["launch_flags"]}
    assert flags["--cpu"]["switch"] is True
    assert flags["--multi_gpu"]["switch"] is True
    assert flags["--num_processes"]["switch"] is False
    assert flags["--fsdp_activation_checkpointing_offload"]["switch"] is False  # a str flag, not store_true
    assert flags["--tpu_cluster"]["dest_name"] == "tpu_use_cluster"
    assert flags["--mixed_precision"]["choices_value"] == ["no", "fp16", "bf16", "fp8"]
    assert flags["training_script_args"]["positional"] is True

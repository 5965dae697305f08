"""Configs whose verdict changed between Accelerate 1.15.0 and 1.16.0, checked at both targets.

Each file in ``variants/`` is a one-edit variant of a valid config. The verdicts in the
table were taken from the libraries themselves: Accelerate 1.15.0 and 1.16.0 (with
DeepSpeed 0.19.8 and torch 2.13) loading, launching and building the plugins of each
file on CPU. Two errors happen later, when the Accelerator is created, which that run
does not reach; the source line is given instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shardlint.lint import lint_paths
from shardlint.options import LintOptions

VARIANTS = Path(__file__).parent / "variants"

# file, target, error/warning codes expected, how the library answered
CASES = [
    ("tp_replicate_ddp.yaml", "1.15.0", {"ACC131"}, "1.15.0: ValueError, tensor/context parallelism with pure data parallelism"),
    ("tp_replicate_ddp.yaml", "1.16.0", set(), "1.16.0: ok (the check covers context parallelism only)"),
    ("cp_replicate.yaml", "1.15.0", {"ACC131"}, "1.15.0: ValueError, tensor/context parallelism with pure data parallelism"),
    ("cp_replicate.yaml", "1.16.0", {"ACC152"}, "1.16.0: ValueError, context parallelism with pure data parallelism"),
    ("te_optlevel.yaml", "1.15.0", set(), "1.15.0: ok, fp8_opt_level read (MSAMPRecipeKwargs)"),
    ("te_optlevel.yaml", "1.16.0", {"ACC151"}, "1.16.0: ok, fp8_opt_level copied onto the launch arguments and never read"),
    ("msamp_ddp.yaml", "1.15.0", set(), "1.15.0: ok"),
    # its opt_level is not reported separately: the backend itself fails first
    ("msamp_ddp.yaml", "1.16.0", {"ACC150"},
     "1.16.0: FP8BackendType('MSAMP') raises ValueError in Accelerator.__init__ (accelerator.py:Accelerator.fp8_backend)"),
    # ParallelismConfig.sp_disable_in_eval is new in 1.16.0, but only as a field and an environment variable:
    # no launch option or export reaches it from a config file
    ("sp_disable_in_eval.yaml", "1.16.0", {"ACC002"}, "1.16.0: ok, parallelism_config_sp_disable_in_eval silently ignored"),
    ("msamp_ds_zero3.yaml", "1.15.0", {"DSA123"}, "1.15.0: NotImplementedError, MS-AMP is not supported for ZeRO Stage 3"),
    ("msamp_ds_zero3.yaml", "1.16.0", {"ACC150"},
     "1.16.0: plugins build (no MS-AMP left in DeepSpeedPlugin), then FP8BackendType('MSAMP') raises in Accelerator.__init__"),
]


@pytest.mark.parametrize(("name", "target", "expected", "library"), CASES,
                         ids=[f"{c[0]}@{c[1]}" for c in CASES])
def test_verdict_follows_the_targeted_release(name, target, expected, library):
    report = lint_paths([str(VARIANTS / name)], LintOptions(target={"accelerate": target}, isolated=True))
    found = {d.code for f in report.all_files for d in f.diagnostics if d.severity.name.lower() in ("error", "warning")}
    assert found == expected, f"{name} at Accelerate {target} ({library}): got {sorted(found)}"

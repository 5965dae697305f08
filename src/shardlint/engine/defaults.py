"""What Accelerate uses when a key is absent from the YAML.

Through ``accelerate launch`` the CLI flags' own defaults apply, and several of
them differ from the plugin defaults (reference accelerate.md section 2,
"effective default via launch"; section 6 for the versions they changed in).
DeepSpeed JSON keys absent from the file take DeepSpeed's own defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shardlint.semantics.accelerate import SETTINGS, History
from shardlint.semantics.accelerate import launch_default as accelerate_default

if TYPE_CHECKING:
    from shardlint.engine.reading import Reading

# the launch default history of every Accelerate key that has one (shardlint.semantics.accelerate)
ACCELERATE: dict[tuple[str, ...], History] = {path: s.default for path, s in SETTINGS.items() if s.default}

# DeepSpeed's own defaults for a few keys rules compare (reference deepspeed.md section 1)
DEEPSPEED: dict[tuple[str, ...], Any] = {
    ("zero_optimization", "stage"): 0,
    ("fp16", "enabled"): False,
    ("bf16", "enabled"): False,
}


def launch_default(ctx: Reading, path: tuple[Any, ...]) -> tuple[bool, Any]:
    if ctx.kind == "deepspeed":
        key = tuple(path)
        return (True, DEEPSPEED[key]) if key in DEEPSPEED else (False, None)
    return accelerate_default(path, ctx.target["accelerate"], ctx.fact)

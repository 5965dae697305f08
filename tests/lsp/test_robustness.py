"""Hover and completion never fail, whatever the buffer holds and wherever the cursor is."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from shardlint.lsp.completion import complete
from shardlint.lsp.encoding import UTF8, PositionEncoder
from shardlint.lsp.hover import hover
from shardlint.lsp.session import lint_buffer
from shardlint.options import LintOptions

SEED = ("distributed_type: FSDP\nfsdp_config:\n  fsdp_version: 2\n  - x: [1, {a: 'b'}]\n"
        '{"zero_optimization": {"stage": 3, "off": "\\u00e9"}}\n')
texts = st.text(alphabet=st.sampled_from(sorted(set(SEED)) + ["\U0001F600", "\t", "\r", "|", ">", "#", "&", "*"]),
                max_size=120)


@settings(max_examples=60, deadline=None)
@given(text=texts, where=st.floats(0, 1), name=st.sampled_from(["accelerate.yaml", "ds_config.json"]))
def test_hover_and_completion_survive_any_buffer(text: str, where: float, name: str) -> None:
    offset = int(where * len(text))
    result = lint_buffer(Path(name), text, LintOptions())
    encoder = PositionEncoder(UTF8)
    hover(result, offset, encoder)
    for kind in ("accelerate", "deepspeed"):
        listing = complete(text, result.document.syntax, kind, offset, encoder)
        assert all(item.text_edit is not None for item in listing.items)

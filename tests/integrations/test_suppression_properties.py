"""Properties: any comment text is safe to scan, and removing unused suppressions never changes the data."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from shardlint.fixes.splice import apply_edits
from shardlint.loading.reader import read_document
from shardlint.lint import lint_document
from shardlint.options import LintOptions

LINES = ["distributed_type: FSDP", "fsdp_config:", "  fsdp_version: 2", "  fsdp_offload_params: false",
         "  fsdp_state_dict_type: 'SHARDED_STATE_DICT'", "mixed_precision: bf16", "num_processes: 8"]
CODES = st.sampled_from(["SL002", "DS100", "DS100", "FSDP101", "fsdp1", "SUP001", ""])
COMMENTS = st.one_of(
    st.builds(lambda kind, codes: f"# shardlint: {kind}={','.join(codes)}",
              st.sampled_from(["disable", "disable-file", "Disable", "disabel"]), st.lists(CODES, max_size=3)),
    st.text(alphabet="# shardlint:=,ABC12 \t\"'", max_size=30).map(lambda t: "#" + t),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(comments=st.lists(st.tuples(st.integers(0, len(LINES) - 1), st.booleans(), COMMENTS), max_size=4),
       crlf=st.booleans())
def test_scanning_and_removing_suppressions(tmp_path: Path, comments, crlf: bool) -> None:
    lines = list(LINES)
    for index, own_line, comment in comments:
        if own_line:
            indent = "  " if lines[index].startswith("  ") else ""
            lines.insert(index, indent + comment)
        else:
            lines[index] += "  " + comment
    text = ("\r\n" if crlf else "\n").join(lines) + ("\r\n" if crlf else "\n")
    doc = read_document(tmp_path / "accelerate.yaml", "accelerate.yaml", text=text)
    diagnostics = lint_document(doc, LintOptions(isolated=True)) or []
    if not doc.loaded:
        return
    event(f"SUP001 findings: {sum(d.code == 'SUP001' for d in diagnostics)}")
    for diag in diagnostics:
        if diag.code == "SUP001":
            (fix,) = diag.fixes
            fixed = read_document(tmp_path / "accelerate.yaml", "accelerate.yaml",
                                  text=apply_edits(text, list(fix.edits)))
            assert fixed.loaded and fixed.data == doc.data

"""Document: key lookup, and where findings about a path are shown."""

from pathlib import Path

from shardlint.diagnostics import Position, Range
from shardlint.loading.reader import read_document


def doc_of(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, newline="")
    return read_document(path, name)


def test_missing_key_falls_back_to_its_parent_key(tmp_path):
    doc = doc_of(tmp_path, "a.yaml", "distributed_type: FSDP\nfsdp_config:\n  fsdp_version: 2\n")
    assert doc.range(("fsdp_config", "fsdp_offload_params")) == Range(Position(1, 0), Position(1, 11))


def test_findings_about_the_whole_file_are_shown_on_its_first_line(tmp_path):
    doc = doc_of(tmp_path, "a.yaml", "# header\ndistributed_type: FSDP\r\nnum_processes: 8\r\n")
    assert doc.range(("missing",)) == Range(Position(1, 0), Position(1, 22))
    doc = doc_of(tmp_path, "b.json", '{"zero_optimization": {}}')
    assert doc.range(("train_batch_size",)) == Range(Position(0, 0), Position(0, 25))


def test_get_follows_key_paths(tmp_path):
    doc = doc_of(tmp_path, "a.yaml", "a:\n  b: [1, {c: 2}]\n")
    assert doc.get(("a", "b", 1, "c")) == 2
    assert doc.get(("a", "x"), "dflt") == "dflt" and doc.get(("a", "b", 5)) is None

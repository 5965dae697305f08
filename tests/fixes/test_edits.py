"""The minimal-edit primitives: exact output text, in YAML (block, flow) and JSON."""

from __future__ import annotations

import json

import pytest
import yaml

from shardlint.fixes.edits import quote_scalar, remove_key, rename_key, replace_value_text, set_value

from .helpers import applied, load

FSDP = """\
# top comment
distributed_type: FSDP  # why FSDP
fsdp_config:
  fsdp_backward_prefetch: BACKWARD_PRE # prefetch
  # about sync
  fsdp_sync_module_states: false
  fsdp_state_dict_type: 'LOCAL_STATE_DICT'

mixed_precision: no
"""


def run(tmp_path, text, fn, *args, name="config.yaml"):
    doc = load(tmp_path, text, name)
    return applied(doc, fn(doc, *args))


# --- set_value -------------------------------------------------------------------

def test_set_replaces_scalar_in_place(tmp_path):
    out = run(tmp_path, FSDP, set_value, ("fsdp_config", "fsdp_sync_module_states"), True)
    assert out == FSDP.replace("fsdp_sync_module_states: false", "fsdp_sync_module_states: true")


def test_set_keeps_quote_style(tmp_path):
    out = run(tmp_path, FSDP, set_value, ("fsdp_config", "fsdp_state_dict_type"), "SHARDED_STATE_DICT")
    assert "  fsdp_state_dict_type: 'SHARDED_STATE_DICT'\n" in out
    double = FSDP.replace("'LOCAL_STATE_DICT'", '"LOCAL_STATE_DICT"')
    out = run(tmp_path, double, set_value, ("fsdp_config", "fsdp_state_dict_type"), "FULL_STATE_DICT")
    assert '  fsdp_state_dict_type: "FULL_STATE_DICT"\n' in out


def test_set_quotes_strings_yaml_would_misread(tmp_path):
    out = run(tmp_path, FSDP, set_value, ("mixed_precision",), "no")
    assert out.endswith("mixed_precision: 'no'\n")
    assert yaml.safe_load(out)["mixed_precision"] == "no"
    out = run(tmp_path, FSDP, set_value, ("mixed_precision",), "1e8")
    assert yaml.safe_load(out)["mixed_precision"] == "1e8"


def test_set_same_value_is_no_edit(tmp_path):
    doc = load(tmp_path, FSDP)
    assert set_value(doc, ("fsdp_config", "fsdp_sync_module_states"), False) == []


def test_set_keeps_capitalised_booleans(tmp_path):
    out = run(tmp_path, "distributed_type: FSDP\nuse_cpu: False\n", set_value, ("use_cpu",), True)
    assert out == "distributed_type: FSDP\nuse_cpu: True\n"


def test_insert_after_last_sibling_with_file_indentation(tmp_path):
    text = "distributed_type: FSDP\nfsdp_config:\n    fsdp_offload_params: true  # off\n\n# tail\nnum_processes: 2\n"
    out = run(tmp_path, text, set_value, ("fsdp_config", "fsdp_version"), 2)
    assert out == ("distributed_type: FSDP\nfsdp_config:\n    fsdp_offload_params: true  # off\n"
                   "    fsdp_version: 2\n\n# tail\nnum_processes: 2\n")


def test_insert_creates_missing_parents(tmp_path):
    out = run(tmp_path, FSDP, set_value, ("deepspeed_config", "zero_stage"), 3)
    assert out == FSDP + "deepspeed_config:\n  zero_stage: 3\n"
    out = run(tmp_path, FSDP, set_value, ("fsdp_config", "a", "b"), [1, "on"])
    assert yaml.safe_load(out)["fsdp_config"]["a"] == {"b": [1, "on"]}
    assert out.startswith(FSDP.split("\n\n")[0] + "\n  a:\n    b:\n")


def test_insert_into_key_with_no_value(tmp_path):
    out = run(tmp_path, "distributed_type: FSDP\nfsdp_config:  # later\nnum_processes: 2\n",
              set_value, ("fsdp_config", "fsdp_version"), 2)
    assert out == "distributed_type: FSDP\nfsdp_config:  # later\n  fsdp_version: 2\nnum_processes: 2\n"


def test_insert_at_unterminated_last_line(tmp_path):
    out = run(tmp_path, "a: 1\nb:\n  c: 2", set_value, ("b", "d"), "x y")
    assert out == "a: 1\nb:\n  c: 2\n  d: 'x y'"


def test_insert_into_nested_block_mapping_with_block_scalar(tmp_path):
    text = "a:\n  s: |\n    line\n\n  t: 1\n"
    out = run(tmp_path, text, set_value, ("a", "u"), 2)
    assert out == "a:\n  s: |\n    line\n\n  t: 1\n  u: 2\n"


def test_flow_mapping_insert_and_replace(tmp_path):
    text = "distributed_type: FSDP\nfsdp_config: {fsdp_offload_params: true}  # flow\n"
    out = run(tmp_path, text, set_value, ("fsdp_config", "fsdp_version"), 2)
    assert out == "distributed_type: FSDP\nfsdp_config: {fsdp_offload_params: true, fsdp_version: 2}  # flow\n"
    out = run(tmp_path, "a: {}\n", set_value, ("a", "b"), "no")
    assert out == "a: {b: 'no'}\n"
    out = run(tmp_path, "a: {b: x, c: y}\n", set_value, ("a", "b"), "p, q")
    assert yaml.safe_load(out) == {"a": {"b": "p, q", "c": "y"}}


def test_crlf_is_kept(tmp_path):
    text = "distributed_type: FSDP\r\nfsdp_config:\r\n  fsdp_offload_params: true\r\n"
    out = run(tmp_path, text, set_value, ("fsdp_config", "more"), {"x": 1})
    assert out == text + "  more:\r\n    x: 1\r\n"
    out = run(tmp_path, text, remove_key, ("fsdp_config", "fsdp_offload_params"))
    assert out == "distributed_type: FSDP\r\nfsdp_config: {}\r\n"


def test_replace_block_collection_with_scalar(tmp_path):
    out = run(tmp_path, "a:  # section\n  # inner\n  b: 1\n  c: 2  # c\nd: 3\n", set_value, ("a",), "x")
    assert out == "a: x  # section\n  # inner\nd: 3\n"
    out = run(tmp_path, "a: 1  # one\nd: 3", set_value, ("a",), {"b": [1]})
    assert out == "a:  # one\n  b:\n    - 1\nd: 3"


# --- remove_key ------------------------------------------------------------------

def test_remove_keeps_comment_lines_and_other_lines(tmp_path):
    out = run(tmp_path, FSDP, remove_key, ("fsdp_config", "fsdp_backward_prefetch"))
    assert out == FSDP.replace("  fsdp_backward_prefetch: BACKWARD_PRE # prefetch\n", "")
    out = run(tmp_path, FSDP, remove_key, ("fsdp_config",))
    assert out == "# top comment\ndistributed_type: FSDP  # why FSDP\n  # about sync\n\nmixed_precision: no\n"


def test_remove_only_child_leaves_empty_mapping(tmp_path):
    out = run(tmp_path, "a:  # keep\n  b: 1\nc: 2\n", remove_key, ("a", "b"))
    assert out == "a: {}  # keep\nc: 2\n"
    assert yaml.safe_load(out) == {"a": {}, "c": 2}


def test_remove_from_flow_mapping(tmp_path):
    assert run(tmp_path, "a: {b: 1, c: 2}\n", remove_key, ("a", "b")) == "a: {c: 2}\n"
    assert run(tmp_path, "a: {b: 1, c: 2}\n", remove_key, ("a", "c")) == "a: {b: 1}\n"
    assert run(tmp_path, "a: {b: 1}\n", remove_key, ("a", "b")) == "a: {}\n"


def test_remove_missing_key_is_no_edit(tmp_path):
    assert remove_key(load(tmp_path, FSDP), ("nope",)) == []


# --- JSON --------------------------------------------------------------------------

JSON_TABS = '{\n\t"train_batch_size": 8,\n\t"zero_optimization": {\n\t\t"stage": 3\n\t}\n}\n'
JSON_SPACES = '{\n  "train_batch_size": 8,\n  "fp16": {"enabled": true},\n  "zero_optimization": {\n    "stage": 3\n  }\n}'


def test_json_insert_with_tabs(tmp_path):
    out = run(tmp_path, JSON_TABS, set_value, ("zero_optimization", "offload_param"), {"device": "cpu"},
              name="ds.json")
    assert out == ('{\n\t"train_batch_size": 8,\n\t"zero_optimization": {\n\t\t"stage": 3,\n'
                   '\t\t"offload_param": {\n\t\t\t"device": "cpu"\n\t\t}\n\t}\n}\n')
    json.loads(out)


def test_json_insert_creates_parents(tmp_path):
    out = run(tmp_path, JSON_SPACES, set_value, ("bf16", "enabled"), True, name="ds.json")
    assert out == JSON_SPACES[:-2] + ',\n  "bf16": {\n    "enabled": true\n  }\n}'


def test_json_insert_into_empty_and_inline_objects(tmp_path):
    out = run(tmp_path, '{\n  "a": {},\n  "b": 1\n}\n', set_value, ("a", "x"), "s", name="ds.json")
    assert out == '{\n  "a": {\n    "x": "s"\n  },\n  "b": 1\n}\n'
    out = run(tmp_path, JSON_SPACES, set_value, ("fp16", "loss_scale"), 0, name="ds.json")
    assert '"fp16": {"enabled": true, "loss_scale": 0},' in out
    assert run(tmp_path, '{"a": {}}', set_value, ("a", "x"), 1, name="ds.json") == '{"a": {"x": 1}}'


def test_json_remove_last_first_and_only(tmp_path):
    last = run(tmp_path, JSON_TABS, remove_key, ("zero_optimization",), name="ds.json")
    assert last == '{\n\t"train_batch_size": 8\n}\n'
    first = run(tmp_path, JSON_TABS, remove_key, ("train_batch_size",), name="ds.json")
    assert first == '{\n\t"zero_optimization": {\n\t\t"stage": 3\n\t}\n}\n'
    only = run(tmp_path, JSON_TABS, remove_key, ("zero_optimization", "stage"), name="ds.json")
    assert only == '{\n\t"train_batch_size": 8,\n\t"zero_optimization": {}\n}\n'
    inline = run(tmp_path, JSON_SPACES, remove_key, ("fp16", "enabled"), name="ds.json")
    assert '"fp16": {},' in inline
    for text in (last, first, only, inline):
        json.loads(text)


def test_json_rename_and_replace(tmp_path):
    out = run(tmp_path, JSON_TABS, rename_key, ("train_batch_size",), "train_micro_batch_size_per_gpu",
              name="ds.json")
    assert out == JSON_TABS.replace('"train_batch_size"', '"train_micro_batch_size_per_gpu"')
    out = run(tmp_path, JSON_TABS, replace_value_text, ("train_batch_size",), '"auto"', name="ds.json")
    assert out == JSON_TABS.replace("8", '"auto"')
    out = run(tmp_path, JSON_TABS, set_value, ("zero_optimization", "stage"), 2, name="ds.json")
    assert out == JSON_TABS.replace("3", "2")


# --- rename / replace / quote --------------------------------------------------------

def test_rename_keeps_value_comment_and_key_quotes(tmp_path):
    out = run(tmp_path, FSDP, rename_key, ("fsdp_config", "fsdp_backward_prefetch"), "backward_prefetch")
    assert "  backward_prefetch: BACKWARD_PRE # prefetch\n" in out
    out = run(tmp_path, '"a": 1\n', rename_key, ("a",), "b")
    assert out == '"b": 1\n'
    out = run(tmp_path, "a: 1\n", rename_key, ("a",), "yes")
    assert yaml.safe_load(out) == {"yes": 1}


def test_replace_value_text_verbatim(tmp_path):
    out = run(tmp_path, FSDP, replace_value_text, ("fsdp_config", "fsdp_sync_module_states"), "true")
    assert "fsdp_sync_module_states: true\n" in out


@pytest.mark.parametrize(("raw", "quoted"), [("no", "'no'"), ("on", "'on'"), ("it's", "'it''s'")])
def test_quote_scalar(tmp_path, raw, quoted):
    out = run(tmp_path, f"distributed_type: NO\nmixed_precision: {raw}  # c\n", quote_scalar, ("mixed_precision",))
    assert out == f"distributed_type: NO\nmixed_precision: {quoted}  # c\n"
    assert yaml.safe_load(out)["mixed_precision"] == raw


def test_quote_scalar_leaves_quoted_and_json_alone(tmp_path):
    assert quote_scalar(load(tmp_path, "a: 'no'\n"), ("a",)) == []
    assert quote_scalar(load(tmp_path, '{"a": "no"}', "c.json"), ("a",)) == []


ANCHORS = """\
base: &b
  x: 1
other:
  <<: *b
  z: 3
alias: *b
v: &v 5
w: *v
"""


@pytest.mark.parametrize("path", [("other", "x"), ("alias", "x"), ("alias",), ("v",), ("w",), ("base",)])
def test_no_edit_reaches_through_anchors_aliases_or_merges(tmp_path, path):
    doc = load(tmp_path, ANCHORS)
    assert set_value(doc, path, 9) == []
    assert remove_key(doc, path) == []
    assert rename_key(doc, path, "q") == []
    assert set_value(doc, path + ("new",), 1) == []


def test_own_keys_beside_a_merge_stay_editable(tmp_path):
    doc = load(tmp_path, ANCHORS)
    assert applied(doc, set_value(doc, ("other", "z"), 4)) == ANCHORS.replace("z: 3", "z: 4")
    assert applied(doc, set_value(doc, ("other", "n"), 1)) == ANCHORS.replace("z: 3\n", "z: 3\n  n: 1\n")
    root_merge = "base: &b\n  x: 1\n<<: *b\ny: 2\n"
    doc = load(tmp_path, root_merge)
    assert set_value(doc, ("x",), 5) == []
    assert set_value(doc, ("base", "x"), 5) == []  # the anchor's own value feeds the merge too
    assert applied(doc, set_value(doc, ("y",), 3)) == root_merge.replace("y: 2", "y: 3")


def test_astral_characters_before_an_edit_on_its_line(tmp_path):
    text = "a: {note: '😀😀', b: no}\nc: '😀'  # smile\n"
    out = run(tmp_path, text, quote_scalar, ("a", "b"))
    assert out == "a: {note: '😀😀', b: 'no'}\nc: '😀'  # smile\n"
    out = run(tmp_path, text, set_value, ("c",), "🙂")
    assert out == "a: {note: '😀😀', b: no}\nc: '🙂'  # smile\n"


def test_chain_composes_edits_that_touch_one_place(tmp_path):
    from shardlint.fixes.edits import chain

    text = "distributed_type: FSDP\nfsdp_config:\n  fsdp_use_orig_params: true  # x\nnum_processes: 2\n"
    doc = load(tmp_path, text)
    # on their own these two conflict: the removal leaves `{}` where the insertion goes
    edits = chain(doc, [lambda d: remove_key(d, ("fsdp_config", "fsdp_use_orig_params")),
                        lambda d: set_value(d, ("fsdp_config", "fsdp_version"), 2)])
    assert applied(doc, edits) == "distributed_type: FSDP\nfsdp_config: {fsdp_version: 2}\nnum_processes: 2\n"
    assert [e.range.start.line for e in edits] == [1]  # one hunk: only the touched lines
    assert chain(doc, [lambda d: replace_value_text(d, ("num_processes",), "[")]) == []  # unloadable


def test_edits_between_is_line_wise(tmp_path):
    from shardlint.fixes.edits import edits_between

    doc = load(tmp_path, "a: 1\nb: 2\nc: 3\nd: 4")
    edits = edits_between(doc, "a: 1\nb: 20\nc: 3\nd: 4\ne: 5\n")
    assert [(e.range.start.line, e.range.end.line, e.new_text) for e in edits] == [
        (1, 2, "b: 20\n"), (3, 3, "d: 4\ne: 5\n")]
    assert applied(doc, edits) == "a: 1\nb: 20\nc: 3\nd: 4\ne: 5\n"

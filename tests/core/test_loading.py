"""Loading: exact positions, YAML 1.1 scalar semantics, and hostile input."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
import yaml

from shardlint.document import Span
from shardlint.builtins.input import PROBLEM_CODES
from shardlint.loading.json_loader import load_json
from shardlint.loading.reader import read_document
from shardlint.loading.yaml_loader import load_yaml

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def codes(problems) -> list[str]:
    return [PROBLEM_CODES[p.kind] for p in problems]


def text_at(text: str, span: Span) -> str:
    return text[span.start:span.end]


class TestYamlPositions:
    TEXT = "# comment\nfsdp_config:\n  fsdp_sync_module_states: false  # trailing\n  ids: [1, 2]\n"

    def test_key_and_value_spans_are_exact(self):
        data, positions, problems = load_yaml(self.TEXT)
        assert problems == []
        node = positions[("fsdp_config", "fsdp_sync_module_states")]
        assert text_at(self.TEXT, node.key) == "fsdp_sync_module_states"
        assert text_at(self.TEXT, node.value) == "false"
        assert text_at(self.TEXT, positions[("fsdp_config", "ids", 1)].value) == "2"
        assert data == {"fsdp_config": {"fsdp_sync_module_states": False, "ids": [1, 2]}}

    def test_scalar_style_is_recorded(self):
        _, positions, _ = load_yaml("a: no\nb: 'no'\nc: \"no\"\n")
        assert [positions[(k,)].style for k in "abc"] == ["", "'", '"']


class TestYamlScalarsMatchSafeLoad:
    @pytest.mark.parametrize("text", [
        "mixed_precision: no\n", "x: off\n", "x: yes\n", "n: 1e8\n", "n: 1.0e+8\n", "n: 0\n",
        "gpu_ids: 0,1\n", "gpu_ids: 1\n", "a: ~\n", "a: 0x1F\n", "a: 2024-01-02\n", "a: .inf\n",
        "a: !!str 5\n", "<<: {a: 1}\nb: 2\n", "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",
    ])
    def test_same_values_as_safe_load(self, text):
        data, _, problems = load_yaml(text)
        assert problems == []
        assert data == yaml.safe_load(text)

    def test_yaml_11_traps_stay_visible(self):
        data, _, _ = load_yaml("mixed_precision: no\nmin: 1e8\nzero: 0\n")
        assert data == {"mixed_precision": False, "min": "1e8", "zero": 0}


class TestYamlBadInput:
    def test_syntax_error_has_line_and_column(self):
        text = "a: 1\nb: [1, 2\nc: 3\n"
        data, _, problems = load_yaml(text)
        assert data is None and codes(problems) == ["SL001"]
        assert "YAML syntax error" in problems[0].message
        assert text.count("\n", 0, problems[0].start) >= 1  # not stuck at the top

    def test_duplicate_keys_are_reported_and_last_wins(self):
        text = "a: 1\nb: 2\na: 3\n"
        data, positions, problems = load_yaml(text)
        assert data == {"a": 3, "b": 2}
        assert codes(problems) == ["SL002"]
        assert "first on line 1" in problems[0].message
        assert text_at(text, positions[("a",)].value) == "3"

    def test_billion_laughs_is_bounded(self):
        tracemalloc.start()
        started = time.perf_counter()
        data, _, problems = load_yaml(BILLION_LAUGHS)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert data is None and codes(problems) == ["SL005"]
        assert "alias" in problems[0].message
        assert elapsed < 2 and peak < 50 * 1024 * 1024

    def test_deep_nesting_is_refused(self):
        data, _, problems = load_yaml("a: " + "[" * 10_000 + "]" * 10_000 + "\n")
        assert data is None and codes(problems) == ["SL005"]

    def test_python_tags_are_never_constructed(self):
        data, _, problems = load_yaml("a: !!python/object/apply:os.system ['echo pwned']\nb: !custom 1\n")
        assert "SL006" in codes(problems)
        assert data["b"] == "1"

    def test_control_characters(self):
        data, _, problems = load_yaml("a: 1\x07\n")
        assert data is None and codes(problems) == ["SL004"]

    def test_multiple_documents_are_a_syntax_error(self):
        data, _, problems = load_yaml("a: 1\n---\nb: 2\n")
        assert data is None and codes(problems) == ["SL001"]


class TestJson:
    def test_positions_with_tabs_escapes_and_unicode(self):
        text = '{\n\t"k\\u00e9y": "v\\n",\n\t"n": [1, 2.5e3, true, null],\n\t"\U0001f600": {"x": -1}\n}'
        data, positions, problems = load_json(text)
        assert problems == []
        assert data == {"kéy": "v\n", "n": [1, 2500.0, True, None], "\U0001f600": {"x": -1}}
        assert text_at(text, positions[("kéy",)].key) == '"k\\u00e9y"'
        assert text_at(text, positions[("n", 1)].value) == "2.5e3"
        assert text_at(text, positions[("\U0001f600", "x")].value) == "-1"

    @pytest.mark.parametrize("text, fragment", [
        ('{"a": 1,}', "trailing comma"),
        ('{"a": 1 "b": 2}', "expected ',' or '}'"),
        ("{'a': 1}", "double-quoted key"),
        ('{"a": [1, 2}', "expected ',' or ']'"),
        ('{"a": "x', "unterminated string"),
        ('{"a": 1} {}', "end of the file"),
        ('{"a": 01}', "expected ',' or '}'"),
        ('{"a": tru}', "expected a JSON value"),
    ])
    def test_syntax_errors(self, text, fragment):
        data, _, problems = load_json(text)
        assert data is None and codes(problems) == ["SL001"]
        assert fragment in problems[0].message

    def test_duplicate_keys(self):
        data, _, problems = load_json('{\n  "a": 1,\n  "a": 2\n}')
        assert data == {"a": 2} and codes(problems) == ["SL002"]
        assert "first on line 2" in problems[0].message

    def test_deep_nesting_is_refused(self):
        data, _, problems = load_json("[" * 10_000 + "]" * 10_000)
        assert data is None and codes(problems) == ["SL005"]


class TestReader:
    def write(self, tmp_path: Path, name: str, content: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(content)
        return path

    def test_binary_file(self, tmp_path):
        doc = read_document(self.write(tmp_path, "x.yaml", b"\x89PNG\r\n\x1a\n\x00\x00"), "x.yaml")
        assert not doc.loaded and [d.code for d in doc.load_diagnostics] == ["SL004"]

    def test_invalid_utf8_points_at_the_byte(self, tmp_path):
        doc = read_document(self.write(tmp_path, "x.yaml", b"a: 1\nb: caf\xe9\n"), "x.yaml")
        [diag] = doc.load_diagnostics
        assert diag.code == "SL004" and "byte 11" in diag.message
        assert (diag.range.start.line, diag.range.start.character) == (1, 6)

    def test_utf8_bom_is_accepted(self, tmp_path):
        doc = read_document(self.write(tmp_path, "x.yaml", b"\xef\xbb\xbfdistributed_type: FSDP\n"), "x.yaml")
        assert doc.data == {"distributed_type": "FSDP"}

    def test_json_suffix_means_json(self, tmp_path):
        doc = read_document(self.write(tmp_path, "x.json", b'{"a": 1,}'), "x.json")
        assert [d.code for d in doc.load_diagnostics] == ["SL001"]

    def test_flow_yaml_that_is_not_json_falls_back_to_yaml(self, tmp_path):
        doc = read_document(self.write(tmp_path, "x.yaml", b"{distributed_type: FSDP}\n"), "x.yaml")
        assert doc.syntax == "yaml" and doc.data == {"distributed_type": "FSDP"}

    def test_huge_file_is_refused_without_reading(self, tmp_path):
        path = self.write(tmp_path, "x.yaml", b"a: 1\n" + b"#" * (1024 * 1024 + 10))
        doc = read_document(path, "x.yaml")
        assert [d.code for d in doc.load_diagnostics] == ["SL005"] and doc.text == ""


class TestWalkedYaml:
    """A walk passes a YAML file over from its top-level keys when they make it no config; every
    other file is loaded in full, so the outcome is the full load's in every case."""

    CASES = {
        "workflow": "name: tests\non: [push]\njobs:\n  test:\n    steps:\n      - run: make\n",
        "accelerate": "compute_environment: LOCAL_MACHINE\nnum_processes: 2\n",
        "quoted marker": '"distributed_type": FSDP\n',
        "escaped marker": '"distributed\\x5ftype": FSDP\n',
        "folded marker": '"distributed\\\n  _type": FSDP\n',
        "section only": "fsdp_config:\n  fsdp_version: 2\n",
        "flow mapping": "{deepspeed_config: {zero_stage: 2}}\n",
        "tagged key": "!!str distributed_type: FSDP\n",
        "merged marker": "base: &b {distributed_type: FSDP}\n<<: *b\n",
        "alias": "a: &x [1, 2]\nb: *x\n",
        "recipe": "output_dir: out\nlearning_rate: 1.0e-5\nnum_train_epochs: 3\nper_device_train_batch_size: 8\n"
                  "gradient_accumulation_steps: 2\nbf16: true\n",
        "binary key": "!!binary ZGlzdHJpYnV0ZWRfdHlwZQ==: FSDP\n",
        "list root": "- distributed_type: FSDP\n",
        "scalar root": "just text\n",
        "null root": "~\n",
        "comments only": "# nothing here\n",
        "syntax error": "a: [1, 2\n",
        "bad tag": "a: !!python/object:os.system x\n",
        "too deep": "a: " + "[" * 250 + "]" * 250 + "\n",
        "billion laughs": BILLION_LAUGHS,
        "duplicate keys": "a: 1\na: 2\n",
        "tab": "a:\t1\n",
        "json-looking": '{"train_batch_size": 8}\n',
    }

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_same_outcome_as_a_full_load(self, tmp_path: Path, name: str):
        from shardlint.lint import lint_document
        from shardlint.loading.reader import read_walked
        from shardlint.options import LintOptions

        path = tmp_path / "file.yaml"
        path.write_text(self.CASES[name], encoding="utf-8")
        options = LintOptions(isolated=True)
        full = read_document(path, "file.yaml")
        full_outcome = lint_document(full, options, explicit=False)
        walked = read_walked(path, "file.yaml")
        if walked is None:  # passed over unbuilt: the full load must pass it over as no config
            assert full_outcome is None and full.loaded, name
        else:
            assert walked.data == full.data and walked.positions == full.positions
            walked_outcome = lint_document(walked, options, explicit=False)
            assert [d.code for d in walked_outcome or ()] == [d.code for d in full_outcome or ()]

    PASSED_OVER = {"workflow", "duplicate keys", "bad tag", "binary key"}

    def test_only_plain_non_configs_are_passed_over_unbuilt(self, tmp_path: Path):
        from shardlint.loading.reader import read_walked

        passed_over = set()
        for number, (name, text) in enumerate(self.CASES.items()):
            path = tmp_path / f"{number}.yaml"
            path.write_text(text, encoding="utf-8")
            if read_walked(path, path.name) is None:
                passed_over.add(name)
        assert passed_over == self.PASSED_OVER

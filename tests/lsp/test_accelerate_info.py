"""Hover and completion show an Accelerate key's default from the setting model of the targeted release.

The schema gives the words (description, type, values); the default, how Accelerate reads the value
and the flag that sets it come from ``shardlint.semantics`` for the buffer's target, so the editor
shows what ``shardlint check`` reasons with, release by release.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shardlint.engine.context import Context
from shardlint.engine.versions import parse_version
from shardlint.knowledge import accelerate_launch_versions
from shardlint.lint import FileResult
from shardlint.loading.reader import read_document
from shardlint.lsp.completion import complete
from shardlint.lsp.encoding import PositionEncoder
from shardlint.lsp.hover import hover
from shardlint.lsp.render import code
from shardlint.options import LintOptions
from shardlint.semantics.accelerate import SETTINGS
from shardlint.semantics.launch_flags import described_default, flag_settings
from shardlint.validation.schema_index import schema_index

VERSIONS = sorted(accelerate_launch_versions())
SECTIONS = ("fsdp_config", "deepspeed_config", "dynamo_config", "fp8_config", "parallelism_config")
DEFAULT = re.compile(r"\*\*Default:\*\* (`[^`]*`)")  # hover
LISTED_DEFAULT = re.compile(r"^Default: (`[^`]*`)$", re.M)  # a completion item's documentation


def _every_key() -> list[tuple[str, ...]]:
    """Every key the schema knows at the top level and in the sections the model covers, and every key the model
    or a launch option names."""
    index = schema_index("accelerate")
    keys: dict[tuple[str, ...], None] = {}
    for data in ({}, {"distributed_type": "FSDP"}, {"distributed_type": "DEEPSPEED"}):
        for key, info in index.properties((), data).items():
            if "object" not in info.types:
                keys[(key,)] = None
        for section in SECTIONS:
            keys.update(dict.fromkeys((section, key) for key in index.properties((section,), data)))
    keys.update(dict.fromkeys(SETTINGS))
    for version in VERSIONS:
        keys.update(dict.fromkeys(f.setting.path for f in flag_settings(version) if len(f.setting.path) <= 2))
    return list(keys)


def _buffer(keys: list[tuple[str, ...]]) -> tuple[str, dict[tuple[str, ...], int]]:
    """A config holding every key (value null), and where each key starts."""
    lines, offsets, size = [], {}, 0
    for path in [k for k in keys if len(k) == 1]:
        offsets[path] = size
        lines.append(f"{path[0]}: null")
        size += len(lines[-1]) + 1
    for section in dict.fromkeys(k[0] for k in keys if len(k) == 2):
        lines.append(f"{section}:")
        size += len(lines[-1]) + 1
        for path in [k for k in keys if len(k) == 2 and k[0] == section]:
            offsets[path] = size + 2
            lines.append(f"  {path[1]}: null")
            size += len(lines[-1]) + 1
    return "\n".join(lines) + "\n", offsets


@pytest.mark.parametrize("version", VERSIONS)
def test_hover_default_is_the_models_for_every_key(version, tmp_path: Path):
    keys = _every_key()
    text, offsets = _buffer(keys)
    doc = read_document(tmp_path / "accelerate.yaml", "accelerate.yaml", text=text)
    doc.kind = "accelerate"
    ctx = Context(doc, LintOptions(target={"accelerate": version}))
    checked = 0
    for path, offset in offsets.items():
        shown = hover(FileResult(doc, []), offset + 1, PositionEncoder(), "accelerate", True, {"accelerate": version})
        if shown is None:  # a key the schema does not describe: no hover at all
            continue
        found, expected = described_default(path, parse_version(version), ctx.fact)
        said = DEFAULT.findall(shown.contents.value)
        assert said == ([code(expected, "yaml")] if found else []), (path, version, said)
        checked += 1
    assert checked == len(keys) > 100


def test_the_default_follows_the_target_and_the_model_not_the_schema(tmp_path: Path):
    text = ("distributed_type: FSDP\nfsdp_config:\n  fsdp_backward_prefetch: BACKWARD_PRE\n"
            "dynamo_config:\n  dynamo_use_dynamic: true\n")
    doc = read_document(tmp_path / "accelerate.yaml", "accelerate.yaml", text=text)

    def shown(key: str, version: str) -> str:
        found = hover(FileResult(doc, []), text.index(key) + 1, PositionEncoder(), "accelerate", True,
                      {"accelerate": version})
        return found.contents.value

    # the schema says null (the plugin's own default); through accelerate launch it is NO_PREFETCH
    assert "**Default:** `NO_PREFETCH`" in shown("fsdp_backward_prefetch", "1.16.0")
    assert "**Default:** `false`" in shown("dynamo_use_dynamic", "1.15.0")
    assert "**Default:**" not in shown("dynamo_use_dynamic", "1.16.0")  # left to torch.compile from 1.16.0
    prefetch = shown("fsdp_backward_prefetch", "1.16.0")
    assert "**Read by Accelerate:** a name in any case, or 1-2 for BACKWARD_PRE, BACKWARD_POST." in prefetch
    assert "**Command line:** `--fsdp_backward_prefetch` (exported as `FSDP_BACKWARD_PREFETCH`)" in prefetch


def test_a_dependent_default_reads_the_buffer(tmp_path: Path):
    for version, expected in (("1", "FULL_STATE_DICT"), ("2", "SHARDED_STATE_DICT")):
        text = f"distributed_type: FSDP\nfsdp_config:\n  fsdp_version: {version}\n  fsdp_state_dict_type: x\n"
        doc = read_document(tmp_path / "accelerate.yaml", "accelerate.yaml", text=text)
        found = hover(FileResult(doc, []), text.index("fsdp_state_dict_type") + 1, PositionEncoder(), "accelerate")
        assert f"**Default:** `{expected}`" in found.contents.value


@pytest.mark.parametrize("version", VERSIONS)
def test_completion_documents_the_models_default(version):
    text = "distributed_type: FSDP\nfsdp_config:\n  fsdp_version: 1\n  \ndynamo_config:\n  \n"
    checked = 0
    for offset in (text.index("  \ndynamo") + 2, len(text) - 1):
        items = complete(text, "yaml", "accelerate", offset, PositionEncoder(), {"distributed_type": "FSDP",
                         "fsdp_config": {"fsdp_version": 1}}, {"accelerate": version}).items
        section = "fsdp_config" if offset < text.index("dynamo") else "dynamo_config"
        for item in items:
            found, expected = described_default((section, item.label), parse_version(version),
                                                {"fsdp-version": 1, "distributed-type": "FSDP"}.get)
            said = LISTED_DEFAULT.findall(item.documentation.value if item.documentation else "")
            assert said == ([code(expected, "yaml")] if found else []), (section, item.label, version)
            checked += 1
    assert checked >= 20
    typed = "fsdp_config:\n  fsdp_sharding_strategy: "
    values = complete(typed, "yaml", "accelerate", len(typed), PositionEncoder(), {"fsdp_config": {}},
                      {"accelerate": version}).items
    assert [v.label for v in values if v.detail == "default"] == ["FULL_SHARD"]

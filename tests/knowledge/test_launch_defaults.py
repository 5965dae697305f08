"""The setting records' launch defaults agree with the defaults of the options that set them, per packaged release.

Through ``accelerate launch`` an absent key takes its flag's default. Each option is joined to
its record by the model (``shardlint.semantics.launch_flags``); where the option's default is a
literal, the record's default for that release must be the same value as the plugin reads it;
where it is None (or not a literal), the launcher or the plugin fills the value, and the record
must say where (``default_note``). A release that changes a flag's default fails here until the
record's history says so (after ``tools/gen_launch_flags.py`` packaged its table).
"""

from __future__ import annotations

import pytest

from shardlint.engine.defaults import ACCELERATE
from shardlint.engine.versions import parse_version
from shardlint.knowledge import accelerate_launch_versions
from shardlint.semantics.accelerate import SETTINGS, ByFact, launch_default
from shardlint.semantics.launch_flags import flag_settings

VERSIONS = sorted(accelerate_launch_versions())


def _no_fact(name: str) -> None:
    raise AssertionError(f"a default that depends on {name} must come from elsewhere than a flag")


@pytest.mark.parametrize("version", VERSIONS)
def test_record_defaults_equal_the_flag_defaults(version):
    compared = 0
    for joined in flag_settings(version):
        setting, (literal, flag_default) = joined.setting, joined.default()
        if setting.path not in SETTINGS:
            continue
        found, ours = launch_default(setting.path, parse_version(version), _no_fact) if literal else (False, None)
        if literal and setting.default_note is None:
            assert found, f"{joined.option.flag} defaults to {flag_default!r}: the record of {setting.path} has none"
            assert ours == flag_default and type(ours) is type(flag_default), (
                f"{setting.path}: the record says {ours!r} for Accelerate {version}, "
                f"{joined.option.flag} defaults to {flag_default!r}")
            compared += 1
        elif literal:
            assert not setting.default, f"{setting.path} has a default of its own and a note; {joined.option.flag} " \
                                        f"now defaults to {flag_default!r}"
    assert compared >= 10


@pytest.mark.parametrize("version", VERSIONS)
def test_defaults_not_from_a_flag_say_where_they_come_from(version):
    for joined in flag_settings(version):
        setting = joined.setting
        found, ours = launch_default(setting.path, parse_version(version), lambda name: None)
        if found and ours is not None and not joined.default()[0]:
            assert setting.default_note, f"{setting.path}: {ours!r}, but {joined.option.flag} has no literal default"
        if isinstance(dict(setting.default).get("0.0"), ByFact):
            assert not joined.default()[0], f"{joined.option.flag} has a literal default: {setting.path} cannot depend"


def test_the_engine_reads_the_records():
    assert ACCELERATE == {path: s.default for path, s in SETTINGS.items() if s.default}


def _history(path: tuple[str, ...], version: str) -> tuple[bool, object]:
    return launch_default(path, parse_version(version), lambda name: None)


def test_dynamo_use_dynamic_is_left_to_torch_from_1_16():
    assert _history(("dynamo_config", "dynamo_use_dynamic"), "1.15.0") == (True, False)
    assert _history(("dynamo_config", "dynamo_use_dynamic"), "1.16.0") == (True, None)
    assert _history(("dynamo_config", "dynamo_use_dynamic"), "0.16.0") == (False, None)

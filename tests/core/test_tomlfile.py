"""A TOML file's tables kept between runs are the parser's, for that text only."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from shardlint.settings.tomlfile import parse_toml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def test_kept_tables_are_the_parsers_and_follow_the_text(tmp_path: Path, cache_home: Path):
    path = tmp_path / "pyproject.toml"
    for text in ('[tool.shardlint]\nignore = ["SL002"]\nn = 1.5\n', '[tool.shardlint]\nignore = ["FSDP"]\n'):
        for _ in range(2):  # parsed, then kept
            assert parse_toml(text, path) == tomllib.loads(text)
    assert any((cache_home / "shardlint").iterdir())


def test_invalid_toml_is_a_value_error_each_time(tmp_path: Path):
    for _ in range(2):
        with pytest.raises(ValueError, match="invalid TOML"):
            parse_toml("[tool\n", tmp_path / "pyproject.toml")


def test_dates_marshal_cannot_hold_are_parsed_by_every_run(tmp_path: Path, cache_home: Path):
    text = "released = 2024-05-01\n"
    assert parse_toml(text, tmp_path / "pyproject.toml") == tomllib.loads(text)
    assert not (cache_home / "shardlint").exists() or not any((cache_home / "shardlint").iterdir())

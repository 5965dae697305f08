"""Markers of the integration tests."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "pre_commit: runs the real pre-commit (builds a virtualenv, ~10 s)")

from __future__ import annotations

import pytest

from shardlint.estimate.units import count, gib, parse_bytes, parse_count


@pytest.mark.parametrize("text, value", [("7B", 7 * 10**9), ("1.5e9", 1_500_000_000), ("350M", 350 * 10**6),
                                         ("70b", 70 * 10**9), ("125000", 125_000), ("1.2T", 1_200 * 10**9)])
def test_counts(text, value):
    assert parse_count(text) == value


@pytest.mark.parametrize("text, value", [("80GiB", 80 * 2**30), ("80", 80 * 2**30), ("24GB", 24 * 10**9),
                                         ("81920MiB", 80 * 2**30), ("0.5 TiB", 2**39)])
def test_sizes(text, value):
    assert parse_bytes(text) == value


@pytest.mark.parametrize("text", ["", "7X", "-1B", "B", "0", "1e30", "nan"])
def test_nonsense_is_refused(text):
    with pytest.raises(ValueError):
        parse_count(text)
    with pytest.raises(ValueError):
        parse_bytes(text)


def test_formatting():
    assert gib(80 * 2**30) == "80.00"
    assert count(6_738_415_616) == "6.74B"

"""Byte counts as people read them (limits.human): powers of 1024, and a size beyond any
machine stays short (a refusal once printed "5273768977076542504960.0 PB")."""

from __future__ import annotations

import pytest

from forceratio.limits import human


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1536, "1.5 KB"),
        (3 * 1024**3, "3.0 GB"),
        (1023 * 1024**5, "1023.0 PB"),
        (5.0 * 1024**5 * 10**6, "5e+06 PB"),
        (1e40, f"{1e40 / 1024**5:.3g} PB"),
    ],
)
def test_human_sizes(n: float, text: str) -> None:
    assert human(n) == text


def test_huge_size_is_short() -> None:
    """Oracle: the text's length, whatever the magnitude (a float's range)."""
    assert max(len(human(10.0**k)) for k in range(0, 300)) <= 12

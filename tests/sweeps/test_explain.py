"""The one-at-a-time swings under the comparison: each end of each range equals a separate
run of the scenario with that value set (--set), and the flips are the winners that differ."""

from __future__ import annotations

import pytest

from forceratio.scenarios.compare import compare
from forceratio.sweeps.explain import scenario_swings

SCN = "strike-12june-strip"


def _margin(row: dict[str, object]) -> float:
    return float(row["soviet_surviving_share"]) - float(row["german_surviving_share"])  # type: ignore[arg-type]


def test_swings_equal_separate_runs() -> None:
    base_row = compare([SCN])[0]
    base, swings = scenario_swings(SCN, base_row)
    assert base == pytest.approx(_margin(base_row), abs=1e-9)
    sizes = [s.size for s in swings]
    assert sizes == sorted(sizes, reverse=True)
    for s in swings[:3]:
        for end, margin in ((s.low, s.margin_low), (s.high, s.margin_high)):
            row = compare([SCN], sets=[f"{s.parameter}={end!r}"])[0]
            assert margin == pytest.approx(_margin(row), abs=1e-6), (s.parameter, end)
    # A swing's flip is a change of compare's winner (one outcome rule for both)
    for s in swings[:3]:
        for end, flips in ((s.low, s.flips_low), (s.high, s.flips_high)):
            row = compare([SCN], sets=[f"{s.parameter}={end!r}"])[0]
            assert flips == (row["winner"] != base_row["winner"]), (s.parameter, end)

"""A negative binomial fit on a series too short to estimate its dispersion says so
(review21e, item 2): its rates' intervals under-cover with no note (measured, 200 series of
``count_series`` per case, k = 10: 177 and 168 of 200 covered at 3 days, 186 and 177 at 5).
Oracle: synthetic daily counts of known truth (``count_series``); the note shows on 3-5 day
series and not on 15-day ones."""

from __future__ import annotations

import pytest

from forceratio.fitting import read_battle
from forceratio.fitting.casualties import fit_casualties
from tests.fitting.test_casualties import count_series


def _short_notes(days: int, seed: int) -> list[str]:
    df = count_series(0.02, 0.03, days=days, seed=seed, k=10.0)
    fit = fit_casualties(read_battle(df), "square", "negbin")
    return [n for n in fit.notes if "too few to estimate the dispersion" in n]


@pytest.mark.parametrize("days", [3, 4, 5])
def test_short_series_note(days: int) -> None:
    notes = _short_notes(days, 8000)
    assert len(notes) == 1
    assert f"on {days} days of counts" in notes[0]


def test_no_note_on_fifteen_days() -> None:
    assert _short_notes(15, 8000) == []

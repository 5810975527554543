"""The count fit's notes call multi-day rows rows, not days (review21e, item 6).  Oracle: a
series reported every 2 days (known spacing): its notes say "rows"; a daily one "days"."""

from __future__ import annotations

from forceratio.fitting import read_battle
from forceratio.fitting.casualties import fit_casualties
from tests.fitting.test_casualties import count_series


def test_rows_word() -> None:
    df = count_series(0.02, 0.03, days=12, seed=3, k=None)
    daily = fit_casualties(read_battle(df), "square", "poisson").notes
    assert any("(12 days)" in n for n in daily)
    df2 = df.iloc[::2]
    notes = fit_casualties(read_battle(df2), "square", "poisson").notes
    assert any("(6 rows)" in n for n in notes)
    assert not any(" days)" in n for n in notes)

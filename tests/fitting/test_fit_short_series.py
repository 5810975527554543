"""The strengths' fit on a very short series says its intervals are rough.

From 4 reports a side the 95% intervals of the rates covered the truth 358 times in 400
(89.5%; Clopper-Pearson about 86%-92%: below 95%) on draws with the noise real reports have
(``synth.series``, solve_ivp: square law 20,000 v 16,000 at 0.03 and 0.04, 2% log-normal
reporting noise on every row, each day's losses times a log-normal factor of sd 0.3, every
strength rounded to 100), with nothing said; from 3 reports 372 (93.0%), from 6 reports 395
of 400, from 9, 386."""

from __future__ import annotations

import pandas as pd
import pytest

from forceratio import fit
from forceratio.fitting.result import FitResult
from tests.fitting.synth import series

TRUTH = (0.03, 0.04)


def _draw(days: int, seed: int) -> pd.DataFrame:
    df = series(
        *TRUTH, red0=20000, blue0=16000, days=days, noise=0.02, loss_noise=0.3, seed=seed,
        noisy_first=True,
    )[["day", "red", "blue"]]  # fmt: skip
    df[["red", "blue"]] = (df[["red", "blue"]] / 100).round() * 100
    return df


def _square(df: pd.DataFrame) -> FitResult:
    r = fit(df, "square")
    assert isinstance(r, FitResult)
    return r


@pytest.mark.parametrize("days", [2, 3])
def test_a_series_of_a_few_reports_says_its_intervals_are_rough(days: int) -> None:
    r = _square(_draw(days, 21000))
    (note,) = [n for n in r.notes if "reports of a side" in n]
    assert note.startswith(f"{days + 1} reports of a side")
    assert "rough" in note


def test_six_reports_a_side_get_no_such_note() -> None:
    r = _square(_draw(5, 22000))
    assert not any("reports of a side" in n for n in r.notes)


@pytest.mark.slow
def test_four_reports_a_side_under_cover() -> None:
    """The note's measurement: 200 draws (about 7 minutes), both rates."""
    hits = 0
    for seed in range(21000, 21200):
        r = _square(_draw(3, seed))
        for (lo, hi), truth in zip((r.red_rate_ci, r.blue_rate_ci), TRUTH, strict=True):
            hits += (lo is None or lo <= truth) and (hi is None or truth <= hi)
    assert hits == 358

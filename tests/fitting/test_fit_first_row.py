"""A noisy first row (review17 D11): the initial strengths are reports like any other, so
the fit estimates them (``red_initial``, ``blue_initial``) instead of pinning the path to
them.  Before, a path pinned to the first row carried its error into every later day and
the rates' 95% intervals covered the truth 79-86% of the time here (the review: 64-69%).

Oracle: synthetic square-law battles from ``solve_ivp`` (``synth.series``) with known rates
and initial strengths; coverage over repeated draws against a binomial band around 0.95.
"""

from __future__ import annotations

import pytest

from forceratio import fit
from forceratio.fitting.result import FitResult
from tests.fitting.synth import series

TRUTH = (0.02, 0.03)
START = (10000.0, 8000.0)  # synth.series' initial strengths


def _square(df: object) -> FitResult:
    f = fit(df, "square")  # type: ignore[call-overload]
    assert isinstance(f, FitResult)
    return f


def _hits(f: FitResult) -> int:
    return sum(
        int(lo is not None and hi is not None and lo < truth < hi)
        for (lo, hi), truth in zip((f.red_rate_ci, f.blue_rate_ci), TRUTH, strict=True)
    )


def test_the_first_row_is_a_report_not_the_start() -> None:
    """The path starts at estimated strengths: the first row has a residual and counts as
    an observation (before, the path started at the first row itself, n_obs 40)."""
    f = _square(series(*TRUTH, noise=0.02, seed=11, noisy_first=True))
    day0 = {r["side"]: r for r in f.residuals if r["day"] == 0.0}
    for side, start in zip(("red", "blue"), START, strict=True):
        assert day0[side]["residual"] is not None
        assert day0[side]["fitted"] != day0[side]["observed"]
        assert day0[side]["fitted"] == pytest.approx(start, rel=0.05)
    assert f.n_obs == 2 * 21
    assert "red_initial" not in f.exponents
    assert not f.not_identifiable
    assert _hits(f) == 2


def test_a_side_starting_at_zero_keeps_its_start() -> None:
    """A side that lands (first row 0) starts at 0: no initial strength is estimated."""
    df = series(*TRUTH, red0=0.0, red_arrivals={0: 6000.0, 1: 4000.0}, noise=0.01, seed=2)
    f = _square(df)
    day0 = {r["side"]: r for r in f.residuals if r["day"] == 0.0}
    assert day0["red"]["fitted"] == 0.0
    assert day0["red"]["residual"] == 0.0
    assert f.n_obs == 2 * 21 - 1  # blue's first row is an observation, red's 0 is not
    assert _hits(f) == 2


#: Draws, and the central 99.8% of Binom(2 * DRAWS, 0.95) (the two rates of a battle are
#: nearly independent).
DRAWS, BAND = 200, (365, 392)


@pytest.mark.slow  # 200 fits: about 3 min idle, 10 at load 8
def test_intervals_cover_with_a_noisy_first_row() -> None:
    """Every row, the first too, reported with independent log-normal noise of sd 2% (20
    days).  Measured (2026-12-04): on main 342 hits (171, 171), below the band; with the
    error model estimated on the free start too, 383 (191, 192); as shipped (error model
    from the pinned fit, see the README) 119 of the first 120: conservative, so only the
    band's lower end is checked (the upper, 392, left until the error model is right).
    hfit9 (2026-12-05; the error model from the free-start fit, the day-to-day sd at its
    restricted likelihood's median): 119 of the first 120 again, the half-widths 1.74 and
    1.67 times 1.96 x the estimates' spread: still conservative, by design (README).
    With the log errors an AR(1) series of lag-one correlation 0.5 instead
    (``noise_ar=0.5``, first 40 seeds) 76 of 80, and main 80 of 80: there the old error
    model took the shifted path for day-to-day variation and widened its intervals, so that
    variant cannot tell the two apart and is not the test."""
    hits = 0
    for seed in range(DRAWS):
        df = series(*TRUTH, seed=5000 + seed, noise=0.02, noisy_first=True)
        hits += _hits(_square(df))
    assert BAND[0] <= hits, hits

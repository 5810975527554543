"""``fit()``'s 95% profile intervals: two-sided coverage and width over 100 synthetic square-law
battles with known rates (``synth.series``, solve_ivp), under measurement noise, the kind
of error the fit's noise model (``fitting/noise.py``) assumes.

The existing checks (test_fit_real_battles.py, ``0.85 <= coverage <= 1``; several single
draws with ``covers()``, which counts an open end as covering) pass with intervals of any
width above the truth's.  Here:

* coverage of the 200 intervals (both rates of 100 battles): at least the lower end of the
  central 99.8% of Binom(200, 0.95), 179 (the two rates of one battle are nearly
  independent); an open interval counts as a miss (none is expected with 2% noise over 20
  days).  Only the lower end since hfit9 (2026-12-05): the fit is conservative here by design
  (below), 199 of 200, above the band's upper end 198;
* width: the median half-width of the log-interval over 1.96 times the spread (sd) of the
  log-estimates over the battles, in [0.8, 2.0].  The band was [0.8, 1.25] until hfit9; it now
  admits the measured 1.77 (red) and 1.75 (blue).  Why the intervals are that wide: the error
  model takes the day-to-day sd at the median of its restricted likelihood (flat prior on
  0 .. 2), not its optimum, so that the intervals cover when loss variation is present but
  REML puts its sd at 0 (test_fit_both_noises.py: 104 of 120 with the optimum, below
  its band; 112 now); from 20 days the likelihood cannot tell an sd of 0 from one of about
  0.15, so where the truth is 0, as here, the intervals are as wide as for 0.15 (README, the
  first row is a report too; hfit9 measured a mixture over the sd's likelihood, wider still).
  The upper end 2.0 still fails intervals 1.15 times wider than now.

Also measured, not tested (the fit claims nothing about them; at the test's writing, not
re-measured since): t3 measurement noise of the
same sd, 194 hits, ratios 0.86, 1.11; measurement sd growing from 0.5% to 6% over the
battle (the noise model takes it constant), 182 hits, ratios 0.62, 0.58 (inside the band,
but the width check fails: the intervals are narrower than the estimates' spread).

Measured (these seeds): 199 hits, width ratios 1.77 (red), 1.75 (blue) (hfit9; before it, with
the sd at its REML optimum and the start pinned in the error model, 198 and 1.13, 1.13; at the
test's writing 188 and 0.97, 0.92, when profile intervals 1.5x wider, ``delta = 2.25 * s2 *
...``, gave 197 hits and ratios 1.45, 1.39).  Not tested, measured only at the test's writing: with
day-to-day loss variation instead (``loss_noise=0.3``, which ``fitting/noise.py`` models),
177 hits (89 + 88 of 100; P(<= 177 | 0.95) = 2e-4 if the 200 were independent) with width
ratios 0.98, 0.91.  Not a bias (mean log-error / sd: -0.05 red, 0.00 blue); the misses
fall on both sides (red 3 below, 8 above; blue 6, 6): the median width follows the spread,
but the estimates' tails are heavier than the profile interval assumes.
"""

from __future__ import annotations

import numpy as np
import pytest

from forceratio import fit
from forceratio.fitting.result import FitResult
from tests.fitting.synth import series

TRUTH = (0.02, 0.03)
BATTLES = 100
LOWEST = 179  # the lower end of the central 99.8% of Binom(200, 0.95)
WIDTH = (0.8, 2.0)  # hfit9: measured 1.77, 1.75 (the module's docstring)


def coverage_and_width(noise: float, missing: float = 0.0) -> tuple[int, list[float]]:
    """Hits of the truth among the 200 intervals, and per rate the median half-width of
    the log-interval over 1.96 sd(log estimate); ``missing``: the share of days (not the
    first or last) dropped from each series."""
    hits = 0
    est: list[list[float]] = []
    half: list[list[float]] = []
    for seed in range(BATTLES):
        df = series(*TRUTH, seed=900 + seed, noise=noise)
        if missing:
            rng = np.random.default_rng(seed)
            keep = np.r_[True, rng.random(len(df) - 2) > missing, True]
            df = df[keep].reset_index(drop=True)
        f = fit(df, "square")
        assert isinstance(f, FitResult)
        e, h = [], []
        for (lo, hi), value, truth in zip(
            (f.red_rate_ci, f.blue_rate_ci), (f.red_rate, f.blue_rate), TRUTH, strict=True
        ):
            hits += int(lo is not None and hi is not None and lo < truth < hi)
            e.append(float(np.log(value)))
            h.append(0.5 * float(np.log(hi / lo)) if lo and hi else np.nan)
        est.append(e)
        half.append(h)
    ratio = np.nanmedian(np.array(half), axis=0) / (1.96 * np.std(np.array(est), axis=0, ddof=1))
    return hits, [float(r) for r in ratio]


@pytest.mark.slow
def test_fit_intervals_cover_at_their_rate_under_measurement_noise() -> None:
    """Measured: 199 hits, ratios 1.77, 1.75 (hfit9).  With 40% of the days missing
    (``coverage_and_width(0.02, 0.4)``: the ``day`` column then has gaps, which the reader
    accepts) 189 hits, ratios 0.99, 1.02 before hfit9 (not re-measured): left out of the
    default run for its time (about 55 s more)."""
    hits, ratio = coverage_and_width(0.02)
    assert hits >= LOWEST, (hits, ratio)
    for r in ratio:
        assert WIDTH[0] <= r <= WIDTH[1], (hits, ratio)

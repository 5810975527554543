"""The count fits' 95% Wald intervals hold at their level, both ends, over repeated draws.

Oracle: synthetic Poisson count series with known rates (``count_series``, a square law drawn
day by day), so whether each interval covers its rate is known; the coverage count over 400
draws and two sides must fall in the binomial 99.8% band of a 95% interval (derived below, so
a 90% interval labelled 95% -- expected 720 of 800 -- and a 99% one -- 792 -- both fail), and
the median half-width on the log scale must be 1.96 times the estimates' own spread across the
draws (an independent, empirical oracle), within its sampling error on 400 draws.  The earlier
tests (>= 35 of 40, >= 16 of 20) passed a 90% interval (review20c, mutant M3).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from forceratio.fitting import read_battle
from forceratio.fitting.casualties import fit_casualties
from tests.fitting.test_casualties import count_series

RATES = (0.02, 0.03)
N = 400


def _band(n: int, p: float = 0.95, tail: float = 0.001) -> tuple[int, int]:
    """The central 99.8% range of a Binomial(n, p) count."""
    return int(stats.binom.ppf(tail, n, p)), int(stats.binom.isf(tail, n, p))


def test_poisson_intervals_cover_at_95_percent_both_ends_and_width() -> None:
    hits = 0
    est = np.empty((N, 2))
    half = np.empty((N, 2))
    for s in range(N):
        f = fit_casualties(read_battle(count_series(*RATES, days=15, seed=20_000 + s, k=None)))
        for j, (ci, v, truth) in enumerate(
            ((f.red_rate_ci, f.red_rate, RATES[0]), (f.blue_rate_ci, f.blue_rate, RATES[1]))
        ):
            lo, hi = ci
            assert lo is not None
            assert hi is not None
            assert 0 < lo < v < hi
            hits += int(lo < truth < hi)
            est[s, j] = np.log(v)
            half[s, j] = 0.5 * np.log(hi / lo)
    low, high = _band(2 * N)
    assert low <= hits <= high, (hits, low, high)
    # width: the median half-width against 1.96 sd of the log estimates.  The sd's relative
    # standard error on N draws is 1/sqrt(2(N-1)) = 3.5%; 3.1 of them (99.8%) gives +-11%.
    spread = stats.norm.ppf(0.975) * est.std(axis=0, ddof=1)
    ratio = np.median(half, axis=0) / spread
    tol = 3.1 / np.sqrt(2 * (N - 1))
    assert np.all(np.abs(ratio - 1.0) < tol), ratio
    # and the estimates centred on the truth (the interval is not merely the right width)
    bias = est.mean(axis=0) - np.log(RATES)
    assert np.all(np.abs(bias) < 4 * est.std(axis=0, ddof=1) / np.sqrt(N)), bias

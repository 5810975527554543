"""The negative binomial's 95% rate intervals cover at 95% on short series (hcov23).

Before, the profile-likelihood ends sat where the log-likelihood fell chi2_1(0.95) / 2 below
its maximum, as if the dispersion k were known; estimated from the same 16-30 counts, it
makes the likelihood ratio at the true rate run larger than chi2_1 (its mean 1.14 and 1.21,
not 1, over 400 draws of each case below), and the intervals covered 746 of 800 on these
draws (93.3%; 95% Clopper-Pearson 91.3%-94.8%: short of 95%).  Now the ends are at
F(1, n - k; 0.95) / 2 (:func:`forceratio.fitting.casualties.profile_drop`).

Oracle: synthetic counts with known rates (``count_series``: each day's losses of each side
negative binomial around the square law's mean, drawn day by day), so whether an interval
covers its rate is known.  Over 200 draws of each of two short cases (15 days at k = 10, 8
days at k = 5; two rates each: 800 intervals) the 95% Clopper-Pearson interval of the
measured coverage must hold 0.95, and the misses fall on both sides of the truth.
"""

from __future__ import annotations

import pytest
from scipy import stats

from forceratio.fitting import read_battle
from forceratio.fitting.casualties import fit_casualties
from tests.fitting.test_casualties import count_series

RATES = (0.02, 0.03)
DRAWS = 200
CASES = ((15, 10.0), (8, 5.0))  # (days, dispersion k)


@pytest.mark.slow  # 400 negative binomial fits: about 3 min idle, 15 at load 10
def test_negbin_rate_intervals_cover_at_95_percent_on_short_series() -> None:
    hits, below, above = 0, 0, 0
    for days, k in CASES:
        for s in range(DRAWS):
            b = read_battle(count_series(*RATES, days=days, seed=7000 + s, k=k))
            f = fit_casualties(b, likelihood="negbin")
            for (lo, hi), truth in zip((f.red_rate_ci, f.blue_rate_ci), RATES, strict=True):
                assert lo is not None
                assert hi is not None
                hits += int(lo < truth < hi)
                below += int(truth <= lo)
                above += int(truth >= hi)
    n = 2 * DRAWS * len(CASES)
    ci = stats.binomtest(hits, n).proportion_ci(0.95, method="exact")
    assert ci.low <= 0.95 <= ci.high, (hits, n, ci, below, above)
    assert min(below, above) >= 0.2 * (n - hits), (below, above)

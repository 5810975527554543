"""``fit()``'s 95% rate intervals when both kinds of error are present: day-to-day loss
variation (sd 0.3) and 2% reporting noise on every row, the first included (hfit7's case
(c), README "The first row is a report too").  A known defect, kept as a strict xfail: the
fix that makes this pass must remove the mark (an unexpected pass fails).

Truth from ``synth.series`` (solve_ivp), square law, red 0.02, blue 0.03, 20 days, seeds
500-559: 120 intervals, whose hits must lie in the central 99.8% of Binom(120, 0.95),
106-120 (the two rates of one battle nearly independent).  Measured (hfit8, 2026-12-04): 104
on main.  Tried and not shipped (README): the day-to-day sd at the median of its restricted
likelihood (flat prior on 0 .. 2) instead of its optimum passes here (112) but widens the
intervals under measurement noise alone 1.77 times (test_fit_coverage_htests.py fails).
"""

from __future__ import annotations

import pytest

from forceratio import fit
from forceratio.fitting.result import FitResult
from tests.fitting.synth import series

TRUTH = (0.02, 0.03)
BAND = (106, 120)  # central 99.8% of Binom(120, 0.95)


@pytest.mark.slow  # 60 fits: about 2 min idle
@pytest.mark.xfail(strict=True, reason="known: 104 of 120 (README, the first row is a report too)")
def test_both_noises_cover() -> None:
    hits = 0
    for i in range(60):
        df = series(*TRUTH, seed=500 + i, loss_noise=0.3, noise=0.02, noisy_first=True)
        f = fit(df, "square")
        assert isinstance(f, FitResult)
        for (lo, hi), truth in zip((f.red_rate_ci, f.blue_rate_ci), TRUTH, strict=True):
            hits += int(lo is not None and hi is not None and lo < truth < hi)
    assert BAND[0] <= hits <= BAND[1], f"{hits} of 120 intervals covered the truth"

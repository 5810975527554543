"""``fit()``'s 95% rate intervals when both kinds of error are present: day-to-day loss
variation (sd 0.3) and 2% reporting noise on every row, the first included (hfit7's case
(c), README "The first row is a report too").

Truth from ``synth.series`` (solve_ivp), square law, red 0.02, blue 0.03, 20 days, seeds
500-559: 120 intervals, whose hits must lie in the central 99.8% of Binom(120, 0.95),
106-120 (the two rates of one battle nearly independent).  Measured: 104 before hfit9 (main
cbcbcb1, where this test was a strict expected failure; hfit8, 2026-12-04), 112 now (58 +
54; hfit9, 2026-12-05): the error model's sizes by REML with the start free and the
day-to-day sd at the median of its restricted likelihood (flat prior on 0 .. 2) instead of
its optimum, which from 20 days is 0 in 17 of these 60 draws (truth 0.3).
"""

from __future__ import annotations

import pytest

from forceratio import fit
from forceratio.fitting.result import FitResult
from tests.fitting.synth import series

TRUTH = (0.02, 0.03)
BAND = (106, 120)  # central 99.8% of Binom(120, 0.95)


def both_noises_hits(draws: int = 60) -> int:
    """Hits of the truth among the 2 * ``draws`` rate intervals (seeds 500 on)."""
    hits = 0
    for i in range(draws):
        df = series(*TRUTH, seed=500 + i, loss_noise=0.3, noise=0.02, noisy_first=True)
        f = fit(df, "square")
        assert isinstance(f, FitResult)
        for (lo, hi), truth in zip((f.red_rate_ci, f.blue_rate_ci), TRUTH, strict=True):
            hits += int(lo is not None and hi is not None and lo < truth < hi)
    return hits


@pytest.mark.slow  # 60 fits: about 2 min idle
def test_both_noises_cover() -> None:
    hits = both_noises_hits()
    assert BAND[0] <= hits <= BAND[1], f"{hits} of 120 intervals covered the truth"

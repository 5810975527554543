"""``scenarios.calibrate``'s 95% intervals: two-sided coverage and width on synthetic
records with a known truth, under the noise the fit assumes (i.i.d. log-normal).

The existing check (test_scenarios.py, 30 draws, ``0.8 <= hits / 30 <= 1``) lets through
intervals of any width above the truth's and 30% too narrow.  Here, over 200 draws:

* coverage inside the central 99.8% of Binom(200, 0.95), [179, 198] hits;
* width: the standard error behind each interval (half the log-interval over the t
  quantile at the fit's degrees of freedom) against the spread of the log-estimates over
  the draws.  For a correct interval the median of se / sd is the median of
  sqrt(chi2_dof / dof) (0.83 at 2 degrees of freedom, 0.89 at 3); the test asks that ratio,
  divided by its theoretical value, to lie in [0.8, 1.25]: intervals 1.5x too wide or
  1.3x too narrow fail.

The 22 June record includes a lower bound (the Lvov-Chernovtsy Soviet losses, irrecoverable
only).  A lower bound is an undercount: here it is 70% of the model's value at the truth,
so the fit never reaches it and its residual is clipped to 0 (``_residuals``).  It then
carries no information, but the fit still counts it as a degree of freedom.

The calibrate() docstring claims no robustness to other noise; measured with this file's
set-up (200 draws, lower bound at the truth): t3 noise of the same sd 190/178 hits; noise
growing 2% -> 10% by record 151/200 for the Soviet rate; one 30% misreport per draw 194/194.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from forceratio import scenarios
from forceratio.scenarios.calibrate import calibrate
from forceratio.scenarios.run import run

TRUTH = {"german_rate": 0.025, "soviet_rate": 0.003}
DRAWS = 200
SIGMA = 0.05
BAND = (179, 198)  # central 99.8% of Binom(200, 0.95)


def coverage_and_width(undercount: float, seed: int) -> dict[str, tuple[int, float]]:
    """Per rate: hits of the truth, and the median over the draws of se / (its median for a
    correct interval at the draw's degrees of freedom), divided by sd(log estimate)."""
    prep = scenarios.load("barbarossa-22june")
    clean = run(prep, calibration=TRUTH).record_model[0, 0]
    labels = [r.label for r, _ in prep.records]
    lower = np.array([r.lower_bound for r, _ in prep.records])
    assert lower.sum() == 1
    rng = np.random.default_rng(seed)
    est: dict[str, list[float]] = {k: [] for k in TRUTH}
    se: dict[str, list[float]] = {k: [] for k in TRUTH}
    hits = dict.fromkeys(TRUTH, 0)
    for _ in range(DRAWS):
        noisy = clean * np.exp(rng.normal(0.0, SIGMA, clean.size))
        noisy[lower] = undercount * clean[lower]  # a lower bound is not a noisy measurement
        cal = calibrate(prep, targets=dict(zip(labels, noisy, strict=True)), leave_one_out=False)
        tq = float(stats.t.ppf(0.975, cal.dof))
        ideal = float(np.sqrt(stats.chi2.median(cal.dof) / cal.dof))  # median se / sd
        for k, v in TRUTH.items():
            lo, hi = cal.ci[k]
            hits[k] += int(lo < v < hi)
            est[k].append(float(np.log(cal.values[k])))
            se[k].append(0.5 * float(np.log(hi / lo)) / tq / ideal)
    return {k: (hits[k], float(np.median(se[k]) / np.std(est[k], ddof=1))) for k in TRUTH}


@pytest.mark.slow
def test_calibration_intervals_cover_at_their_rate() -> None:
    """Lower bound at 70% of the truth (never reached).  Measured hits (german, soviet) and
    width ratios before the fix (a met lower bound counted as a degree of freedom): 166, 169
    and 0.75, 0.72 (band 179-198, [0.8, 1.25]).  With the fix (count only the records whose
    residual is not clipped): 183, 186 and 0.97, 0.94; intervals
    1.5x wider on top of the fix: 190, 191 hits (inside the band) but ratios 1.46, 1.41.
    (The lower bound at the truth, test_scenarios.py's set-up, reached in about half the
    draws: 183, 177 and 0.81, 0.76 now; 191, 189 and 0.94, 0.85 with the fix.)"""
    got = coverage_and_width(0.7, seed=2024)
    for k, (hits, ratio) in got.items():
        assert BAND[0] <= hits <= BAND[1], (k, got)
        assert 0.8 <= ratio <= 1.25, (k, got)

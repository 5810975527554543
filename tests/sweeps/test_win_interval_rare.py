"""The sweep's 95% interval of P(attacker wins) holds when the wins come from a handful of
design points (rare-event rows): before hstat21 it covered 87.8% (P 0.035 from 32 points x
64 draws), 86.6% (P 0.05, 32 points x 10 replications) and 91.4% (P 0.2, 8 points x 10) of
2,000 synthetic sweeps.  Two causes: the variance's degrees of freedom counted every group
although one or two groups carry it (now cut for the deviations' kurtosis), and the Jeffreys
interval on the effective runs (now Korn and Graubard's Clopper-Pearson one).

Oracle: synthetic sweeps with the truth in closed form or by quadrature, as in
test_win_interval.py; 2,000 seeded draws per structure; coverage must reach the
lower end of the 99.8% binomial band of 95% (1,869) and stay below the upper end of the
band of 98% (Clopper-Pearson covers at least its level; measured 0.948, 0.970, 0.949).  An
interval that is the whole of [0, 1] is refused by the width check (median width below 2 x
3.92 standard deviations of the estimate; measured 1.66, 1.54, 1.34).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

from forceratio.sweeps.probability import kurtosis_df, win_probability
from tests.sweeps.test_win_interval import Gen

REPS = 2000


def crossed_rare(m: int, n: int) -> tuple[Gen, float]:
    """``m`` points x ~ U(-1, 1) crossed with ``n`` draws theta ~ N(0, 0.1^2): won when
    x + theta > 0.95, so by the few points with x above about 0.85.  Truth:
    E_x[Phi((x - 0.95) / 0.1)] = 0.0350."""
    truth = integrate.quad(lambda x: stats.norm.cdf((x - 0.95) / 0.1) / 2, -1, 1)[0]

    def gen(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x, th = rng.uniform(-1, 1, m), rng.normal(0, 0.1, n)
        wins = (x[:, None] + th[None, :]) > 0.95
        return wins.reshape(-1), np.arange(m * n, dtype=np.int64)

    return gen, truth


def replicated_rare(k: int, reps: int, power: int) -> tuple[Gen, float]:
    """``k`` points x ~ U(0, 1), ``reps`` replications each, won with probability
    x^power: the wins come from the few points near 1.  Truth 1 / (power + 1)."""

    def rare(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.uniform(size=k)
        wins = rng.uniform(size=(k, reps)) < x[:, None] ** power
        return wins.reshape(-1), np.repeat(np.arange(k, dtype=np.int64), reps)

    return rare, 1.0 / (power + 1)


CASES = {
    "P 0.035 from 32 points x 64 draws": (crossed_rare(32, 64), 64),
    "P 0.05 from 32 points x 10 replications": (replicated_rare(32, 10, 19), None),
    "P 0.2 from 8 points x 10 replications": (replicated_rare(8, 10, 4), None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_rare_wins_are_covered(case: str) -> None:
    (gen, truth), draws = CASES[case]
    rng = np.random.default_rng(21)
    est, lo, hi = np.empty(REPS), np.empty(REPS), np.empty(REPS)
    for r in range(REPS):
        p = win_probability(*gen(rng), draws)
        est[r], lo[r], hi[r] = p.estimate, p.low, p.high
    hits = int(((lo <= truth) & (truth <= hi)).sum())
    low = int(stats.binom.ppf(0.001, REPS, 0.95))
    high = int(stats.binom.ppf(0.999, REPS, 0.98))
    width = float(np.median(hi - lo) / (2 * 1.959964 * est.std()))
    print(f"{case}: covered {hits} of {REPS} (band {low}..{high}); width {width:.2f}")
    assert low <= hits <= high, f"{case}: covered {hits} of {REPS}, band {low}..{high}"
    assert width < 2.0, f"{case}: median width {width:.2f} of 3.92 sd"


def test_the_degrees_of_freedom_follow_the_tails() -> None:
    """Normal-looking deviations keep their nominal degrees of freedom; one group carrying
    the whole variance leaves about 2 (the moment match 2 / (2/df + g2/K) with excess
    kurtosis g2 = K - 3 for one non-zero value in K: 2 / (2/31 + 29/32) = 2.06)."""
    z = np.zeros(32)
    z[0] = 1.0
    assert kurtosis_df(z, 31) == pytest.approx(2 / (2 / 31 + 29 / 32), rel=1e-12)
    even = np.tile([1.0, -1.0], 16)  # excess kurtosis -2: no tails, clipped at df
    assert kurtosis_df(even, 31) == 31

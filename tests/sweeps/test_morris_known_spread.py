"""Morris sigma and the mu* interval on a function whose elementary effects are 0 or 1
(review19a's surviving mutants M3: sigma with ddof 0; M4: a 90% interval printed as 95%).

f = u0 * u1 on a two-level grid (delta = 1): u0's effect is u1 where it moves, 0 or 1,
so its r effects are k ones and r - k zeros, with k = r * mu.  Closed forms: the sample
sd (ddof 1) of such a set is sqrt(r / (r - 1) * m (1 - m)), m = k / r; and the bootstrap
of their mean is Binomial(r, m) / r, whose 2.5% and 97.5% quantiles (scipy.stats.binom)
the percentile interval must hit at many resamples."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

from forceratio.sweeps.morris import morris

R, RESAMPLES = 40, 20000


def _x() -> dict[str, Any]:
    rows = morris(lambda u: u[:, 0] * u[:, 1], ["x", "y"], r=R, levels=2, seed=4,
                  n_resamples=RESAMPLES)  # fmt: skip
    return next(row for row in rows if row["parameter"] == "x")


def test_sigma_is_the_sample_sd_of_zero_one_effects() -> None:
    x = _x()
    m = float(x["mu"])
    k = round(m * R)
    assert 0 < k < R
    assert float(x["mu_star"]) == pytest.approx(m)
    assert float(x["sigma"]) == pytest.approx(np.sqrt(R / (R - 1) * m * (1 - m)), rel=1e-12)


def test_the_mu_star_interval_is_the_binomial_95_percent_interval() -> None:
    x = _x()
    m = round(float(x["mu"]) * R) / R
    cdf = stats.binom.cdf(np.arange(R + 1), R, m)
    # the levels sit well inside a step of the cdf: the resampling error (sd 0.0011 at
    # 20,000 resamples) cannot move the empirical quantile to a neighbouring count
    assert np.min(np.abs(cdf - 0.025)) > 0.004
    assert np.min(np.abs(cdf - 0.975)) > 0.004
    lo, hi = stats.binom.ppf([0.025, 0.975], R, m) / R
    assert x["mu_star_ci"] == pytest.approx([lo, hi], abs=1e-12)

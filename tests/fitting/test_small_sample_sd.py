"""The measurement sd of a fit with few rows (fewer than six residual degrees of freedom:
the plain residual sd) divides by the residual degrees of freedom, n - k (review19a's
surviving mutant EM1).  Oracle: synthetic battles from the square law's closed form with
additive noise of a known sd in the fit's scaled units, over repeated seeds; for a model
that is exact, E[SSR] = (n - k) sigma^2 to first order, so the mean of sd^2 / sigma^2 is 1.
The sd comes from the fit with the start pinned to the first row: n = 6 (days 10-30, both
sides), k = 2 (the rates); dividing by n instead gives (n - k) / n = 2/3 of it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forceratio.fitting import FitResult, fit

SEEDS = 100


@pytest.mark.slow
def test_the_small_sample_sd_is_unbiased_over_seeds() -> None:
    r0, b0, a, b, sig = 1000.0, 800.0, 0.01, 0.012, 0.005
    om = np.sqrt(a * b)
    days = np.array([0.0, 10.0, 20.0, 30.0])
    red = r0 * np.cosh(om * days) - np.sqrt(b / a) * b0 * np.sinh(om * days)
    blue = b0 * np.cosh(om * days) - np.sqrt(a / b) * r0 * np.sinh(om * days)
    ratios = []
    for seed in range(SEEDS):
        rng = np.random.default_rng(seed)
        # the residuals' scale is each side's largest count, about its first
        rr = red + rng.normal(0.0, sig * r0, days.size)
        bb = blue + rng.normal(0.0, sig * b0, days.size)
        f = fit(pd.DataFrame({"day": days, "red": rr, "blue": bb}), "square")
        assert isinstance(f, FitResult)
        assert f.n_obs - f.k < 6  # the small-sample branch
        ratios.append(f.sigma_measurement**2 / sig**2)
    # sd^2 / sigma^2 ~ chi2(4) / 4 to first order; measured over these seeds: mean 0.90,
    # its standard error 0.09 (0.06 over 200 seeds: mean 0.91); with n for n - k: 0.60
    assert np.mean(ratios) == pytest.approx(1.0, abs=0.25)

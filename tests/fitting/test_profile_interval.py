"""A rate's profile-likelihood interval uses the F(1, n - k) threshold (review19a's
surviving mutant E1: n - k + 1).  Oracle: where the model is linear the profile interval
is exactly the t interval, estimate +- t(0.975, n - k) se; the logarithmic law R = R0
exp(-b t) with 0.2% noise is linear to well within the test's tolerance over the interval,
so se comes from its closed-form Jacobian (d/dR0, d/db) at the fitted values, s^2 =
SSR / (n - k) over both sides (each side's residuals scaled by its largest count)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from forceratio.fitting import FitResult, fit

DAYS = np.array([0.0, 5.0, 10.0, 15.0])


def _side(obs: np.ndarray, x0: float, k: float) -> tuple[np.ndarray, np.ndarray]:
    s, e = obs.max(), np.exp(-k * DAYS)
    return np.stack([e / s, -DAYS * x0 * e / s], axis=1), obs / s - x0 * e / s


def test_the_rates_interval_is_the_t_interval_of_the_linearised_model() -> None:
    rng = np.random.default_rng(1)
    red = 1000.0 * np.exp(-0.03 * DAYS) * (1 + rng.normal(0.0, 0.002, DAYS.size))
    blue = 800.0 * np.exp(-0.02 * DAYS) * (1 + rng.normal(0.0, 0.002, DAYS.size))
    f = fit(pd.DataFrame({"day": DAYS, "red": red, "blue": blue}), "logarithmic")
    assert isinstance(f, FitResult)
    assert (f.n_obs, f.k) == (8, 4)  # both starts free, the first row observed
    dof = f.n_obs - f.k
    start = {d["side"]: d["fitted"] for d in f.residuals if d["day"] == 0.0}
    j_r, e_r = _side(red, start["red"], f.blue_rate)  # blue's rate thins red
    j_b, e_b = _side(blue, start["blue"], f.red_rate)
    s2 = (np.sum(e_r**2) + np.sum(e_b**2)) / dof
    t = stats.t.ppf(0.975, dof)  # t(0.975, 4)^2 = F(0.95; 1, 4)
    for rate, ci, jac in ((f.blue_rate, f.blue_rate_ci, j_r), (f.red_rate, f.red_rate_ci, j_b)):
        half = t * np.sqrt(s2 * np.linalg.inv(jac.T @ jac)[1, 1])
        assert ci[0] is not None
        assert ci[1] is not None
        # within 1% of the half-width (measured: 0.003%); with dof + 1, 7% narrower
        assert abs(ci[0] - (rate - half)) < 0.01 * half
        assert abs(ci[1] - (rate + half)) < 0.01 * half

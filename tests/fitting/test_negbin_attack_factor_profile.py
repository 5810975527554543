"""The negative binomial fit's attack factor (and exponents) get profile-likelihood
intervals, as its rates do: at each end the log-likelihood, every other parameter refitted,
is F(1, n - k; 0.95) / 2 below its maximum.  Before 5 December 2026 they were Wald
intervals (estimate +- 1.96 standard errors from a numerical Hessian, on the log scale for
the factor), whose ends are not there.

Oracle: the likelihood written again here from ``scipy.stats.nbinom`` on the series' own
daily drops (square law with an attack factor: red's losses have mean blue_rate * B * dt,
blue's red_rate * R * dt, in the fit's normalised units, the attacker's multiplied by the
factor), maximised with Nelder-Mead; independent of the fit's code.  The series: exact
strengths, each day's losses negative binomial about that law (``law_counts``, factor 2,
k = 10, the sides attacking on alternate days).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, stats

from forceratio.fitting import read_battle
from forceratio.fitting.casualties import fit_casualties
from tests.fitting.counts_synth import law_counts


@pytest.mark.parametrize("seed", [50000, 50003])
def test_the_attack_factor_ends_are_where_the_profile_likelihood_drops(seed: int) -> None:
    df = law_counts(0.02, 0.03, days=15, seed=seed, k=10.0, attack_factor=2.0)
    b = read_battle(df)
    f = fit_casualties(b, "square", "negbin")
    assert f.dispersion is not None
    sr, sb = b.scale
    red, blue = df["red"].to_numpy(float), df["blue"].to_numpy(float)
    lr, lb = red[:-1] - red[1:], blue[:-1] - blue[1:]
    red_attacks = (df["attacker"].to_numpy()[1:] == "red").astype(float)

    def nll(x: np.ndarray) -> float:
        log_red, log_blue, log_f, log_k = x
        k = np.exp(log_k)
        mu_r = np.exp(log_blue + log_f * red_attacks) * (blue[:-1] / sb) * sr
        mu_b = np.exp(log_red + log_f * (1.0 - red_attacks)) * (red[:-1] / sr) * sb
        return -float(
            stats.nbinom.logpmf(lr, k, k / (k + mu_r)).sum()
            + stats.nbinom.logpmf(lb, k, k / (k + mu_b)).sum()
        )

    opts = {"xatol": 1e-9, "fatol": 1e-10, "maxiter": 20_000}
    x0 = np.log(
        [f.red_rate_normalised, f.blue_rate_normalised, f.exponents["attack_factor"],
         f.dispersion]
    )  # fmt: skip
    top = optimize.minimize(nll, x0, method="Nelder-Mead", options=opts)
    cut = stats.f.ppf(0.95, 1, 2 * (len(df) - 1) - 4) / 2  # n counts, k = 4
    low, high = f.exponents_ci["attack_factor"]
    assert low is not None
    assert high is not None
    assert low < f.exponents["attack_factor"] < high
    for end in (low, high):

        def prof(y: np.ndarray, end: float = end) -> float:
            return nll(np.array([y[0], y[1], np.log(end), y[2]]))

        inner = optimize.minimize(prof, top.x[[0, 1, 3]], method="Nelder-Mead", options=opts)
        assert inner.fun - top.fun == pytest.approx(cut, abs=2e-3), (end, inner.fun - top.fun)

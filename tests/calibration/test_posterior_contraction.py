"""Posterior contraction and the at-prior-bound flag of each fitted parameter.

Oracle: the conjugate normal model.  With a Normal(mu0, tau) prior on theta and records
whose logs are Normal(theta, s) with s known, the posterior of theta is normal with
variance 1 / (1/tau^2 + n/s^2), so ``contraction = 1 - var_post / tau^2`` in closed form;
the Laplace draws of ``fit_map`` are exact for a normal posterior."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.calibration import (
    CalibratedParameter,
    LogNormalLikelihood,
    LogUniform,
    Normal,
    Parameters,
    Problem,
    Record,
    Records,
    Uniform,
    fit_map,
)
from forceratio.calibration.contraction import at_prior_bound, contraction, prior_variance


@pytest.mark.parametrize(("n", "s", "tau"), [(3, 0.5, 1.0), (10, 0.2, 0.3)])
def test_contraction_of_the_conjugate_normal_model(n: int, s: float, tau: float) -> None:
    logs = np.random.default_rng(n).normal(0.4, s, size=n)
    recs = Records(Record(f"r{i}", float(np.exp(v))) for i, v in enumerate(logs))
    sigma = CalibratedParameter("sigma", LogUniform(0.01, 5.0), value=s, vary=False)

    def model(batch: np.ndarray) -> np.ndarray:
        return np.repeat(np.exp(batch[:, :1]), n, axis=1)

    params = Parameters([CalibratedParameter("theta", Normal(0.0, tau))])
    prob = Problem(params, recs, model, LogNormalLikelihood(sigma=sigma))
    res = fit_map(prob, n_starts=1, n_draws=20_000, seed=3)
    post = 1.0 / (1.0 / tau**2 + n / s**2)
    want = 1.0 - post / tau**2
    got = float(res.parameters["contraction"].to_numpy()[0])
    # the draws' variance: relative standard error sqrt(2/20000) = 1%
    assert got == pytest.approx(want, abs=0.03 * post / tau**2 + 1e-3)
    assert not res.parameters.loc["theta", "at_prior_bound"]


def test_prior_variance_closed_forms() -> None:
    assert prior_variance(Uniform(0.0, 2.0)) == pytest.approx(4.0 / 12.0, rel=1e-6)
    # log-uniform: uniform in the log
    assert prior_variance(LogUniform(1e-4, 0.3)) == pytest.approx(
        np.log(0.3 / 1e-4) ** 2 / 12.0, rel=1e-6
    )
    draws = np.exp(np.random.default_rng(0).uniform(np.log(1e-4), np.log(0.3), 100_000))
    assert contraction(LogUniform(1e-4, 0.3), draws) == pytest.approx(0.0, abs=0.02)


def test_at_prior_bound() -> None:
    prior = LogUniform(1e-4, 0.3)
    width = np.log(0.3 / 1e-4)
    near = 0.3 * np.exp(-0.009 * width)  # within 1% of the range (log scale) of the top
    far = 0.3 * np.exp(-0.02 * width)
    assert at_prior_bound(prior, [0.01, 0.05, near])
    assert not at_prior_bound(prior, [0.01, 0.05, far])
    assert at_prior_bound(Uniform(0.0, 2.0), [0.019, 0.5, 1.0])
    assert not at_prior_bound(Normal(0.0, 1.0), [-50.0, 0.0, 50.0])  # no finite bound

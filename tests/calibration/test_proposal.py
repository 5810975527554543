"""The fitted independence proposal (calibration/mixture.py) and the sampler that uses it.

Oracles: scipy.stats' multivariate normal and t densities; draws of a known two-component
mixture (the fit must find its weights and centres); an independence Metropolis-Hastings
chain with a deliberately wrong proposal on a known Gaussian target (the acceptance ratio
must correct it); and a banana-shaped posterior whose moments are known by quadrature
(the staged sampler must reach R-hat < 1.01 and match them).
"""

from __future__ import annotations

import emcee
import numpy as np
import pytest
from scipy import integrate, stats

from forceratio.calibration import (
    CalibratedParameter,
    Normal,
    Parameters,
    Problem,
    sample_posterior,
)
from forceratio.calibration.diagnostics import split_rhat
from forceratio.calibration.mixture import Mixture, fit_mixture, proposal
from forceratio.calibration.sampling import independence_move
from tests.calibration import synthetic as syn


def two_components() -> Mixture:
    chols = np.array([np.linalg.cholesky([[1.0, 0.6], [0.6, 1.0]]), np.diag([0.5, 2.0])])
    return Mixture(np.array([0.3, 0.7]), np.array([[-4.0, 0.0], [3.0, 1.0]]), chols)


@pytest.mark.parametrize("df", [np.inf, 4.0])
def test_mixture_density_is_the_weighted_sum_of_scipy_densities(df: float) -> None:
    mix = Mixture(two_components().weights, two_components().means, two_components().chols, df)
    x = np.random.default_rng(0).normal(size=(50, 2)) * 3
    want = np.zeros(50)
    for w, mu, chol in zip(mix.weights, mix.means, mix.chols, strict=True):
        cov = chol @ chol.T
        if np.isinf(df):
            dist = stats.multivariate_normal(mu, cov)
        else:
            dist = stats.multivariate_t(mu, cov, df=df)
        want += w * dist.pdf(x)
    np.testing.assert_allclose(np.exp(mix.logpdf(x)), want, rtol=1e-10)


@pytest.mark.parametrize("df", [np.inf, 6.0])
def test_mixture_draws_have_the_mixture_moments(df: float) -> None:
    mix = Mixture(two_components().weights, two_components().means, two_components().chols, df)
    x = mix.sample(np.random.RandomState(1), 200_000)
    inflate = 1.0 if np.isinf(df) else df / (df - 2.0)  # a t's covariance is the scale * df/(df-2)
    mean = mix.weights @ mix.means
    second = sum(
        w * (inflate * c @ c.T + np.outer(m, m))
        for w, m, c in zip(mix.weights, mix.means, mix.chols, strict=True)
    )
    np.testing.assert_allclose(x.mean(axis=0), mean, atol=0.03)
    np.testing.assert_allclose(np.cov(x.T), second - np.outer(mean, mean), rtol=0.03, atol=0.03)


def test_fit_recovers_a_known_mixture() -> None:
    truth = two_components()
    x = truth.sample(np.random.RandomState(2), 6000)
    fit = fit_mixture(x, np.random.default_rng(3))
    assert fit.weights.size == 2  # BIC picks the true number of components
    order = np.argsort(fit.means[:, 0])
    np.testing.assert_allclose(fit.weights[order], truth.weights, atol=0.03)
    np.testing.assert_allclose(fit.means[order], truth.means, atol=0.15)
    covs = np.einsum("mij,mkj->mik", fit.chols[order], fit.chols[order])
    np.testing.assert_allclose(covs, np.einsum("mij,mkj->mik", truth.chols, truth.chols), atol=0.2)


def test_fit_refuses_too_few_draws() -> None:
    with pytest.raises(ValueError, match="too few draws"):
        fit_mixture(np.zeros((20, 5)), np.random.default_rng(0))


def test_independence_move_corrects_a_wrong_proposal() -> None:
    """Target N((1, -2), diag(1, 4)); proposal: one t centred off target and too narrow in
    one direction.  The chain's moments must still be the target's."""
    mean, sd = np.array([1.0, -2.0]), np.array([1.0, 2.0])

    def log_p(x: np.ndarray) -> np.ndarray:
        return np.asarray(-0.5 * np.sum(((x - mean) / sd) ** 2, axis=1))

    q = Mixture(np.array([1.0]), np.array([[1.8, -1.0]]), np.diag([1.5, 1.2])[None], df=4.0)
    sampler = emcee.EnsembleSampler(
        40, 2, log_p, vectorize=True, moves=[(independence_move(q), 1.0)]
    )
    sampler.random_state = np.random.RandomState(5).get_state()
    p0 = mean + sd * np.random.default_rng(6).standard_normal((40, 2))
    sampler.run_mcmc(p0, 3000)
    x = sampler.get_chain(discard=200, flat=True)
    np.testing.assert_allclose(x.mean(axis=0), mean, atol=0.08)
    np.testing.assert_allclose(x.std(axis=0), sd, rtol=0.04)


def test_defensive_component_covers_the_draws() -> None:
    x = np.random.default_rng(7).normal(size=(4000, 3))
    q = proposal(fit_mixture(x, np.random.default_rng(8)), x, defensive=0.1, inflate=2.0)
    assert q.weights[-1] == pytest.approx(0.1)
    np.testing.assert_allclose(q.weights.sum(), 1.0)
    np.testing.assert_allclose(q.chols[-1] @ q.chols[-1].T, 2.0 * np.cov(x.T), rtol=1e-4)


# -- a banana-shaped posterior ------------------------------------------------------------
B, S, PRIOR_SD2 = 1.5, 0.15, 3.0  # curvature, width across the ridge, prior sd of x2


def banana() -> Problem:
    """x1 ~ N(0, 1), x2 ~ N(0, 3^2) a priori; one record whose log is
    x2 - B (x1^2 - 1) with a known scale S: the posterior follows the parabola
    x2 = B (x1^2 - 1), S wide across it."""
    params = Parameters(
        [
            CalibratedParameter("x1", Normal(0.0, 1.0)),
            CalibratedParameter("x2", Normal(0.0, PRIOR_SD2)),
        ]
    )

    def model(batch: np.ndarray) -> np.ndarray:
        x1, x2 = batch[:, :1], batch[:, 1:2]
        return np.asarray(np.exp(x2 - B * (x1**2 - 1.0)))

    return syn.one_record(params, model, S)


def banana_moments() -> dict[str, float]:
    """E x1^2, E x2, sd x2 by quadrature over x1 (x2 given x1 is normal: prior x likelihood)."""
    v = 1.0 / (1.0 / PRIOR_SD2**2 + 1.0 / S**2)

    def m(x1: float) -> float:  # E[x2 | x1]
        return v * B * (x1**2 - 1.0) / S**2

    def w(x1: float) -> float:  # the marginal density of x1, unnormalised
        c = B * (x1**2 - 1.0)
        return float(stats.norm.pdf(x1) * stats.norm.pdf(c, 0.0, np.sqrt(PRIOR_SD2**2 + S**2)))

    def e(f: object) -> float:
        return float(integrate.quad(lambda t: f(t) * w(t), -12, 12, limit=200)[0])  # type: ignore[operator]

    z = e(lambda t: 1.0)
    ex2 = e(m) / z
    ex2sq = e(lambda t: v + m(t) ** 2) / z
    return {"x1_sq": e(lambda t: t * t) / z, "x2": ex2, "x2_sd": float(np.sqrt(ex2sq - ex2**2))}


def test_staged_sampler_on_a_banana_matches_quadrature() -> None:
    post = sample_posterior(banana(), n_walkers=32, n_steps=1200, burn=200, pilot=600, seed=0)
    d = post.diagnostics
    assert d is not None
    assert d.components >= 2  # a curved ridge needs several components
    assert max(d.rhat.values()) < 1.01
    x1, x2 = post.draws[:, 0], post.draws[:, 1]
    want = banana_moments()
    ess = min(d.ess.values())
    # tolerances: 4 Monte Carlo standard errors at the reported effective sample size
    assert abs(np.mean(x1)) < 4 * np.std(x1) / np.sqrt(ess)
    assert abs(np.mean(x1**2) - want["x1_sq"]) < 4 * np.std(x1**2) / np.sqrt(ess)
    assert abs(np.mean(x2) - want["x2"]) < 4 * np.std(x2) / np.sqrt(ess)
    assert np.std(x2) == pytest.approx(want["x2_sd"], rel=0.05)
    # walkers as chains, R-hat from this module's own diagnostics agrees
    chain = post.draws.reshape(-1, d.n_walkers, 2)
    assert split_rhat(chain[:, :, 1].T) == pytest.approx(d.rhat["x2"])

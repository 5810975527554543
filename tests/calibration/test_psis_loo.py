"""Leave-one-record-out by PSIS (:mod:`forceratio.calibration.psis`) against closed forms.

Oracle: a normal mean with a known error scale and a normal prior is conjugate, so the
posterior without record i is normal in closed form and so is the record's leave-one-out
predictive density, ``N(y_i; m_-i, sigma^2 + s_-i^2)`` (Gelman et al., Bayesian Data
Analysis, 3rd ed., 2.5).  Draws from the exact posterior go in; the estimate must match
within its Monte Carlo error (that of plain importance sampling with the same draws, four
standard errors).  A record far from the rest must get the largest Pareto k.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from forceratio.calibration import (
    CalibratedParameter,
    LogNormal,
    Parameters,
    Problem,
    Record,
    Records,
)
from forceratio.calibration.likelihood import LogNormalLikelihood
from forceratio.calibration.priors import HalfNormal
from forceratio.calibration.psis import psis_loo, record_loo
from forceratio.calibration.result import summarise

pytest.importorskip("arviz")  # the test extra has it; the refusal without it is tested apart


def _normal_logpdf(x: np.ndarray, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
    return np.asarray(-0.5 * np.log(2 * np.pi * var) - 0.5 * (x - mean) ** 2 / var)


def _posterior(y: np.ndarray, sigma: float, m0: float, s0: float) -> tuple[float, float]:
    """Mean and variance of a normal mean's posterior (known sigma, prior N(m0, s0^2))."""
    precision = 1 / s0**2 + len(y) / sigma**2
    return (m0 / s0**2 + y.sum() / sigma**2) / precision, 1 / precision


def _exact_loo(y: np.ndarray, sigma: float, m0: float, s0: float) -> np.ndarray:
    out = []
    for i in range(len(y)):
        m, v = _posterior(np.delete(y, i), sigma, m0, s0)
        out.append(float(_normal_logpdf(y[i], np.array(m), np.array(sigma**2 + v))))
    return np.array(out)


def _tolerance(log_lik: np.ndarray) -> np.ndarray:
    """Four Monte Carlo standard errors of plain importance sampling's estimate of each
    record's log predictive density, -log mean(1 / p(y_i | theta)) (delta method)."""
    w = np.exp(-log_lik)
    return np.asarray(4 * w.std(axis=0) / (math.sqrt(w.shape[0]) * w.mean(axis=0)))


def test_psis_matches_the_exact_leave_one_out_of_a_conjugate_normal() -> None:
    rng = np.random.default_rng(3)
    sigma, m0, s0 = 1.0, 0.0, 10.0
    y = rng.normal(0.5, sigma, size=15)
    m, v = _posterior(y, sigma, m0, s0)
    mu = rng.normal(m, math.sqrt(v), size=8000)
    ll = _normal_logpdf(y[None, :], mu[:, None], np.array(sigma**2))
    exact = _exact_loo(y, sigma, m0, s0)
    loo = psis_loo(ll, [f"y{i}" for i in range(len(y))])
    got = loo.records["elpd_loo_i"].to_numpy()
    assert np.all(np.abs(got - exact) < _tolerance(ll)), (got - exact, _tolerance(ll))
    assert loo.elpd_loo == pytest.approx(exact.sum(), abs=float(_tolerance(ll).sum()))
    # p_loo: the in-sample log predictive density less elpd_loo; about one parameter here
    lpd = np.log(np.exp(ll).mean(axis=0)).sum()
    assert loo.p_loo == pytest.approx(lpd - loo.elpd_loo, rel=1e-9)
    # ... and that of the exact posterior predictive, N(y_i; m, sigma^2 + v), in closed form
    exact_lpd = _normal_logpdf(y, np.array(m), np.array(sigma**2 + v)).sum()
    assert loo.p_loo == pytest.approx(exact_lpd - exact.sum(), abs=float(_tolerance(ll).sum()))
    assert not loo.records["k_high"].any()
    assert loo.high_k == []
    assert loo.k_threshold == pytest.approx(0.7)  # min(1 - 1/log10(8000), 0.7)


def test_an_outlying_record_gets_the_largest_pareto_k() -> None:
    rng = np.random.default_rng(5)
    y = rng.normal(0.0, 1.0, size=20)
    y[7] = 7.0  # seven error scales from the rest
    m, v = _posterior(y, 1.0, 0.0, 10.0)
    mu = rng.normal(m, math.sqrt(v), size=4000)
    ll = _normal_logpdf(y[None, :], mu[:, None], np.array(1.0))
    loo = psis_loo(ll, [f"y{i}" for i in range(len(y))])
    k = loo.records["pareto_k"].to_numpy()
    assert int(np.argmax(k)) == 7
    assert k[7] > np.max(np.delete(k, 7)) + 0.2
    assert loo.records["elpd_loo_i"].idxmin() == 7


def test_interleaved_chains_are_read_as_chains() -> None:
    """Rows step by step, the chains in turn (emcee's flattening): with independent draws the
    chains change only ArviZ's relative efficiency, not the estimate beyond its MC error."""
    rng = np.random.default_rng(11)
    y = rng.normal(size=10)
    m, v = _posterior(y, 1.0, 0.0, 10.0)
    mu = rng.normal(m, math.sqrt(v), size=4000)
    ll = _normal_logpdf(y[None, :], mu[:, None], np.array(1.0))
    one = psis_loo(ll, [f"y{i}" for i in range(10)])
    many = psis_loo(ll, [f"y{i}" for i in range(10)], chains=8, draws=mu[:, None])
    assert (one.n_chains, many.n_chains) == (1, 8)
    assert many.elpd_loo == pytest.approx(one.elpd_loo, abs=float(_tolerance(ll).sum()))


def test_record_loo_uses_the_problems_likelihood_and_skips_records_out_of_it() -> None:
    """Through a Problem: log-normal records of a median mu with a fixed error scale and a
    log-normal prior on mu are the conjugate normal on the log scale; each record's density
    is that of log y_i less log y_i (the Jacobian).  A record out of the likelihood is not
    left out (nor counted)."""
    rng = np.random.default_rng(8)
    sigma, prior = 0.3, LogNormal(100.0, 1.0)
    logs = rng.normal(math.log(120.0), sigma, size=8)
    records = [Record(f"r{i}", float(math.exp(x))) for i, x in enumerate(logs)]
    records.append(Record("reported", 5000.0, in_likelihood=False, reason="a test"))
    scale = CalibratedParameter("sigma", HalfNormal(0.5), value=sigma, vary=False)
    problem = Problem(
        Parameters([CalibratedParameter("mu", prior)]),
        Records(records),
        lambda batch: np.repeat(batch[:, :1], len(records), axis=1),
        LogNormalLikelihood(scale),
    )
    m, v = _posterior(logs, sigma, math.log(100.0), 1.0)
    mu = np.exp(rng.normal(m, math.sqrt(v), size=6000))[:, None]
    result = summarise(
        problem,
        method="map",
        draws=mu,
        point=np.median(mu, axis=0),
        map_point=np.median(mu, axis=0),
        log_posterior_max=0.0,
        seed=0,
    )
    loo = record_loo(problem, result)
    assert list(loo.records["record"]) == [f"r{i}" for i in range(8)]
    exact = _exact_loo(logs, sigma, math.log(100.0), 1.0) - logs
    ll = _normal_logpdf(logs[None, :], np.log(mu), np.array(sigma**2)) - logs
    got = loo.records["elpd_loo_i"].to_numpy()
    assert np.all(np.abs(got - exact) < _tolerance(ll)), (got - exact, _tolerance(ll))
    assert (loo.n_draws, loo.n_chains) == (6000, 1)

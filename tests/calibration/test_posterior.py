"""The posterior: an exact conjugate case, recovery of known square-law parameters,
reproducibility, lower-bound records, the count likelihood and the result tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forceratio.calibration import (
    CalibratedParameter,
    CalibrationResult,
    LogNormal,
    NegativeBinomialLikelihood,
    Parameters,
    Problem,
    Record,
    Records,
    fit_map,
    sample_posterior,
)
from forceratio.calibration.priors import HalfNormal
from forceratio.errors import InputError
from tests.calibration import synthetic as syn

# -- an exact case: log-normal prior, log-normal records, known sigma ---------------------
PRIOR_A, PRIOR_B = LogNormal(0.02, 0.5), LogNormal(3.0, 0.3)
SIGMA = 0.3
Y_A = np.array([0.031, 0.022, 0.027, 0.040, 0.025])
Y_B = np.array([2.1, 2.6, 2.4])


def conjugate_problem() -> Problem:
    params = Parameters([CalibratedParameter("a", PRIOR_A), CalibratedParameter("b", PRIOR_B)])
    recs = Records(
        [Record(f"a{i}", float(v), "a", f"g{i}") for i, v in enumerate(Y_A)]
        + [Record(f"b{i}", float(v), "b", f"h{i}") for i, v in enumerate(Y_B)]
    )

    def model(batch: np.ndarray) -> np.ndarray:
        return np.repeat(batch, [Y_A.size, Y_B.size], axis=1)

    return Problem(params, recs, model, syn.known_sigma(SIGMA, HalfNormal(1.0)))


def normal_posterior(prior: LogNormal, y: np.ndarray) -> tuple[float, float]:
    """Mean and sd of log x: normal prior on log x, normal records on log y (BDA3 2.5)."""
    precision = 1 / prior.sigma**2 + y.size / SIGMA**2
    mean = (np.log(prior.median_value) / prior.sigma**2 + np.log(y).sum() / SIGMA**2) / precision
    return float(mean), float(precision**-0.5)


def test_conjugate_posterior_is_exact() -> None:
    problem = conjugate_problem()
    post = sample_posterior(problem, n_walkers=16, n_steps=1500, burn=300, seed=4)
    quick = fit_map(problem, seed=4)
    for j, (prior, y) in enumerate(((PRIOR_A, Y_A), (PRIOR_B, Y_B))):
        mean, sd = normal_posterior(prior, y)
        logs = np.log(post.draws[:, j])
        ess = post.diagnostics.ess[problem.names[j]] if post.diagnostics else 1.0
        assert abs(logs.mean() - mean) < 4 * sd / np.sqrt(ess)
        assert logs.std() == pytest.approx(sd, rel=0.1)
        # the Laplace approximation is exact for a normal posterior on log x
        assert np.log(quick.map_point[j]) == pytest.approx(mean, abs=1e-4)
        assert np.log(quick.draws[:, j]).std() == pytest.approx(sd, rel=0.05)
        # equal-tailed 95 % interval of a log-normal posterior
        row = post.parameters.iloc[j]
        assert np.log(row["ci95_low"]) == pytest.approx(mean - 1.96 * sd, abs=0.25 * sd)
        assert np.log(row["ci95_high"]) == pytest.approx(mean + 1.96 * sd, abs=0.25 * sd)


# -- the synthetic operations --------------------------------------------------------------
@pytest.fixture(scope="module")
def noisy() -> np.ndarray:
    return syn.observe(syn.TRUTH, 0.2, np.random.default_rng(11))


@pytest.fixture(scope="module")
def posterior(noisy: np.ndarray) -> CalibrationResult:
    return sample_posterior(syn.problem(noisy), n_walkers=16, n_steps=1500, burn=500, seed=1)


def test_posterior_covers_the_truth(posterior: CalibrationResult) -> None:
    p = posterior.parameters
    truth = pd.Series([*syn.TRUTH, 0.2], index=[*syn.NAMES, "sigma"])
    assert list(p.index) == [*syn.NAMES, "sigma"]
    assert ((p["ci95_low"] <= truth) & (truth <= p["ci95_high"])).all()
    assert (p["ci95_low"] < p["ci90_low"]).all()
    assert (p["ci90_high"] < p["ci95_high"]).all()
    # the data say more than the priors
    assert ((p["ci95_high"] - p["ci95_low"]) < (p["prior_high"] - p["prior_low"]) / 2).all()


def test_sampler_diagnostics(posterior: CalibrationResult) -> None:
    d = posterior.diagnostics
    assert d is not None
    assert posterior.posterior_draws == 16 * 1000 == d.n_walkers * (d.n_steps - d.burn)
    # the fitted independence proposal is close to this near-normal posterior: most
    # proposals are accepted (the ensemble moves alone accepted 0.2-0.5)
    assert 0.15 < d.acceptance_fraction <= 1.0
    assert d.components >= 1
    assert d.warmup > 0
    assert all(1.0 <= t < 60 for t in d.tau.values())
    assert all(r < 1.05 for r in d.rhat.values())
    assert all(e > 100 for e in d.ess.values())


def test_map_recovers_the_truth() -> None:
    obs = syn.observe(syn.TRUTH, 0.05, np.random.default_rng(5))
    quick = fit_map(syn.problem(obs), seed=0)
    np.testing.assert_allclose(quick.map_point[:3], syn.TRUTH, rtol=0.15)
    assert quick.method == "map"
    assert quick.diagnostics is None
    assert quick.extra["success"]


def test_same_seed_same_draws(noisy: np.ndarray) -> None:
    runs = [
        sample_posterior(syn.problem(noisy), n_walkers=10, n_steps=60, burn=20, seed=s)
        for s in (3, 3, 4)
    ]
    np.testing.assert_array_equal(runs[0].draws, runs[1].draws)
    pd.testing.assert_frame_equal(runs[0].predictive, runs[1].predictive)
    assert not np.array_equal(runs[0].draws, runs[2].draws)
    a, b = fit_map(syn.problem(noisy), seed=7), fit_map(syn.problem(noisy), seed=7)
    np.testing.assert_array_equal(a.draws, b.draws)


def test_result_tables(posterior: CalibrationResult) -> None:
    res = posterior.residuals
    assert list(res.columns[:7]) == [
        "record",
        "kind",
        "group",
        "historical",
        "model",
        "relative_error",
        "lower_bound",
    ]
    assert len(res) == 12
    np.testing.assert_allclose(res["relative_error"], res["model"] / res["historical"] - 1)
    # the residuals are taken at the posterior medians
    np.testing.assert_allclose(posterior.point, posterior.parameters["median"])
    batch = np.array([posterior.point[:3]])
    np.testing.assert_allclose(res["model"], syn.losses(batch)[0])
    pred = posterior.predictive
    assert (pred["q025"] < pred["q50"]).all()
    assert (pred["q50"] < pred["q975"]).all()
    # the predictive (with noise) is wider than the model's own spread
    assert ((pred["q975"] - pred["q025"]) > (pred["model_q975"] - pred["model_q025"])).all()
    # most records fall inside their 95 % predictive interval
    inside = (pred["q025"] <= pred["historical"]) & (pred["historical"] <= pred["q975"])
    assert inside.mean() >= 10 / 12


# -- lower bounds in a fit ---------------------------------------------------------------
def test_lower_bounds_are_one_sided() -> None:
    clean = syn.losses(syn.TRUTH[None, :])[0]
    obs = syn.observe(syn.TRUTH, 0.05, np.random.default_rng(8))
    names = [n for n, _, _ in syn.record_names()]
    low = {names[1], names[9]}  # two defender-loss records
    idx = [names.index(n) for n in sorted(low)]
    obs_low = obs.copy()
    obs_low[idx] = 0.3 * clean[idx]  # "at least 30 % of the truth"

    as_bounds = fit_map(syn.problem(obs_low, lower=frozenset(low)), seed=0).map_point
    keep = np.ones(12, dtype=bool)
    keep[idx] = False
    dropped = fit_map(syn.problem(obs).without(~keep), seed=0).map_point
    as_points = fit_map(syn.problem(obs_low), seed=0).map_point
    # a satisfied lower bound adds nothing: same fit as without those records
    np.testing.assert_allclose(as_bounds[:3], dropped[:3], rtol=0.01)
    # the same values read as exact figures drag the fit away
    assert np.max(np.abs(as_points[:3] / dropped[:3] - 1)) > 0.1

    # a lower bound above the model pulls the prediction up towards it
    obs_high = obs.copy()
    obs_high[idx[0]] = 3.0 * clean[idx[0]]
    fit = fit_map(syn.problem(obs_high, lower=frozenset({names[idx[0]]})), seed=0)
    row = fit.residuals.set_index("record").loc[names[idx[0]]]
    assert row["lower_bound"]
    assert row["model"] > 1.2 * clean[idx[0]]


def test_count_likelihood_recovers_the_truth() -> None:
    rng = np.random.default_rng(9)
    clean = syn.losses(syn.TRUTH[None, :])[0]
    phi = 100.0
    counts = rng.negative_binomial(phi, phi / (phi + clean)).astype(float)
    base = syn.problem(counts)
    problem = Problem(base.parameters, base.records, base.model, NegativeBinomialLikelihood())
    quick = fit_map(problem, seed=0)
    np.testing.assert_allclose(quick.map_point[:3], syn.TRUTH, rtol=0.15)
    assert quick.names[-1] == "dispersion"


# -- refusals --------------------------------------------------------------------------------
def test_bad_problems_are_refused(noisy: np.ndarray) -> None:
    base = syn.problem(noisy)
    wrong = Problem(base.parameters, base.records, lambda b: np.ones((b.shape[0], 3)))
    with pytest.raises(InputError, match="model"):
        fit_map(wrong)
    frozen = Parameters(CalibratedParameter(p.name, p.prior, vary=False) for p in base.parameters)
    with pytest.raises(InputError, match="free"):
        Problem(frozen, base.records, base.model)
    with pytest.raises(InputError, match="records"):
        Records([Record("x", 1.0), Record("x", 2.0)])
    with pytest.raises(InputError, match="value"):
        Record("x", 0.0)
    with pytest.raises(InputError, match="walkers"):
        sample_posterior(base, n_walkers=4)
    with pytest.raises(InputError, match="n_steps"):
        sample_posterior(base, n_steps=10, burn=10)


def test_a_failing_model_row_is_rejected_quietly(noisy: np.ndarray) -> None:
    base = syn.problem(noisy)

    def sometimes_nan(batch: np.ndarray) -> np.ndarray:
        out = syn.losses(batch)
        out[batch[:, 2] > 3.0] = np.nan
        return out

    problem = Problem(base.parameters, base.records, sometimes_nan, base.likelihood)
    z = problem.unconstrain(np.array([[0.02, 0.008, 2.0, 0.2], [0.02, 0.008, 3.5, 0.2]]))
    lp = problem.log_posterior(z)
    assert np.isfinite(lp[0])
    assert lp[1] == -np.inf

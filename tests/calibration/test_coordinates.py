"""The sampler's probit coordinates (calibration/sampling.py, ``Coordinates``).

Oracles: the map's own inverse, a finite-difference derivative for the Jacobian, and a
posterior piled against the bound of its prior whose quantiles are known in closed form
(a truncated normal), sampled by the staged sampler in the probit coordinates.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from forceratio.calibration import (
    CalibratedParameter,
    Normal,
    Parameters,
    Problem,
    sample_posterior,
)
from forceratio.calibration.priors import HalfNormal, Uniform
from forceratio.calibration.sampling import Coordinates
from tests.calibration import synthetic as syn

S = 0.3  # the record's log-scale error


def piled() -> Problem:
    """x ~ Uniform(0, 1); one record 1.0 that the model predicts as x, log error S: the
    posterior exp(-(ln x)^2 / 2 S^2) is piled against the bound 1.  In t = -ln x it is
    N(-S^2, S) truncated to t > 0.  A normal nuisance and a half-normal one stay
    unbounded (they are not moved to the probit scale)."""
    params = Parameters(
        [
            CalibratedParameter("x", Uniform(0.0, 1.0)),
            CalibratedParameter("free", Normal(0.0, 1.0)),
            CalibratedParameter("half", HalfNormal(1.0)),
        ]
    )

    def model(batch: np.ndarray) -> np.ndarray:
        return np.asarray(batch[:, :1])

    return syn.one_record(params, model, S)


def test_only_bounded_coordinates_move_to_the_probit_scale() -> None:
    assert Coordinates.of(piled()).probit.tolist() == [True, False, False]
    assert not Coordinates.of(piled(), probit=False).probit.any()


def test_the_map_is_inverted_far_into_the_tails() -> None:
    c = Coordinates.of(piled())
    z = np.column_stack([np.linspace(-700.0, 700.0, 1001)] * 3)
    y = c.from_z(z)
    assert np.all(np.isfinite(y))
    np.testing.assert_allclose(c.to_z(y), z, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(y[:, 1:], z[:, 1:])
    np.testing.assert_allclose(y[500, 0], 0.0, atol=1e-12)  # the centre of the prior's range


def test_the_jacobian_is_the_derivative_of_the_map() -> None:
    c = Coordinates.of(piled())
    y = np.column_stack([np.linspace(-8.0, 8.0, 161), np.zeros(161), np.ones(161)])
    h = 1e-5
    up, down = y.copy(), y.copy()
    up[:, 0] += h
    down[:, 0] -= h
    slope = (c.to_z(up)[:, 0] - c.to_z(down)[:, 0]) / (2 * h)
    np.testing.assert_allclose(c.log_jacobian(y), np.log(slope), rtol=1e-6, atol=1e-6)


def test_a_posterior_piled_against_a_bound_matches_its_closed_form() -> None:
    post = sample_posterior(piled(), n_walkers=16, n_steps=1500, burn=300, pilot=400, seed=3)
    d = post.diagnostics
    assert d is not None
    assert max(d.rhat.values()) < 1.01
    t = -np.log(post.draws[:, 0])
    want = stats.truncnorm(a=S, b=np.inf, loc=-(S**2), scale=S)  # a = (0 - loc) / scale = S
    q = (0.1, 0.5, 0.9, 0.99)
    # 4 Monte Carlo standard errors of a quantile at the reported effective sample size
    se = np.sqrt(np.array(q) * (1 - np.array(q)) / d.ess["x"]) / want.pdf(want.ppf(q))
    assert np.all(np.abs(np.quantile(t, q) - want.ppf(q)) < 4 * se)
    # the unbounded ones keep their priors (the record does not involve them)
    assert np.quantile(post.draws[:, 1], 0.5) == pytest.approx(0.0, abs=0.1)
    assert np.median(post.draws[:, 2]) == pytest.approx(stats.halfnorm.median(), rel=0.1)

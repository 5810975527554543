"""Each record's log-likelihood term (:meth:`Problem.pointwise_log_likelihood`): the terms
the likelihood sums, so a row's sum is the log-likelihood the sampler and the mode use."""

from __future__ import annotations

import math

import numpy as np

from forceratio.calibration import (
    CalibratedParameter,
    LogNormal,
    Parameters,
    Problem,
    Record,
    Records,
)


def test_the_pointwise_terms_sum_to_the_log_likelihood_the_sampler_uses() -> None:
    """A point record, a lower and an upper bound, an interval and a record out of the
    likelihood: the terms of those in it, a row summed, are Problem.log_likelihood; the
    point record's term is the log-normal density by hand (Jacobian included)."""
    records = Records(
        [
            Record("point", 100.0),
            Record("lower", 80.0, lower_bound=True),
            Record("upper", 150.0, upper_bound=True),
            Record("band", 110.0, low=90.0, high=130.0),
            Record("out", 1.0, in_likelihood=False, reason="a test"),
        ]
    )
    problem = Problem(
        Parameters([CalibratedParameter("mu", LogNormal(100.0, 1.0))]),
        records,
        lambda batch: batch[:, :1] * np.array([[1.0, 1.1, 0.9, 1.2, np.nan]]),
    )
    theta = np.array([[90.0, 0.2], [120.0, 0.5], [60.0, 0.3]])  # mu, sigma
    batch, nuis = problem.full(theta)
    terms = problem.pointwise_log_likelihood(problem.predict(batch), nuis)
    assert terms.shape == (3, 4)
    np.testing.assert_allclose(terms.sum(axis=1), problem.log_likelihood(theta), rtol=1e-12)
    y, m, s = 100.0, theta[:, 0], theta[:, 1]
    hand = -0.5 * ((math.log(y) - np.log(m)) / s) ** 2 - np.log(s * y * math.sqrt(2 * math.pi))
    np.testing.assert_allclose(terms[:, 0], hand, rtol=1e-12)

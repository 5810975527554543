"""Likelihoods against scipy.stats, and the one-sided term of lower-bound records."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from forceratio.calibration import (
    CalibratedParameter,
    LogNormalLikelihood,
    NegativeBinomialLikelihood,
)
from forceratio.calibration.priors import HalfNormal

OBS = np.array([1200.0, 50_000.0, 300.0])
KINDS = ["tanks", "men", "aircraft"]
NONE = np.zeros(3, dtype=bool)


def test_lognormal_is_normal_on_logs() -> None:
    lik = LogNormalLikelihood()
    pred = np.array([[1000.0, 60_000.0, 310.0], [1500.0, 40_000.0, 200.0]])
    sigma = np.array([[0.2], [0.5]])
    got = lik.loglik(pred, OBS, NONE, KINDS, sigma)
    # the density of y (not log y): lognorm with scale = prediction
    want = stats.lognorm.logpdf(OBS, sigma, scale=pred).sum(axis=1)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_scale_per_kind() -> None:
    lik = LogNormalLikelihood(
        by_kind=(("tanks", CalibratedParameter("sigma_tanks", HalfNormal(1.0))),)
    )
    assert [p.name for p in lik.nuisance] == ["sigma", "sigma_tanks"]
    pred = np.array([[1000.0, 60_000.0, 310.0]])
    got = lik.loglik(pred, OBS, NONE, KINDS, np.array([[0.2, 0.9]]))
    scales = np.array([0.9, 0.2, 0.2])
    want = stats.lognorm.logpdf(OBS, scales, scale=pred[0]).sum()
    assert got[0] == pytest.approx(want, rel=1e-12)


def test_lower_bound_is_one_sided() -> None:
    """A lower bound costs nothing when the model is well above it and is the normal
    tail probability below it, falling like the two-sided term far below."""
    lik = LogNormalLikelihood()
    obs = np.array([1000.0])
    lower = np.array([True])
    sigma = np.array([[0.2]])
    above = [lik.loglik(np.array([[m]]), obs, lower, ["men"], sigma)[0] for m in (3e3, 1e4, 1e6)]
    np.testing.assert_allclose(above, 0.0, atol=1e-6)
    below = np.array([[900.0], [500.0], [200.0]])
    got = lik.loglik(below, obs, lower, ["men"], np.full((3, 1), 0.2))
    want = stats.norm.logcdf(np.log(below[:, 0] / 1000.0) / 0.2)
    np.testing.assert_allclose(got, want, rtol=1e-10)
    assert np.all(np.diff(got) < 0)  # the further below, the worse
    two_sided = lik.loglik(below, obs, ~lower, ["men"], np.full((3, 1), 0.2))
    assert np.all(np.diff(two_sided) < 0)


def test_negative_binomial_matches_scipy() -> None:
    lik = NegativeBinomialLikelihood()
    pred = np.array([[1000.0, 60_000.0, 310.0]])
    phi = np.array([[25.0]])
    got = lik.loglik(pred, OBS, NONE, KINDS, phi)
    p = 25.0 / (25.0 + pred[0])
    assert got[0] == pytest.approx(stats.nbinom.logpmf(OBS, 25.0, p).sum(), rel=1e-10)
    lower = np.array([True, False, False])
    got_lb = lik.loglik(pred, OBS, lower, KINDS, phi)
    want_lb = (
        stats.nbinom.logsf(OBS[0] - 1, 25.0, p[0]) + stats.nbinom.logpmf(OBS[1:], 25.0, p[1:]).sum()
    )
    assert got_lb[0] == pytest.approx(want_lb, rel=1e-10)


def test_simulated_noise_has_the_stated_spread() -> None:
    rng = np.random.default_rng(0)
    pred = np.full((20_000, 1), 1000.0)
    noisy = LogNormalLikelihood().simulate(pred, ["men"], np.full((20_000, 1), 0.3), rng)
    assert np.log(noisy / 1000.0).std() == pytest.approx(0.3, rel=0.03)
    counts = NegativeBinomialLikelihood().simulate(pred, ["men"], np.full((20_000, 1), 25.0), rng)
    assert counts.mean() == pytest.approx(1000.0, rel=0.02)
    assert counts.var() == pytest.approx(1000.0 + 1000.0**2 / 25.0, rel=0.05)


def test_upper_bound_is_free_below_and_a_tail_above() -> None:
    """An upper bound (German missing bounding German captured) costs nothing while the
    model is well below it, is the log-normal's upper-tail probability above it (oracle:
    scipy's lognorm survival function of the record at the model), grows with the
    excess, and mirrors a lower bound missed by the same factor; the count likelihood's
    is the negative binomial's cdf at the record."""
    lik = LogNormalLikelihood()
    obs = np.array([1000.0])
    no, yes = np.array([False]), np.array([True])
    low = np.array([[1.0], [100.0], [400.0]])
    s3 = np.full((3, 1), 0.2)
    np.testing.assert_allclose(lik.loglik(low, obs, no, ["men"], s3, upper=yes), 0.0, atol=1e-4)
    above = np.array([[1000.0], [1100.0], [2000.0], [5000.0]])
    s4 = np.full((4, 1), 0.2)
    got = lik.loglik(above, obs, no, ["men"], s4, upper=yes)
    # P(record >= model's draw) with log(draw) ~ N(log model, s): lognorm.cdf at the record
    want = stats.lognorm.logcdf(1000.0, 0.2, scale=above[:, 0])
    np.testing.assert_allclose(got, want, rtol=1e-10)
    assert got[0] == pytest.approx(np.log(0.5))
    assert np.all(np.diff(got) < 0)  # the further above, the larger the penalty
    mirror = lik.loglik(1e6 / above, obs, yes, ["men"], s4)
    np.testing.assert_allclose(got, mirror, rtol=1e-10)
    # mixed: a point, a lower and an upper record in one row add up
    obs3 = np.array([1000.0, 1000.0, 1000.0])
    pred = np.array([[1200.0, 900.0, 1300.0]])
    lower = np.array([False, True, False])
    upper = np.array([False, False, True])
    got3 = lik.loglik(pred, obs3, lower, ["men"] * 3, np.array([[0.3]]), upper=upper)[0]
    want3 = (
        stats.lognorm.logpdf(1000.0, 0.3, scale=1200.0)
        + stats.norm.logcdf(np.log(900.0 / 1000.0) / 0.3)
        + stats.norm.logcdf(np.log(1000.0 / 1300.0) / 0.3)
    )
    assert got3 == pytest.approx(want3, rel=1e-12)
    nb = NegativeBinomialLikelihood()
    phi = np.array([[20.0], [20.0]])
    got_nb = nb.loglik(np.array([[100.0], [5000.0]]), obs, no, ["men"], phi, upper=yes)
    assert got_nb[0] == pytest.approx(0.0, abs=1e-6)
    assert got_nb[1] == pytest.approx(stats.nbinom.logcdf(1000, 20.0, 20.0 / 5020.0), rel=1e-10)


def test_a_record_cannot_be_both_bounds() -> None:
    from forceratio.calibration import Record
    from forceratio.errors import InputError

    with pytest.raises(InputError, match="both a lower and an upper bound"):
        Record("x", 1.0, lower_bound=True, upper_bound=True)
    r = Record("y", 2.0, upper_bound=True)
    assert Record.from_dict(r.to_dict()) == r
    assert "upper_bound" not in Record("z", 2.0).to_dict()  # old cache keys unchanged

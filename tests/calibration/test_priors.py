"""Priors: densities against scipy.stats, stated ranges hold their mass, the map to R and
its Jacobian, draws from the right distribution, and bad definitions refused."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from forceratio.calibration import (
    CalibratedParameter,
    HalfNormal,
    LogNormal,
    LogUniform,
    Normal,
    Parameters,
    Prior,
    Uniform,
    prior_from_dict,
)
from forceratio.errors import InputError

PRIORS: list[tuple[Prior, Any]] = [
    (Uniform(0.5, 3.0), stats.uniform(0.5, 2.5)),
    (LogUniform(0.01, 2.0), stats.loguniform(0.01, 2.0)),
    (Normal(1.0, 0.3), stats.norm(1.0, 0.3)),
    (LogNormal(0.02, 0.4), stats.lognorm(0.4, scale=0.02)),
    (HalfNormal(0.5), stats.halfnorm(scale=0.5)),
]
IDS = [type(p).__name__ for p, _ in PRIORS]


@pytest.mark.parametrize(("prior", "oracle"), PRIORS, ids=IDS)
def test_logpdf_matches_scipy(prior: Prior, oracle: Any) -> None:
    x = np.asarray(oracle.ppf(np.linspace(0.01, 0.99, 25)))
    np.testing.assert_allclose(prior.logpdf(x), oracle.logpdf(x), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("prior", "oracle"), PRIORS, ids=IDS)
def test_outside_support_is_minus_inf(prior: Prior, oracle: Any) -> None:
    low, high = prior.support
    outside = [v for v in (low - 1.0, high + 1.0, low, high) if math.isfinite(v)]
    if outside:
        assert np.all(prior.logpdf(np.array(outside)) == -np.inf)


@pytest.mark.parametrize(("prior", "oracle"), PRIORS, ids=IDS)
def test_draws_follow_the_distribution(prior: Prior, oracle: Any) -> None:
    x = prior.sample(np.random.default_rng(0), 4000)
    assert stats.kstest(x, oracle.cdf).pvalue > 1e-3


@pytest.mark.parametrize(("prior", "oracle"), PRIORS, ids=IDS)
def test_transform_round_trip_and_jacobian(prior: Prior, oracle: Any) -> None:
    x = np.asarray(oracle.ppf(np.linspace(0.02, 0.98, 9)))
    z = prior.to_unconstrained(x)
    assert np.all(np.isfinite(z))
    np.testing.assert_allclose(prior.from_unconstrained(z), x, rtol=1e-10)
    h = 1e-6
    dxdz = (prior.from_unconstrained(z + h) - prior.from_unconstrained(z - h)) / (2 * h)
    np.testing.assert_allclose(prior.log_jacobian(z), np.log(dxdz), rtol=1e-6, atol=1e-8)
    x2, lp = prior.unconstrained_logpdf(z)
    np.testing.assert_allclose(x2, x, rtol=1e-10)
    np.testing.assert_allclose(lp, prior.logpdf(x) + np.log(dxdz), rtol=1e-6, atol=1e-8)


@given(
    low=st.floats(1e-4, 10.0),
    ratio=st.floats(1.01, 1e3),
    mass=st.sampled_from([0.5, 0.9, 0.95, 0.99]),
)
def test_lognormal_range_holds_its_mass(low: float, ratio: float, mass: float) -> None:
    high = low * ratio
    p = LogNormal.from_range(low, high, mass)
    lo, hi = p.interval(mass)
    assert lo == pytest.approx(low, rel=1e-9)
    assert hi == pytest.approx(high, rel=1e-9)
    assert p.median == pytest.approx(math.sqrt(low * high), rel=1e-9)


def test_dupuy_range_reads_as_documented() -> None:
    """The module docstring's example: 1-3 % a day as a 95 % range."""
    p = LogNormal.from_range(0.01, 0.03)
    assert p.median_value == pytest.approx(0.01732, abs=1e-5)
    assert p.sigma == pytest.approx(0.2803, abs=1e-4)


def test_normal_range() -> None:
    p = Normal.from_range(-1.0, 3.0, 0.9)
    assert p.interval(0.9) == pytest.approx((-1.0, 3.0))


@pytest.mark.parametrize(("prior", "oracle"), PRIORS, ids=IDS)
def test_dict_round_trip(prior: Prior, oracle: Any) -> None:
    assert prior_from_dict(prior.to_dict()) == prior


@pytest.mark.parametrize(
    "make",
    [
        lambda: Uniform(2.0, 1.0),
        lambda: LogUniform(0.0, 1.0),
        lambda: LogNormal(-1.0, 0.5),
        lambda: LogNormal.from_range(0.0, 1.0),
        lambda: Normal(0.0, 0.0),
        lambda: HalfNormal(-1.0),
        lambda: LogNormal.from_range(0.1, 1.0, mass=1.0),
        lambda: prior_from_dict({"kind": "cauchy"}),
        lambda: CalibratedParameter("rate", LogNormal(0.02, 0.3), value=-1.0),
        lambda: Parameters(
            [CalibratedParameter("a", Uniform(0, 1)), CalibratedParameter("a", Uniform(0, 1))]
        ),
    ],
)
def test_bad_definitions_are_refused(make: object) -> None:
    with pytest.raises(InputError):
        make()  # type: ignore[operator]


def test_parameters_expand_keeps_fixed_values() -> None:
    ps = Parameters(
        [
            CalibratedParameter("a", LogNormal(0.02, 0.3)),
            CalibratedParameter("b", Uniform(0.0, 1.0), value=0.25, vary=False),
            CalibratedParameter("c", Normal(0.0, 1.0)),
        ]
    )
    full = ps.expand(np.array([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_array_equal(full, [[1.0, 0.25, 2.0], [3.0, 0.25, 4.0]])
    assert ps.starts[0] == pytest.approx(0.02)
    assert CalibratedParameter.from_dict(ps["b"].to_dict()) == ps["b"]

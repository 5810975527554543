"""Diagnostics on known processes: AR(1) chains (exact tau = (1 + phi) / (1 - phi)), white
noise, and chains that have not mixed."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from forceratio.calibration.diagnostics import (
    autocorrelation,
    effective_sample_size,
    integrated_time,
    split_rhat,
)


def ar1(phi: float, n_chains: int, n_draws: int, seed: int) -> np.ndarray:
    """Stationary AR(1) chains x_t = phi x_(t-1) + e_t, unit-variance innovations."""
    rng = np.random.default_rng(seed)
    e = rng.standard_normal((n_chains, n_draws))
    e[:, 0] /= np.sqrt(1.0 - phi**2)  # start in the stationary distribution
    return np.asarray(signal.lfilter([1.0], [1.0, -phi], e, axis=1))


@pytest.mark.parametrize("phi", [0.0, 0.5, 0.8, 0.95])
def test_integrated_time_of_ar1(phi: float) -> None:
    x = ar1(phi, 8, 40_000, seed=1)
    exact = (1 + phi) / (1 - phi)
    assert integrated_time(x) == pytest.approx(exact, rel=0.1)
    assert effective_sample_size(x) == pytest.approx(x.size / exact, rel=0.12)


def test_autocorrelation_of_ar1_is_geometric() -> None:
    rho = autocorrelation(ar1(0.7, 4, 50_000, seed=2)).mean(axis=0)
    np.testing.assert_allclose(rho[:6], 0.7 ** np.arange(6), atol=0.02)


def test_rhat_near_one_when_mixed_and_large_when_not() -> None:
    x = ar1(0.5, 8, 4000, seed=3)
    assert split_rhat(x) < 1.01
    shifted = x.copy()
    shifted[0] += 2.0  # one chain stuck elsewhere
    assert split_rhat(shifted) > 1.1
    drifting = x + np.linspace(0.0, 3.0, x.shape[1])  # a trend within every chain
    assert split_rhat(drifting) > 1.1
    wider = x.copy()
    wider[0] *= 4.0  # same centre, different spread: the folded R-hat sees it
    assert split_rhat(wider) > 1.05


def test_short_or_bad_chains_are_refused() -> None:
    with pytest.raises(ValueError, match="chains"):
        integrated_time(np.zeros((2, 3)))

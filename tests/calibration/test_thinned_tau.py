"""The reported autocorrelation time is the chain's, not floored near ``thin`` (review16num
D5): estimated on every kept step, not on the thinned chain times ``thin``.  Oracle: AR(1)
walkers, whose integrated time is exactly (1 + phi) / (1 - phi)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from forceratio.calibration import sample_posterior
from forceratio.calibration.diagnostics import effective_sample_size, split_rhat
from forceratio.calibration.sampling import diagnose
from tests.calibration import synthetic as syn


def walkers(tau: float, steps: int, n_walkers: int, seed: int) -> np.ndarray:
    """Stationary AR(1) walkers of integrated time ``tau``, shape (steps, walkers, 1)."""
    phi = (tau - 1.0) / (tau + 1.0)
    e = np.random.default_rng(seed).standard_normal((n_walkers, steps))
    e[:, 0] /= np.sqrt(1.0 - phi**2)
    return np.asarray(signal.lfilter([1.0], [1.0, -phi], e, axis=1)).T[:, :, None]


@pytest.mark.parametrize("tau", [5.0, 12.0])
def test_tau_of_thinned_ar1_walkers_is_their_own(tau: float) -> None:
    """thin 20, as the shipped run: the time on the thinned chain times 20 read 19.9 and
    21.4 for true times 5 and 12."""
    chain = walkers(tau, 15_500, 24, seed=int(tau))
    thin = 20
    d = diagnose(chain, ["x"], np.full(24, 0.3), 31_000, 15_500, thin)
    assert d.tau["x"] == pytest.approx(tau, rel=0.08)
    kept = chain[thin - 1 :: thin, :, 0].T  # emcee's get_chain(thin=20) of these steps
    assert d.ess["x"] == effective_sample_size(kept)
    assert d.rhat["x"] == split_rhat(kept)


def test_sampler_tau_does_not_depend_on_thin() -> None:
    """Same seed, same chain: thinning keeps one step in ``thin`` of the draws (emcee's
    steps thin - 1, 2 thin - 1, ...) and leaves the autocorrelation time as it was."""
    obs = syn.observe(syn.TRUTH, 0.1, np.random.default_rng(0))
    args = {"n_walkers": 10, "n_steps": 400, "burn": 100, "pilot": 0, "seed": 2}
    every = sample_posterior(syn.problem(obs), thin=1, **args)  # type: ignore[arg-type]
    thinned = sample_posterior(syn.problem(obs), thin=5, **args)  # type: ignore[arg-type]
    assert every.diagnostics is not None
    assert thinned.diagnostics is not None
    assert thinned.diagnostics.tau == every.diagnostics.tau
    k = len(every.names)
    a = every.draws.reshape(300, 10, k)[4::5].reshape(-1, k)
    np.testing.assert_array_equal(thinned.draws, a)

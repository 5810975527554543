"""Which end of its prior's support a posterior sits at: ``prior_bound_end``, the one rule
of the ``calibrate`` JSON's ``at_prior_bound``.

Oracle: hand-built draws whose quantiles are known by construction (uniform on a sub-range
touching one end of the prior's support, or clear of both), and the 1% share of the prior's
range counted by hand."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.calibration import LogUniform, Normal, Uniform
from forceratio.calibration.contraction import at_prior_bound, prior_bound_end


def _q(draws: np.ndarray) -> list[float]:
    """The median, 2.5% and 97.5% points, as ``parameter_table`` hands them over."""
    return [float(np.quantile(draws, q)) for q in (0.5, 0.025, 0.975)]


RNG = np.random.default_rng(7)


@pytest.mark.parametrize(
    ("prior", "draws", "end"),
    [
        # uniform on [0, 0.3]; draws on [0.28, 0.3]: the 97.5% point 0.2995 is within
        # 0.003 (1% of 0.3) of the ceiling
        (Uniform(0.0, 0.3), RNG.uniform(0.28, 0.3, 4000), "high"),
        # the same prior, draws on [0, 0.02]: the 2.5% point 0.0005 within 0.003 of the floor
        (Uniform(0.0, 0.3), RNG.uniform(0.0, 0.02, 4000), "low"),
        # draws on [0.1, 0.2]: 0.1 from either end, far more than 0.003
        (Uniform(0.0, 0.3), RNG.uniform(0.1, 0.2, 4000), ""),
        # log-uniform on [1e-4, 0.3]: 1% of ln(3000) = 0.080 in the log; draws log-uniform
        # on [1e-4, 1.05e-4]: the 2.5% point within ln(1.05) = 0.049 of the floor
        (LogUniform(1e-4, 0.3), np.exp(RNG.uniform(np.log(1e-4), np.log(1.05e-4), 4000)), "low"),
        # draws on [1e-3, 1e-2]: ln(10) = 2.3 from the floor, ln(30) from the ceiling
        (LogUniform(1e-4, 0.3), np.exp(RNG.uniform(np.log(1e-3), np.log(1e-2), 4000)), ""),
        # half the draws on [0, 0.01], half on [0.29, 0.3]: 2.5% point 0.0005, 97.5% point
        # 0.2995, both within 0.003 of their ends
        (
            Uniform(0.0, 0.3),
            np.concatenate([RNG.uniform(0.0, 0.01, 2000), RNG.uniform(0.29, 0.3, 2000)]),
            "low and high",
        ),
    ],
)
def test_the_end_named_is_the_end_the_draws_pile_at(
    prior: Uniform | LogUniform, draws: np.ndarray, end: str
) -> None:
    assert prior_bound_end(prior, _q(draws)) == end
    assert at_prior_bound(prior, _q(draws)) is bool(end)


def test_the_log_scale_decides_for_a_log_prior() -> None:
    """0.002 is 0.7% of [1e-4, 0.3] on the value's scale from the floor, but ln(20) = 3.0,
    37% of ln(3000), on the log: not at the bound; a uniform prior on the same range is."""
    q = [0.05, 0.002, 0.1]
    assert prior_bound_end(LogUniform(1e-4, 0.3), q) == ""
    assert prior_bound_end(Uniform(1e-4, 0.3), q) == "low"


def test_no_finite_end_no_bound() -> None:
    assert prior_bound_end(Normal(0.0, 1.0), [-50.0, 0.0, 50.0]) == ""

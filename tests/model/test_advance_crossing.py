"""The advance's depth where the force ratio crosses parity between two recorded days, and
the time a running integral passes a level (review19a's surviving mutants O6, O7, O3).

Oracle: closed forms.  With the advance exponent 0 the rate is ``min(scale, cap)`` while
rho >= 1 and 0 below (:func:`advance_rate`), and with ln rho linear in t the crossing day
is exact, so the depth is that rate times the days spent at or above parity, however
coarse the grid; a piecewise-linear integral passes a level where its line does."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.simulator.operational import depth, passed


@pytest.mark.parametrize(("scale", "cap"), [(2.0, 60.0), (5.0, 3.0)])
def test_depth_across_parity_on_a_coarse_grid_is_the_rate_times_the_days_above(
    scale: float, cap: float
) -> None:
    """Run 0: rho = exp(0.3 (t - 2.5)), at parity from day 2.5 on; run 1: rho =
    exp(-0.3 (t - 6.5)), at parity until day 6.5; one recorded day apart."""
    times = np.arange(11.0)
    rho = np.stack([np.exp(0.3 * (times - 2.5)), np.exp(-0.3 * (times - 6.5))])
    got = depth(
        times, np.array([10.0, 10.0]), rho, np.ones_like(rho), np.full(2, scale),
        np.zeros(2), np.full(2, cap),
    )  # fmt: skip
    rate = min(scale, cap)
    np.testing.assert_allclose(got, [rate * (10.0 - 2.5), rate * 6.5], rtol=1e-12)


def test_passed_finds_the_day_a_piecewise_linear_integral_reaches_a_level() -> None:
    """x = t on days 0..3 passes 2.5 on day 2.5; x = 0, 4, 6, 7 passes 5 on day 1.5."""
    x = np.array([[0.0, 0.0], [1.0, 4.0], [2.0, 6.0], [3.0, 7.0]])
    times = np.arange(4.0)
    span = np.ones((3, 2))
    got = passed(x, np.array([2.5, 5.0]), times, span)
    np.testing.assert_allclose(got, [2.5, 1.5], rtol=1e-12)
    never = passed(x, np.array([9.0, 9.0]), times, span)
    assert np.all(np.isinf(never))

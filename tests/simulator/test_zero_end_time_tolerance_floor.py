"""The time a side fought to 0 reaches it where its absolute tolerance is at its floor
(1e-300): Helmbold W < 0.02, power-law q > 0.98.  Before: the
end time was as sharp as (1e-300 / X0)**(1 - q) of it (9e-4 at W = 0.01, 3e-2 at q =
0.995), and a loser whose path reached the smallest double (5e-324) stayed there: Helmbold
W = 0.01, 12 v 24, stopped as "stiff or degenerate" after 200,000 steps; at W = 0.005, 33
battles of 60.  Now its fall to 0 is extrapolated from ZERO_REACH tolerances in u = X**(1 -
q), which falls linearly to 0 (integrator.zero_cross).

Oracles: Helmbold's exact solution (u = R**W, v = B**W obey the square law with rates W a,
W b: blue at 0 at asinh(sqrt(b / C) B0**W) / (W sqrt(ab)), C = a R0**(2W) - b B0**(2W) > 0;
as in test_zero_end_time_helmbold; tests/simulator/helmbold_cases.py).  The power law at
q > 0.98 is in test_zero_end_time_extrapolated."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio import battle
from tests.simulator.helmbold_cases import battles, helmbold_end


@pytest.mark.parametrize(
    ("w", "bound"), [(0.015, 1e-6), (0.01, 1e-5), (0.005, 1e-3), (0.003, 5e-2)]
)
def test_the_end_time_at_the_tolerance_floor_is_extrapolated(w: float, bound: float) -> None:
    # main: max 4.8e-5 (W 0.015), 9.0e-4 and one battle "stiff or degenerate" (0.01), 33 of
    # 60 "stiff or degenerate" (0.005); now 1.3e-7, 2.4e-6, 2.5e-4; at W 0.003 a tenth of the
    # battle is below the floor: 1.8e-2, every winner right (an enemy near its own floor left
    # to the old crossing stalled at 5e-324 and named the wrong winner, 8 of 60)
    r0, b0, a, b = battles(w, 60, 21)
    red, t_star = helmbold_end(r0, b0, a, b, w)
    r = battle("helmbold", r0, b0, a, b, w=w, annihilation=0.0, t_max=1e12)
    assert list(r.winner) == ["red" if x else "blue" for x in red]
    assert np.all(r.end_reason == "annihilation")
    assert np.max(np.abs(r.duration / t_star - 1)) < bound


def test_a_loser_whose_path_underflows_is_out_when_the_exact_solution_says() -> None:
    # main: blue's last 5e-48 (exactly) beside red at 5e-324 for 200,000 steps: refused
    one = np.ones(1)
    red, t_star = helmbold_end(12.0 * one, 24.0 * one, 8.58e-4 * one, 9.469e-4 * one, 0.01)
    assert not red[0]
    # red is below 1e-300 for the last (1e-300 / 12)**0.01 = 1e-3 of the battle
    times = t_star[0] * np.array([0.5, 0.998, 0.9999, 1.5])
    r = battle("helmbold", 12.0, 24.0, 8.58e-4, 9.469e-4, w=0.01, annihilation=0.0,
               t_max=1e12, times=times)  # fmt: skip
    assert r.winner[0] == "blue"
    assert r.duration[0] == pytest.approx(t_star[0], rel=1e-5)
    assert r.red_trajectory is not None
    assert r.blue_trajectory is not None
    red_t, blue_t = r.red_trajectory[0, :, 0], r.blue_trajectory[0, :, 0]
    assert 0.0 < red_t[1] < 1e-250  # on the path, above its tolerance's floor
    # within the last 1e-3, where the path was left for the extrapolation, and after the
    # end: the final state (red out at 0), not what the arrays held before
    np.testing.assert_array_equal(red_t[2:], 0.0)
    np.testing.assert_array_equal(blue_t[2:], r.blue_final[0])
    assert blue_t[1] >= blue_t[2] > 0.0

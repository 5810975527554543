"""A side held at 0 with daily arrivals under a law whose losses are linear in its own
strength (q = 1: the linear and logarithmic laws) relaxes to its balance X* = a / c (its
arrivals a, its losses c X, c = k R**p) at c a day; where c is far beyond an explicit step
(c 1e6 a day over 10 days of arrivals) it is held on that balance as under 0 < q < 1
(held.settle).  Before 5 December 2026 it was refused as "stiff or degenerate" after
200,000 steps.

Oracle: scipy's solve_ivp with Radau (implicit, stiff) on the same equations, rtol 1e-12:
the other side's path and the end time match; the held side is within its tolerance."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import Engagement, Reinforcements, get_law, make_side
from forceratio.simulator.solve import integrate

R0, KB, A, DUE, RTOL = 100.0, 0.2, 6.0, 10.0, 1e-7
TIMES = np.array([0.0, 0.5, 1.0, 2.5, 5.0, 7.5, 9.5])


@pytest.mark.parametrize(("law", "kill"), [("linear", 1e4), ("logarithmic", 1e6)])
def test_a_held_side_on_a_stiff_linear_balance_follows_radau(law: str, kill: float) -> None:
    # red's fire takes c = 1e6 of blue a day (linear: 1e4 x R, R near 100): X* 6e-6
    p = 1.0 if law == "linear" else 0.0
    red = make_side("red", R0, kill, n=1, k_enemy=1)
    blue = make_side("blue", 0.0, KB, n=1, k_enemy=1,
                     reinforcements=Reinforcements.daily(0.0, DUE, [A]))  # fmt: skip
    eng = Engagement(get_law(law), red, blue)

    def rhs(t: float, y: np.ndarray) -> list[float]:
        r, b = max(y[0], 0.0), max(y[1], 0.0)
        return [-KB * b**p * r * (b > 0), A - kill * r**p * b]

    def jac(t: float, y: np.ndarray) -> list[list[float]]:
        r, b = max(y[0], 0.0), max(y[1], 0.0)
        if law == "linear":
            return [[-KB * b, -KB * r], [-kill * b, -kill * r]]
        return [[-KB, 0.0], [0.0, -kill]]

    sol = solve_ivp(rhs, (0.0, DUE), [R0, 0.0], method="Radau", rtol=1e-12,
                    atol=[1e-12, 1e-24], t_eval=TIMES, jac=jac)  # fmt: skip
    assert sol.status == 0
    res = integrate(eng, t_max=30.0, times=TIMES, rtol=RTOL)
    assert res.red_trajectory is not None
    assert res.blue_trajectory is not None
    np.testing.assert_allclose(res.red_trajectory[0, :, 0], sol.y[0], rtol=RTOL)  # 1e-12, 6e-8
    held = res.blue_trajectory[0, :, 0]
    assert held[0] == 0.0  # the start, not the balance it goes to
    # within the lag of the quasi-steady state (X*'s change over 1 / c)
    np.testing.assert_allclose(held[1:], sol.y[1, 1:], rtol=1e-9)  # measured 2.4e-12, 0
    assert res.winner[0] == "red"  # out at its last arrival (held till then), below 0.5
    assert res.duration[0] == DUE

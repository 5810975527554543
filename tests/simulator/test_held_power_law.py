"""A held side (nothing at the start, arrivals due: :func:`forceratio.simulator.runs.
hold_until`) under a law whose losses vanish with the side (0 < q < 1) is never out-fired
at 0: it rises to its balance point (measured, not a defect).

hzero2's sliding mode at 0 (:func:`forceratio.simulator.kernel.from_zero`) covers q = 0
only, and rightly: with B's losses c * B**q (c = k * R**p), dB/dt = a - c * B**q is a > 0 at
B = 0, so the solution (unique: the right-hand side is positive near 0) leaves 0 and
settles towards B* = (a / c)**(1 / q), tiny when a < c and q is small (B* -> 0 as q -> 0,
the q = 0 sliding mode in the limit).  A side held at 0 by its fire is what q = 0 gives,
not the exact behaviour here.  Oracle: solve_ivp (LSODA, stiff-capable) of the same
equations, and mass balance.  Where B* lies below the tolerance but not far enough for the
engine to call it 0 the balance is stiff (relaxation rate q * a / B* a day): until session
23 the explicit engine stopped with its one-line "stiff or degenerate" error there (pinned
here); now the side is held on its balance (tests/simulator/test_held_balance.py).
Far below it (B* within the run's tolerance of 0) the side stays at 0:
tests/simulator/test_held_at_zero.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import Engagement, Reinforcements, get_law, make_side
from forceratio.simulator.solve import integrate

R0, KR, KB, A, DUE = 100.0, 0.1, 0.2, 6.0, 10.0  # red; kill rates; blue's arrivals a day


def _engagement(q: float) -> Engagement:
    red = make_side("red", R0, KR, n=1, k_enemy=1)
    blue = make_side("blue", 0.0, KB, n=1, k_enemy=1,
                     reinforcements=Reinforcements.daily(0.0, DUE, [A]))  # fmt: skip
    return Engagement(get_law("helmbold", w=1.0 - q), red, blue)


def _oracle(q: float, times: np.ndarray) -> np.ndarray:
    """(R, B, blue's losses) at ``times`` (all within the arrivals) by solve_ivp."""
    p = 1.0 - q

    def rhs(t: float, y: np.ndarray) -> list[float]:
        r, b = max(y[0], 0.0), max(y[1], 0.0)
        lost_b = KR * r**p * b**q
        return [-KB * b**p * r**q, A - lost_b, lost_b]

    sol = solve_ivp(rhs, (0.0, DUE), [R0, 0.0, 0.0], method="LSODA", rtol=1e-11, atol=1e-14,
                    t_eval=times)  # fmt: skip
    return np.asarray(sol.y)


@pytest.mark.parametrize(("q", "balance"), [(0.5, 36.0), (0.1, 0.605), (0.03, 4.03e-6)])
def test_a_held_side_rises_to_its_balance_point_as_solve_ivp_says(q: float, balance: float) -> None:
    times = np.array([0.0, 1.0, 2.5, 5.0, 7.5, 9.5])
    res = integrate(_engagement(q), t_max=30.0, times=times, rtol=1e-9)
    want = _oracle(q, times)
    b_star = (A / (KR * R0 ** (1.0 - q))) ** (1.0 / q)  # at R = R0: where blue settles
    assert b_star == pytest.approx(balance, rel=2e-3)
    assert res.red_trajectory is not None
    assert res.blue_trajectory is not None
    np.testing.assert_allclose(res.red_trajectory[0, :, 0], want[0], rtol=1e-7)
    np.testing.assert_allclose(res.blue_trajectory[0, :, 0], want[1], rtol=1e-6)
    assert np.all(res.blue_trajectory[0, 1:, 0] > 0.0)  # off 0 from the first day: not held there
    if q < 0.5:  # at its balance by day 2.5 (fast relaxation), near B* to the end
        np.testing.assert_allclose(res.blue_trajectory[0, 2:, 0], b_star, rtol=0.2)
    assert res.blue_arrived is not None
    assert res.blue_initial[0] + res.blue_arrived[0] - res.blue_losses[0] == pytest.approx(
        res.blue_final[0], rel=1e-9, abs=1e-9
    )

"""A side held at 0 (nothing at the start, arrivals due: :func:`forceratio.simulator.runs.
hold_until`) under a law whose losses fall with it, with a balance far below the
tolerance, stays at 0.  Before: q = 0.001 to 0.02 stopped with
the integrator's "stiff or degenerate scenario?" error (its balance B* = (a / c)**(1/q),
6.5e-21 at q = 0.01, relaxes at q a / B*, 1e19 a day, beyond an explicit step).

Oracle: scipy's solve_ivp (LSODA, a stiff method) on the same equations, with an event at blue
= 0 (it fires only at the start: blue never comes back to 0), and mass balance: the
side's losses are its arrivals less what it keeps."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import Engagement, Reinforcements, get_law, make_side
from forceratio.simulator.solve import integrate

R0, KR, KB, A, DUE = 100.0, 0.1, 0.2, 6.0, 10.0  # red; kill rates; blue's arrivals a day
TIMES = np.array([0.0, 1.0, 2.5, 5.0, 9.5])


def _engagement(q: float, law: str) -> Engagement:
    red = make_side("red", R0, KR, n=1, k_enemy=1)
    blue = make_side("blue", 0.0, KB, n=1, k_enemy=1,
                     reinforcements=Reinforcements.daily(0.0, DUE, [A]))  # fmt: skip
    exps = {"w": 1.0 - q} if law == "helmbold" else {"p": 1.0, "q": q}
    return Engagement(get_law(law, **exps), red, blue)


def _oracle(q: float, p: float) -> tuple[np.ndarray, np.ndarray]:
    """(R, B, blue's losses) at TIMES, and the times blue is at 0, by solve_ivp."""

    def rhs(t: float, y: np.ndarray) -> list[float]:
        r, b = max(y[0], 0.0), max(y[1], 0.0)
        lost_b = KR * r**p * b**q
        return [-KB * b**p * r**q, A - lost_b, lost_b]

    def at_zero(t: float, y: np.ndarray) -> float:
        return float(y[1])

    sol = solve_ivp(rhs, (0.0, DUE), [R0, 0.0, 0.0], method="LSODA", rtol=1e-10,
                    atol=[1e-12, 1e-30, 1e-12], t_eval=TIMES, events=at_zero)  # fmt: skip
    assert sol.status == 0
    return np.asarray(sol.y), np.asarray(sol.t_events[0])


@pytest.mark.parametrize(("law", "q"), [("helmbold", 0.01), ("helmbold", 0.015),
                                        ("helmbold", 0.02), ("power", 0.01)])  # fmt: skip
def test_a_held_side_whose_balance_is_below_the_tolerance_stays_at_0(law: str, q: float) -> None:
    p = 1.0 - q if law == "helmbold" else 1.0
    b_star = (A / (KR * R0**p)) ** (1.0 / q)  # blue's balance at R = R0
    want, zeros = _oracle(q, p)
    assert b_star < 1e-9  # below the 1e-8 the run resolves (rtol x 1e-3 x red's 100)
    assert np.all(zeros == 0.0)  # the oracle's blue leaves 0 at once and never comes back
    np.testing.assert_allclose(want[1, 1:], b_star, rtol=1e-3)  # ... to its balance
    res = integrate(_engagement(q, law), t_max=30.0, times=TIMES, rtol=1e-7)
    assert res.red_trajectory is not None
    assert res.blue_trajectory is not None
    np.testing.assert_allclose(res.red_trajectory[0, :, 0], want[0], rtol=1e-9)
    np.testing.assert_allclose(res.blue_trajectory[0, :, 0], want[1], rtol=0, atol=1e-9)
    # held until its last arrival, then out at its level (half a unit): red has won
    assert res.winner[0] == "red"
    assert res.duration[0] == DUE
    assert res.blue_arrived is not None
    assert res.blue_arrived[0] == pytest.approx(A * DUE, rel=1e-12)
    assert res.blue_losses[0] == pytest.approx(A * DUE, rel=0, abs=1e-9)  # it kept < B*

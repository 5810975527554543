"""A side held at 0 (arrivals due, :func:`forceratio.simulator.runs.hold_until`) that is
out-fired by more than it receives stays at 0: its arrivals are lost on arrival.

Under the square law a side's losses k*R do not fall with its own strength, so at 0 its
rate jumps from a (nothing there to hit) to a - k*R < 0 just above: the sliding mode at 0
(Filippov 1988, ch. 2 section 4; :func:`forceratio.simulator.kernel.from_zero`).  Before
it the engine went up and down at 0 without end ("2 battles not finished ... after 200000
steps", the whole-record fit in CI, reverting 1319b70).

Oracles: the closed form of the square law with constant arrivals a (B stays 0 while
a < k*R; then R - a/k = (R0 - a/k) cosh(w t), w = sqrt(k_r k_b)); solve_ivp with an event
where the arrivals overtake a decaying fire; mass balance (start + arrived - lost = end).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import Engagement, Multiplier, Reinforcements, get_law, make_side
from forceratio.simulator.solve import integrate

R0, KR, KB = 100.0, 0.1, 0.2  # red; red's and blue's kill rates per unit a day
#: generous: a held side sliding at 0 takes one step to each stop (the bounce took 200000)
STEPS = 500


def test_a_held_side_stays_at_0_then_rises_as_the_closed_form_says() -> None:
    """Blue from 0 at a1 = 6 a day for 5 days (under red's fire of KR R0 = 10 a day: it stays
    at 0 and loses 6 a day), then at a2 = 20 (above it: it rises); red breaks at half."""
    a1, t1, a2, due = 6.0, 5.0, 20.0, 20.0
    red = make_side("red", R0, KR, n=1, k_enemy=1, breakpoint=0.5)
    arrivals = Reinforcements(np.zeros(0), np.zeros((0, 1)), np.array([0.0, t1, due]),
                              np.array([[a1], [a2]]))  # fmt: skip
    blue = make_side("blue", 0.0, KB, n=1, k_enemy=1, reinforcements=arrivals)
    times = np.array([0.0, 2.0, 5.0, 7.0, 9.0, 11.0])
    res = integrate(Engagement(get_law("square"), red, blue), t_max=60.0, times=times,
                    max_steps=STEPS)  # fmt: skip
    # the closed form from t1: R = a2/KR + (R0 - a2/KR) cosh(w s), B = -R'/KB, s = t - t1
    w, u0 = math.sqrt(KR * KB), R0 - a2 / KR

    def closed(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s = np.maximum(s, 0.0)
        return a2 / KR + u0 * np.cosh(w * s), -u0 * w * np.sinh(w * s) / KB

    s_end = math.acosh((a2 / KR - 0.5 * R0) / (a2 / KR - R0)) / w  # R = R0 / 2
    assert res.end_reason[0] == "breakpoint"
    assert res.winner[0] == "blue"
    assert res.duration[0] == pytest.approx(t1 + s_end, rel=1e-6)
    r_want, b_want = closed(times - t1)
    assert res.red_trajectory is not None
    assert res.blue_trajectory is not None
    np.testing.assert_allclose(res.red_trajectory[0, :, 0], r_want, rtol=1e-6)
    np.testing.assert_allclose(res.blue_trajectory[0, :, 0], b_want, rtol=1e-6, atol=1e-9)
    assert np.all(res.blue_trajectory[0, times <= t1, 0] == 0.0)
    # lost: all of the first 5 days' arrivals, then a2 s_end - B(s_end) (mass balance)
    b_end = float(closed(np.array([s_end]))[1][0])
    assert res.blue_final[0] == pytest.approx(b_end, rel=1e-6)
    assert res.blue_losses[0] == pytest.approx(a1 * t1 + a2 * s_end - b_end, rel=1e-6)


def _decaying_fire(a: float, t_max: float) -> tuple[float, object]:
    """solve_ivp of blue from 0 at ``a`` a day under red's fire KR m(t) R, m falling from 1
    to 0 over 20 days: B = 0 (its losses a a day) until the event a = KR m R, then the
    square law; the state is (R, B, blue's losses).  Returns the event's time and the path
    from it."""

    def m(t: float) -> float:
        return 1.0 - t / 20.0

    def held(t: float, y: np.ndarray) -> list[float]:  # B = 0: red is not hit
        return [0.0, 0.0, a]

    def rise(t: float, y: np.ndarray) -> float:
        return float(a - KR * m(t) * y[0])

    rise.terminal, rise.direction = True, 1  # type: ignore[attr-defined]
    first = solve_ivp(held, (0.0, t_max), [R0, 0.0, 0.0], events=rise, rtol=1e-12, atol=1e-12)
    t_rise = float(first.t_events[0][0])

    def law(t: float, y: np.ndarray) -> list[float]:
        r, b, _ = y
        return [-KB * b, a - KR * m(t) * r, KR * m(t) * r]

    y_rise = first.y_events[0][0]
    path = solve_ivp(law, (t_rise, t_max), y_rise, rtol=1e-12, atol=1e-10, dense_output=True)
    return t_rise, path


def test_a_held_side_leaves_0_where_solve_ivp_finds_the_arrivals_overtake_the_fire() -> None:
    a, due, t_max = 6.0, 30.0, 16.0  # red's fire 10 (1 - t/20) falls below 6 on day 8
    red = make_side("red", R0, KR, n=1, k_enemy=1,
                    multiplier=Multiplier(np.array([0.0, 20.0]), np.array([1.0, 0.0])))  # fmt: skip
    blue = make_side("blue", 0.0, KB, n=1, k_enemy=1,
                     reinforcements=Reinforcements.daily(0.0, due, [a]))  # fmt: skip
    times = np.array([4.0, 8.0, 10.0, 12.0, 14.0, 16.0])
    res = integrate(Engagement(get_law("square"), red, blue), t_max=t_max, times=times,
                    max_steps=STEPS)  # fmt: skip
    t_rise, path = _decaying_fire(a, t_max)
    assert t_rise == pytest.approx(8.0, rel=1e-9)
    assert res.end_reason[0] == "t_max"
    assert res.blue_trajectory is not None
    assert res.red_trajectory is not None
    np.testing.assert_array_equal(res.blue_trajectory[0, :2, 0], 0.0)  # days 4, 8: at 0
    want = path.sol(times[2:])  # type: ignore[attr-defined]
    np.testing.assert_allclose(res.red_trajectory[0, 2:, 0], want[0], rtol=1e-6)
    np.testing.assert_allclose(res.blue_trajectory[0, 2:, 0], want[1], rtol=1e-6)
    # blue's losses, integrated by the oracle: a t_rise at 0, then red's fire
    assert res.blue_losses[0] == pytest.approx(want[2, -1], rel=1e-6)
    assert res.blue_initial[0] + a * t_max - res.blue_losses[0] == pytest.approx(
        res.blue_final[0], rel=1e-9
    )


@pytest.mark.parametrize("allocation", [None, [[[0.5, 0.5]]]])
def test_a_held_side_of_two_categories_loses_each_arrival_under_heavier_fire(
    allocation: list[list[list[float]]] | None,
) -> None:
    """Blue's two categories from 0 at 2 and 3 a day for 10 days against red's fire of
    KR R0 = 10 a day (proportional to what comes in, or a fixed half each): blue stays at
    0 and each category loses exactly what arrives (mass balance per category, red
    untouched); at its last arrival it is annihilated."""
    a, due = np.array([2.0, 3.0]), 10.0
    red = make_side("red", R0, [[KR, KR]], n=1, k_enemy=2, allocation=allocation)
    blue = make_side("blue", [0.0, 0.0], [[KB], [KB]], n=1, k_enemy=1,
                     categories=("foot", "guns"),
                     reinforcements=Reinforcements.daily(0.0, due, a))  # fmt: skip
    res = integrate(Engagement(get_law("square"), red, blue), t_max=60.0, times=np.zeros(0),
                    max_steps=STEPS)  # fmt: skip
    assert (res.end_reason[0], res.winner[0]) == ("annihilation", "red")
    assert res.duration[0] == due
    np.testing.assert_array_equal(res.blue_final_by_category[0], 0.0)
    assert res.red_final[0] == R0
    assert res.blue_losses[0] == pytest.approx(a.sum() * due, rel=1e-12)

"""The non-combat losses b_i y_i integrated exactly (an integrating factor in
``kernel.dopri_step``): oracles are the closed form of pure decay and scipy's solve_ivp at
rtol 1e-11 on the same equations, written here independently of the engine."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.integrate import solve_ivp

from forceratio.simulator.engagement import Engagement, make_side
from forceratio.simulator.laws import get_law
from forceratio.simulator.operational import make_flows
from forceratio.simulator.result import BLUE
from forceratio.simulator.solve import simulate

SQUARE = get_law("square")
W = np.array([1.0, 20.0])  # men, tanks


def _battle(kill: float, b_tank: float, breakpoint: float = 0.0) -> Engagement:
    """Men and tanks a side, square-law fire with proportional allocation, red's tanks
    breaking down at ``b_tank`` a day."""
    k = kill * np.ones((2, 2))
    red = make_side(
        "red", np.array([[1000.0, 50.0]]), k, n=1, k_enemy=2, weights=W, breakpoint=breakpoint,
        categories=("men", "tanks"), flows=make_flows(1, 2, noncombat=[0.0, b_tank]),
    )  # fmt: skip
    blue = make_side(
        "blue", np.array([[1400.0, 40.0]]), 1.3 * k, n=1, k_enemy=2, weights=W,
        categories=("men", "tanks"),
    )  # fmt: skip
    return Engagement(SQUARE, red, blue)


def test_pure_decay_is_exact() -> None:
    """No fire: tanks = T0 exp(-b t) to rounding, at every output time (the engine's rtol
    1e-7 allowed errors near 1e-8 here before the decay was integrated exactly)."""
    times = np.linspace(0.0, 30.0, 61)
    res = simulate(_battle(0.0, 0.19), t_max=30.0, times=times, method="integrator")
    assert res.red_trajectory is not None
    np.testing.assert_allclose(
        res.red_trajectory[0, :, 1], 50.0 * np.exp(-0.19 * times), rtol=1e-13
    )
    np.testing.assert_allclose(res.red_trajectory[0, :, 0], 1000.0, rtol=0)


def _reference(kill: float, b_tank: float, level: float, t_max: float, method: str = "RK45") -> Any:
    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        # proportional fire: a side's fire sum_f kill * y_f goes to the enemy's categories
        # in proportion to their weighted strength, each unit of weight w_j costing 1/w_j
        out = np.zeros(4)
        for own, enemy, rate in (
            (slice(0, 2), slice(2, 4), 1.3 * kill),
            (slice(2, 4), slice(0, 2), kill),
        ):
            fire = rate * y[enemy].sum()
            wt = W * np.maximum(y[own], 0.0)
            out[own] = -fire * wt / wt.sum() if wt.sum() > 0 else 0.0
        out[1] -= b_tank * y[1]
        return out

    def out(_t: float, y: np.ndarray) -> float:
        return float(W @ y[:2]) - level

    out.terminal = True  # type: ignore[attr-defined]
    return solve_ivp(rhs, (0.0, t_max), [1000.0, 50.0, 1400.0, 40.0], rtol=1e-11, atol=1e-9,
                     dense_output=True, events=out, method=method)  # fmt: skip


def test_fire_and_decay_match_solve_ivp_and_the_end_time() -> None:
    """Fire and the exact decay together: the time red reaches its breakpoint (found on the
    dense output, which carries the decay's exponential) and the trajectory agree with
    solve_ivp at rtol 1e-11 (measured: 5e-9 and 3e-7 of the tanks; main 2e-8 and 3e-8)."""
    kill, b_tank, bp = 0.01, 0.19, 0.6
    times = np.linspace(0.0, 20.0, 41)
    res = simulate(_battle(kill, b_tank, bp), t_max=60.0, times=times, method="integrator")
    level = bp * float(W @ [1000.0, 50.0])
    ref = _reference(kill, b_tank, level, 60.0)
    t_end = ref.t_events[0][0]
    np.testing.assert_allclose(res.end_time[0], t_end, rtol=1e-7)
    assert res.winner_code[0] == BLUE
    assert res.red_trajectory is not None
    before = times < t_end
    expect = ref.sol(times[before])
    np.testing.assert_allclose(res.red_trajectory[0, before, :], expect[:2].T, rtol=1e-6)
    assert t_end < 20.0


def test_fast_decay_neither_overflows_nor_loses_accuracy() -> None:
    """A fast non-combat loss (b = 1e3 a day on the tanks): the step is held to b h <= 1
    (``tableau.EXACT_REACH``), so exp(b h) cannot overflow into a NaN step taken as good
    (before: every state 0 from t = 0 once b h passed about 709, no end), and the end time
    keeps its accuracy (before: 2.6e-6 off solve_ivp).  Oracle: solve_ivp (LSODA, stiff)."""
    kill, b_tank, bp = 0.01, 1e3, 0.6
    times = np.linspace(0.0, 0.0015, 16)
    res = simulate(_battle(kill, b_tank, bp), t_max=60.0, times=times, method="integrator")
    level = bp * float(W @ [1000.0, 50.0])
    ref = _reference(kill, b_tank, level, 60.0, method="LSODA")
    np.testing.assert_allclose(res.end_time[0], ref.t_events[0][0], rtol=1e-7)
    assert res.winner_code[0] == BLUE
    assert res.red_trajectory is not None
    np.testing.assert_allclose(res.red_trajectory[0], ref.sol(times)[:2].T, rtol=1e-6)
    # no fire, a long run: the men stay, the tanks decay (no NaN step turned into zeros)
    long = np.array([0.0, 0.5, 0.7, 5.0])
    res = simulate(_battle(0.0, b_tank), t_max=6.0, times=long, method="integrator")
    assert res.red_trajectory is not None
    np.testing.assert_allclose(res.red_trajectory[0, :, 0], 1000.0, rtol=0)
    assert np.all(np.isfinite(res.red_trajectory))

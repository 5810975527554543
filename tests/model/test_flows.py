"""Oracle tests of the operational flows of issue 13 (capture, non-combat losses): closed
forms and scipy's solve_ivp on the same equations, written here independently of the
engine (numpy only)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio.errors import InputError
from forceratio.simulator.engagement import Engagement, make_side
from forceratio.simulator.laws import get_law
from forceratio.simulator.operational import make_flows, split_losses
from forceratio.simulator.solve import simulate

SQUARE = get_law("square")


def _duel(
    a0: float, b0: float, a_kill: float, b_kill: float, *, cap: float = 0.0, star: float = 1.0,
    width: float = 0.0, n: int = 1,
) -> Engagement:  # fmt: skip
    red = make_side(
        "red", np.full(n, a0), np.full(n, a_kill), n=n, k_enemy=1,
        flows=make_flows(n, 1, capture_rate=cap, capture_ratio=star, capture_width=width),
    )  # fmt: skip
    blue = make_side("blue", np.full(n, b0), np.full(n, b_kill), n=n, k_enemy=1)
    return Engagement(SQUARE, red, blue)


def _logistic(rho: float, c: float, star: float, width: float) -> float:
    return float(c / (1.0 + np.exp(-(np.log(rho) - np.log(star)) / width)))


def test_capture_alone_is_exponential_decay() -> None:
    """No fire, the enemy always above the threshold (a step switch): N = N0 exp(-c t)."""
    times = np.array([0.0, 1.0, 5.0, 10.0])
    res = simulate(_duel(1000.0, 5000.0, 0.0, 0.0, cap=0.07, star=2.0), t_max=10.0, times=times)
    assert res.red_trajectory is not None
    expect = 1000.0 * np.exp(-0.07 * times)
    np.testing.assert_allclose(res.red_trajectory[0, :, 0], expect, rtol=1e-6)
    # below the threshold nothing is captured
    res2 = simulate(_duel(1000.0, 1500.0, 0.0, 0.0, cap=0.07, star=2.0), t_max=10.0, times=times)
    assert res2.red_trajectory is not None
    np.testing.assert_allclose(res2.red_trajectory[0, :, 0], 1000.0)


def test_capture_with_fire_matches_solve_ivp_and_splits_losses() -> None:
    """Square-law fire plus a logistic capture flow on red; solve_ivp integrates the same
    equations with the captured men as a third state."""
    a0, b0, ka, kb, c, star, width = 1000.0, 1600.0, 0.01, 0.02, 0.05, 1.5, 0.3

    def rhs(_t: float, y: np.ndarray) -> list[float]:
        a, b, _p = y
        eps = _logistic(b / a, c, star, width) if a > 0 and b > 0 else 0.0
        return [-kb * b - eps * a, -ka * a, eps * a]

    t_max = 20.0
    times = np.linspace(0.0, t_max, 401)
    sol = solve_ivp(rhs, (0, t_max), [a0, b0, 0.0], t_eval=times, rtol=1e-11, atol=1e-9)
    res = simulate(_duel(a0, b0, ka, kb, cap=c, star=star, width=width), t_max=t_max, times=times)
    assert res.red_trajectory is not None
    assert res.blue_trajectory is not None
    assert res.end_code[0] == 0 or res.end_time[0] == pytest.approx(t_max)
    np.testing.assert_allclose(res.red_trajectory[0, :, 0], sol.y[0], rtol=1e-5)
    np.testing.assert_allclose(res.blue_trajectory[0, :, 0], sol.y[1], rtol=1e-5)
    red_t, blue_t = res.red_trajectory[:, :, 0], res.blue_trajectory[:, :, 0]
    flows = make_flows(1, 1, capture_rate=c, capture_ratio=star, capture_width=width)
    captured, noncombat = split_losses(
        times, res.end_time, res.red_trajectory, red_t, blue_t, flows
    )
    assert captured[0, 0] == pytest.approx(sol.y[2, -1], rel=1e-4)
    assert noncombat[0, 0] == 0.0
    fire = a0 - sol.y[0, -1] - sol.y[2, -1]
    assert fire > 0
    assert captured[0, 0] > 0


def _men_and_tanks(v_tank: float, b_tank: float, n: int = 1) -> Engagement:
    """Two categories a side (men, tanks) under proportional square-law fire, with the
    build's kill matrix w_f * v_j / w_j, so that a category loses v_j times the share a
    unit of vulnerability 1 loses."""
    w = np.array([1.0, 20.0])
    v = np.array([1.0, v_tank])
    kill = 0.01 * w[:, None] * v[None, :] / w[None, :]
    red = make_side(
        "red", np.array([[1000.0, 50.0]]), kill, n=n, k_enemy=2, weights=w,
        categories=("men", "tanks"),
        flows=make_flows(n, 2, noncombat=[0.0, b_tank]),
    )  # fmt: skip
    blue = make_side(
        "blue", np.array([[1500.0, 40.0]]), kill, n=n, k_enemy=2, weights=w,
        categories=("men", "tanks"),
    )  # fmt: skip
    return Engagement(SQUARE, red, blue)


@pytest.mark.parametrize(("v_tank", "b_tank"), [(5.0, 0.0), (5.2, 0.03), (1.0, 0.1)])
def test_tank_losses_follow_the_power_law_closed_form(v_tank: float, b_tank: float) -> None:
    """d ln T = v d ln N (fire) - b dt (breakdown): T/T0 = (N/N0)**v * exp(-b t), exactly,
    for any N(t)."""
    times = np.linspace(0.0, 15.0, 61)
    res = simulate(_men_and_tanks(v_tank, b_tank), t_max=15.0, times=times)
    assert res.red_trajectory is not None
    men, tanks = res.red_trajectory[0, :, 0], res.red_trajectory[0, :, 1]
    expect = 50.0 * (men / 1000.0) ** v_tank * np.exp(-b_tank * times)
    np.testing.assert_allclose(tanks, expect, rtol=1e-5)
    assert men[-1] < 1000.0


def test_noncombat_split_matches_its_closed_form() -> None:
    """Without fire, the non-combat loss of tanks by t is T0 (1 - exp(-b t))."""
    red = make_side(
        "red", np.array([[1000.0, 50.0]]), 0.0, n=1, k_enemy=1, categories=("men", "tanks"),
        flows=make_flows(1, 2, noncombat=[0.0, 0.05]),
    )  # fmt: skip
    blue = make_side("blue", 100.0, 0.0, n=1, k_enemy=2)
    times = np.linspace(0.0, 10.0, 201)
    res = simulate(Engagement(SQUARE, red, blue), t_max=10.0, times=times)
    assert res.red_trajectory is not None
    flows = make_flows(1, 2, noncombat=[0.0, 0.05])
    one = np.ones((1, times.size))
    _, nc = split_losses(times, res.end_time, res.red_trajectory, one, one, flows)
    assert nc[0, 1] == pytest.approx(50.0 * (1 - np.exp(-0.5)), rel=1e-4)
    assert nc[0, 0] == 0.0


def test_neutral_flows_change_nothing() -> None:
    """Flows at their neutral values give bit-identical results to no flows at all."""
    times = np.linspace(0.0, 30.0, 7)
    base = _men_and_tanks(1.0, 0.0)
    bare_red = make_side(
        "red", base.red.strength, base.red.kill_rates, n=1, k_enemy=2,
        weights=base.red.weights, categories=("men", "tanks"),
    )  # fmt: skip
    with_flows = simulate(base, t_max=30.0, times=times, method="integrator")
    bare = simulate(Engagement(SQUARE, bare_red, base.blue), t_max=30.0, times=times)
    assert with_flows.red_trajectory is not None
    assert bare.red_trajectory is not None
    assert np.array_equal(with_flows.red_trajectory, bare.red_trajectory)
    assert np.array_equal(with_flows.end_time, bare.end_time)


def test_stochastic_engine_sees_capture() -> None:
    """The Markov chain has the same rates: its mean follows N0 exp(-c t) (no fire)."""
    from forceratio.simulator.stochastic import simulate_stochastic

    eng = _duel(400.0, 5000.0, 0.0, 0.0, cap=0.1, star=2.0)
    res = simulate_stochastic(eng, replications=200, seed=7, t_max=5.0, times=np.array([5.0]))
    assert res.red_trajectory is not None
    mean = res.red_trajectory[:, 0, 0].mean()
    expect = 400.0 * np.exp(-0.5)
    sd = np.sqrt(400.0 * np.exp(-0.5) * (1 - np.exp(-0.5)) / 200)
    assert abs(mean - expect) < 4 * sd


def test_bad_flows_are_refused() -> None:
    with pytest.raises(InputError, match="capture_ratio"):
        make_flows(1, 1, capture_rate=0.1, capture_ratio=0.0)
    with pytest.raises(InputError, match="noncombat"):
        make_flows(1, 2, noncombat=[0.0, -1.0])

"""Arrivals exposed in transit (``Reinforcements.transit_loss``): a unit due on day u
arrives with probability exp(-k u), the rest is lost on the way.  Oracles: quadrature of
that definition with no fire, and scipy's solve_ivp (DOP853, rtol 1e-12) of the battle
with the transit as states of its own (the survival S' = -k S, the stock in transit
T' = -k T - a(t) S, the lost L' = k T), written here independently of the engine."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad, solve_ivp

from forceratio.errors import InputError
from forceratio.simulator.engagement import Engagement, make_side
from forceratio.simulator.laws import get_law
from forceratio.simulator.operational import make_flows
from forceratio.simulator.schedules import Reinforcements
from forceratio.simulator.solve import simulate
from forceratio.simulator.stochastic import simulate_stochastic
from tests.oracle import fire, loss

SQUARE = get_law("square")


def _idle(reinf: Reinforcements) -> Engagement:
    """No fire on either side: red's strength is what it had and what came through."""
    red = make_side("red", [1000.0], [[0.0]], n=1, k_enemy=1, reinforcements=reinf)
    blue = make_side("blue", [1000.0], [[0.0]], n=1, k_enemy=1)
    return Engagement(SQUARE, red, blue)


@pytest.mark.parametrize("t_max", [4.0, 20.0])  # inside the window, and after it
def test_without_fire_the_losses_in_transit_are_the_schedule_times_the_exposure(
    t_max: float,
) -> None:
    """Daily arrivals of 100 from day 1 to day 9 at k = 0.05: by day t, a unit due on day u
    is lost with probability 1 - exp(-k min(u, t)) (quadrature of the definition), and the
    units due by then came through with probability exp(-k u)."""
    k, lo, hi, rate = 0.05, 1.0, 9.0, 100.0
    res = simulate(_idle(Reinforcements.daily(lo, hi, [rate], transit_loss=k)), t_max=t_max)
    lost = quad(lambda u: rate * -np.expm1(-k * min(u, t_max)), lo, hi, epsabs=0, epsrel=1e-13)[0]
    came = quad(lambda u: rate * np.exp(-k * u), lo, min(hi, t_max), epsabs=0, epsrel=1e-13)[0]
    assert res.red_transit_by_category is not None
    assert res.red_transit_by_category[0, 0] == pytest.approx(lost, rel=1e-12)
    assert res.red_arrived is not None
    assert res.red_arrived[0] == pytest.approx(came, rel=1e-12)
    # the engine's state took the inflow rate x exp(-k t) (to its tolerance)
    assert res.red_final[0] == pytest.approx(1000.0 + came, rel=1e-8)
    assert res.red_losses[0] == pytest.approx(lost, rel=1e-6)
    if t_max > hi:  # all due: the schedule times 1 - exp(-k u)
        want = rate * ((hi - lo) - (np.exp(-k * lo) - np.exp(-k * hi)) / k)
        assert res.red_transit_by_category[0, 0] == pytest.approx(want, rel=1e-12)


def test_a_discrete_arrival_comes_through_with_exp_minus_k_t() -> None:
    k = 0.1
    reinf = Reinforcements.arrivals([0.0, 3.0, 8.0], [[50.0], [200.0], [300.0]], transit_loss=k)
    res = simulate(_idle(reinf), t_max=5.0)
    # day 0: all of it; day 3: exp(-0.3); day 8 not due by day 5, exposed for 5 days
    assert res.red_final[0] == pytest.approx(1050.0 + 200.0 * np.exp(-0.3), rel=1e-12)
    assert res.red_transit_by_category is not None
    want = 200.0 * (1 - np.exp(-0.3)) + 300.0 * (1 - np.exp(-0.5))
    assert res.red_transit_by_category[0, 0] == pytest.approx(want, rel=1e-12)


KR = np.array([[0.05], [1.0]])  # red men, red tanks -> blue's one category
KB = np.array([[0.012, 0.0008]])  # blue -> red men, red tanks
W_R = np.array([1.0, 10.0])
RED_RATE = np.array([60.0, 2.0])  # a day, days 1-6
BLUE_RATE, BLUE_DROP = 30.0, (3.0, 100.0)  # a day on days 0-4; 100 on day 3
K_R, K_B = 0.08, 0.12


def _battle(breakpoint: float) -> Engagement:
    red = make_side(
        "red", np.array([[800.0, 30.0]]), KR, n=1, k_enemy=1, weights=W_R,
        categories=("men", "tanks"), flows=make_flows(1, 2, noncombat=[0.0, 0.02]),
        reinforcements=Reinforcements.daily(1.0, 6.0, RED_RATE, transit_loss=K_R),
    )  # fmt: skip
    blue_arr = Reinforcements(
        np.array([BLUE_DROP[0]]), np.array([[BLUE_DROP[1]]]), np.array([0.0, 4.0]),
        np.array([[BLUE_RATE]]), np.array([K_B]),
    )  # fmt: skip
    blue = make_side(
        "blue", [900.0], KB, n=1, k_enemy=2, breakpoint=breakpoint, reinforcements=blue_arr
    )
    return Engagement(SQUARE, red, blue)


def _oracle(t_max: float, level_b: float) -> tuple[float, np.ndarray]:
    """(end time, state at the end): red men, tanks, blue, then per side the survival S,
    the stock in transit T (red per category) and the lost L; blue's day-3 drop an impulse
    of 100 S(3) into blue and out of its stock."""

    def red_in(t: float) -> np.ndarray:
        return RED_RATE if 1.0 <= t < 6.0 else np.zeros(2)

    def blue_in(t: float) -> float:
        return BLUE_RATE if t < 4.0 else 0.0

    def rhs(t: float, y: np.ndarray) -> np.ndarray:
        r, b = y[0:2], y[2:3]
        s_r, t_r, s_b, t_b = y[3], y[4:6], y[8], y[9]
        d_r = -loss(fire(b, 1.0), KB, r, W_R, 0.0) - np.array([0.0, 0.02]) * r
        d_b = -loss(fire(r, 1.0), KR, b, np.ones(1), 0.0)
        return np.concatenate([
            d_r + red_in(t) * s_r, d_b + blue_in(t) * s_b,
            [-K_R * s_r], -K_R * t_r - red_in(t) * s_r, K_R * t_r,
            [-K_B * s_b, -K_B * t_b - blue_in(t) * s_b, K_B * t_b],
        ])  # fmt: skip

    def out(t: float, y: np.ndarray) -> float:
        return float(y[2] - level_b)

    out.terminal, out.direction = True, -1  # type: ignore[attr-defined]
    y = np.array([800.0, 30.0, 900.0, 1.0, *(RED_RATE * 5.0), 0, 0, 1.0, 120.0 + 100.0, 0])
    t = 0.0
    for a, z in ((0.0, 1.0), (1.0, 3.0), (3.0, 4.0), (4.0, 6.0), (6.0, t_max)):
        if a == BLUE_DROP[0]:
            came = BLUE_DROP[1] * y[8]
            y[2] += came
            y[9] -= came
        sol = solve_ivp(rhs, (a, z), y, method="DOP853", rtol=1e-12, atol=1e-10, events=out)
        t, y = float(sol.t[-1]), sol.y[:, -1]
        if sol.status == 1:
            return float(sol.t_events[0][0]), sol.y_events[0][0]
    return t, y


@pytest.mark.parametrize("breakpoint", [0.0, 0.75])  # to the end, and blue breaking on the way
def test_a_battle_with_arrivals_in_transit_matches_solve_ivp(breakpoint: float) -> None:
    eng = _battle(breakpoint)
    res = simulate(eng, t_max=15.0, rtol=1e-10)
    t_end, want = _oracle(15.0, breakpoint * 900.0 if breakpoint else 0.5)
    assert res.end_time[0] == pytest.approx(t_end, rel=1e-7)
    if not breakpoint:  # annihilated on day 13.8 (the engine sets the loser to 0)
        assert res.end_reason[0] == "annihilation"
        assert t_end < 15.0
        want[2] = 0.0
    got = [*res.red_final_by_category[0], res.blue_final_by_category[0, 0]]
    np.testing.assert_allclose(got, want[0:3], rtol=1e-6)
    assert res.red_transit_by_category is not None
    assert res.blue_transit_by_category is not None
    np.testing.assert_allclose(res.red_transit_by_category[0], want[6:8], rtol=1e-6)
    assert res.blue_transit_by_category[0, 0] == pytest.approx(want[10], rel=1e-6)
    # what is not in transit any more came through or was lost: the side's accounts close
    assert res.red_arrived is not None
    scheduled_r = W_R @ (RED_RATE * 5.0)
    in_transit_r = W_R @ want[4:6]
    lost_r = W_R @ res.red_transit_by_category[0]
    assert res.red_arrived[0] + lost_r + in_transit_r == pytest.approx(scheduled_r, rel=1e-6)
    losses = 800.0 + 300.0 + res.red_arrived[0] + lost_r - res.red_final[0]
    assert res.red_losses[0] == pytest.approx(losses, rel=1e-12)
    if breakpoint:
        assert res.end_time[0] < 6.0  # ended with arrivals still due: the exposure stops


def _with(reds: Reinforcements, blues: Reinforcements) -> Engagement:
    red = make_side(
        "red", np.array([[800.0, 30.0]]), KR, n=1, k_enemy=1, weights=W_R,
        categories=("men", "tanks"), reinforcements=reds,
    )  # fmt: skip
    blue = make_side("blue", [900.0], KB, n=1, k_enemy=2, breakpoint=0.75, reinforcements=blues)
    return Engagement(SQUARE, red, blue)


def test_no_exposure_is_the_schedule_bit_for_bit() -> None:
    """transit_loss 0 given explicitly: the same numbers as arrivals without it."""
    drop = (np.array([3.0]), np.array([[100.0]]), np.array([0.0, 4.0]), np.array([[BLUE_RATE]]))
    plain = _with(Reinforcements.daily(1.0, 6.0, RED_RATE), Reinforcements(*drop))
    zero = _with(
        Reinforcements.daily(1.0, 6.0, RED_RATE, transit_loss=0.0),
        Reinforcements(*drop, np.zeros(1)),
    )
    times = np.linspace(0.0, 15.0, 16)
    a, b = (simulate(e, t_max=15.0, times=times) for e in (plain, zero))
    for side in ("red", "blue"):
        assert np.array_equal(a.side_trajectory(side), b.side_trajectory(side))
    assert np.array_equal(a.red_final_by_category, b.red_final_by_category)
    assert a.end_time[0] == b.end_time[0]
    assert a.red_losses[0] == b.red_losses[0]
    assert b.red_transit_by_category is None


@pytest.mark.parametrize("bad", [-0.01, np.nan, np.inf, 1e4])
def test_a_bad_transit_loss_is_refused_naming_it(bad: float) -> None:
    with pytest.raises(InputError, match=r"reinforcements\.transit_loss"):
        Reinforcements.daily(0.0, 5.0, [10.0], transit_loss=bad)


def test_the_stochastic_engine_refuses_losses_in_transit() -> None:
    with pytest.raises(InputError, match=r"red\.reinforcements\.transit_loss: .*deterministic"):
        simulate_stochastic(_battle(0.0), replications=2, seed=0, t_max=5.0, times=np.zeros(0))

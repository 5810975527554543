"""Tau-leaping against exact oracles where a leap is long or ends a battle (review16num D1,
D4): the absorbing Markov chain solved exactly, and the linear chain's mean (the ODE)."""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from forceratio import Engagement, battle, get_law, make_side, simulate_stochastic
from forceratio.simulator.schedules import Multiplier


def square_chain(
    r0: int, b0: int, a: float, b: float, r_min: int, b_min: int
) -> tuple[float, float, float]:
    """The square law's absorbing chain (red loses a unit at rate b B, blue at a R), solved
    exactly by dynamic programming over the anti-diagonals of the (R, B) grid: P(red wins),
    E[R at the end], E[B at the end], the battle ending when R = r_min or B = b_min."""
    n_r, n_b = r0 - r_min, b0 - b_min  # steps above each level
    i = np.arange(n_r + 1)  # R = r_min + i; along a diagonal B = b_min + (n - i)
    win, e_r, e_b = (np.zeros(n_r + 1) for _ in range(3))
    for n in range(1, n_r + n_b + 1):
        j = n - i
        inside = (i >= 1) & (j >= 1) & (j <= n_b)
        p_red = np.zeros(n_r + 1)  # P(the next loss is red's)
        r, q = r_min + i[inside], b_min + j[inside]
        p_red[inside] = b * q / (b * q + a * r)
        new = [np.zeros(n_r + 1) for _ in range(3)]
        for v, old, red_out, blue_out in (
            (new[0], win, 0.0, 1.0),
            (new[1], e_r, r_min, r_min + i),
            (new[2], e_b, b_min + j, b_min),
        ):
            prev = np.concatenate([[0.0], old[:-1]])  # (i - 1, j): red lost one
            v[inside] = p_red[inside] * prev[inside] + (1 - p_red[inside]) * old[inside]
            red_done = (i == 0) & (j >= 1) & (j <= n_b)
            blue_done = (j == 0) & (i >= 1)
            v[red_done] = np.broadcast_to(red_out, i.shape)[red_done]
            v[blue_done] = np.broadcast_to(blue_out, i.shape)[blue_done]
        win, e_r, e_b = new
    return float(win[n_r]), float(e_r[n_r]), float(e_b[n_r])


def test_the_chain_oracle_on_a_battle_small_enough_to_enumerate() -> None:
    # 2 v 1 without breakpoints, a = b = 1: red wins unless it loses twice before blue's
    # one unit goes: P(blue) = (1/3)(2/4) = 1/6 (rates b B = 1 v a R = 2, then 1 v 1)
    p, e_r, e_b = square_chain(2, 1, 1.0, 1.0, 0, 0)
    assert abs(p - 5 / 6) < 1e-15
    assert abs(e_r - (2 / 3 * 2 + 1 / 6 * 1)) < 1e-15  # R = 2 (blue first), 1, or 0
    assert abs(e_b - 1 / 6) < 1e-15


def test_a_leap_that_crosses_a_breakpoint_stops_where_the_chain_does() -> None:
    # review16num D1: a leap that crossed a level kept the whole leap's losses (the loser
    # below its level, min 877 of 900) and called both sides crossing in one leap a draw
    # (2.4%); P(red) was off by z = -4.  Here tau-leaping (auto, above 2,000 units) against
    # the exact chain: no draw, the loser exactly at its level, z-scores within 4.
    r0, b0, a, b, bp = 3000, 2950, 0.001, 0.00104, 0.3
    n = 6000
    r = battle("square", r0, b0, a, b, red_breakpoint=bp, blue_breakpoint=bp, replications=n,
               seed=5, t_max=1e7)  # fmt: skip
    assert r.method == "tau_leap"
    p, e_r, e_b = square_chain(r0, b0, a, b, 900, 885)
    red = r.winner == "red"
    assert np.all((r.winner == "red") | (r.winner == "blue"))  # no draw, none undecided
    assert np.all(r.blue_final[red] == 885)
    assert np.all(r.red_final[~red] == 900)
    z_p = (red.mean() - p) / np.sqrt(p * (1 - p) / n)
    z_r = (r.red_final.mean() - e_r) / (r.red_final.std(ddof=1) / np.sqrt(n))
    z_b = (r.blue_final.mean() - e_b) / (r.blue_final.std(ddof=1) / np.sqrt(n))
    assert max(abs(z_p), abs(z_r), abs(z_b)) < 4.0, (p, e_r, e_b, z_p, z_r, z_b)


def test_snapshots_inside_a_long_leap_follow_the_chains_mean() -> None:
    # review16num D4: a snapshot inside a leap was read on the line between its ends, while
    # red's fire falls from 3x to 1x over the leap (blue's losses by day 0.5 were 30% low).
    # The square law's rates are linear in the strengths, so the chain's mean is the ODE's
    # solution exactly while neither side can be wiped out (1e6 a side, ~600 losses).
    a = b = 1e-4
    red = make_side("red", [1e6], [a], n=1, k_enemy=1,
                    multiplier=Multiplier(np.array([0.0, 3.0]), np.array([3.0, 1.0])))  # fmt: skip
    blue = make_side("blue", [1e6], [b], n=1, k_enemy=1)
    times = np.array([0.25, 0.5, 1.0, 2.0, 3.0])
    n = 300
    s = simulate_stochastic(Engagement(get_law("square"), red, blue), replications=n, seed=2,
                            t_max=3.5, times=times, method="tau_leap")  # fmt: skip

    def mean_ode(t: float, y: np.ndarray) -> list[float]:
        return [-b * y[1], -a * (3.0 - 2.0 * t / 3.0) * y[0]]

    exact = solve_ivp(mean_ode, (0, 3), [1e6, 1e6], t_eval=times, rtol=1e-12, atol=1e-6).y
    assert s.red_trajectory is not None
    assert s.blue_trajectory is not None
    for traj, mean in ((s.red_trajectory, exact[0]), (s.blue_trajectory, exact[1])):
        lost, lost_mean = 1e6 - traj[:, :, 0], 1e6 - mean
        se = np.maximum(lost.std(axis=0, ddof=1), 0.5) / np.sqrt(n)
        z = (lost.mean(axis=0) - lost_mean) / se
        assert np.all(np.abs(z) < 4.0), (lost.mean(axis=0), lost_mean, z)

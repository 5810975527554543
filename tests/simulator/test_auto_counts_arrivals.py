"""``method="auto"`` of the stochastic engine counts what a run will hold, its arrivals due
by ``t_max`` included.  Before: the start's units alone, so a
scenario of 1,600 units at the start and 2,000 arriving was simulated event by event.

Oracle: the exact (Gillespie) simulation of the same chain over other seeds: the mean
losses of tau-leaping agree with it within four standard errors of the difference."""

from __future__ import annotations

import numpy as np

from forceratio import Engagement, Reinforcements, get_law, make_side, simulate_stochastic
from forceratio.simulator.stochastic import EXACT_LIMIT

REPS = 2000


def _engagement() -> Engagement:
    red = make_side("red", 1500.0, 0.004, n=1, k_enemy=1)
    blue = make_side("blue", 100.0, 0.01, n=1, k_enemy=1,
                     reinforcements=Reinforcements.daily(0.0, 20.0, [100.0]))  # fmt: skip
    return Engagement(get_law("square"), red, blue)


def test_a_scenario_small_at_the_start_with_large_arrivals_is_tau_leaped() -> None:
    # main: 1,600 units at the start (<= EXACT_LIMIT): "gillespie", 2,000 more arriving
    assert 1600 <= EXACT_LIMIT < 3600
    eng = _engagement()
    auto = simulate_stochastic(eng, replications=REPS, seed=11, t_max=30.0)
    assert auto.method == "tau_leap"
    exact = simulate_stochastic(eng, replications=REPS, seed=12, t_max=30.0, method="gillespie")
    for got, want in ((auto.red_losses, exact.red_losses), (auto.blue_losses, exact.blue_losses)):
        se = np.sqrt((got.var(ddof=1) + want.var(ddof=1)) / REPS)
        assert abs(got.mean() - want.mean()) < 4.0 * se
    # no side is out by day 30, and the arrivals, unit events at 100 a day for 20 days
    # (Poisson, variance 2,000), are all in
    assert np.all(auto.end_reason == "t_max")
    assert auto.blue_arrived is not None
    assert abs(auto.blue_arrived.mean() - 2000.0) < 4.0 * np.sqrt(2000.0 / REPS)


def test_a_scenario_small_in_all_stays_exact() -> None:
    red = make_side("red", 150.0, 0.004, n=1, k_enemy=1)
    blue = make_side("blue", 10.0, 0.01, n=1, k_enemy=1,
                     reinforcements=Reinforcements.daily(0.0, 20.0, [10.0]))  # fmt: skip
    r = simulate_stochastic(Engagement(get_law("square"), red, blue), replications=10, seed=1,
                            t_max=30.0)  # fmt: skip
    assert r.method == "gillespie"

"""The exact stochastic simulation (Gillespie) draws one event a unit lost or arrived, at
about 2 us an event: a run that needs more than ``max_iterations`` (5e7 by default, ~100 s)
is refused before it starts.  Before: it drew them all, then
"stochastic engine: runs not finished" (a ForceratioError, not the input's one line).  Its
cost does not depend on t_max for a battle without arrivals (it ends when a side is out):
the Helmbold exact draw of 1000 v 1000 fought to 0 took 0.03 s at t_max 1e6; 5e5 v 5e5,
about 1e6 events a run, 2 s a run.

Oracle: counting.  A side that fires nothing (kill rate 0) loses nothing, so the events are
its arrivals: 6 a day for 10^5 days is 6e5 a run; under the square law at equal rates the
loser of 10^5 v 10^5 - 10 must lose all its 10^5 - 10 units (at least that many events),
and 1000 v 10 ends after 10 of blue's units and 1000 - sqrt(1000^2 - 10^2) = 0.05 of red's
(the closed form): few events, run."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio import Engagement, InputError, Reinforcements, get_law, make_side
from forceratio.simulator.stochastic import simulate_stochastic


def test_arrivals_beyond_max_iterations_are_refused_before_the_run() -> None:
    red = make_side("red", 100.0, 0.0, n=1, k_enemy=1)
    blue = make_side("blue", 0.0, 0.0, n=1, k_enemy=1,
                     reinforcements=Reinforcements.daily(0.0, 1e5, [6.0]))  # fmt: skip
    eng = Engagement(get_law("helmbold", w=0.5), red, blue)
    with pytest.raises(InputError) as err:  # main: 1e5 events drawn, then ForceratioError
        simulate_stochastic(eng, replications=2, seed=1, t_max=1e6, method="gillespie",
                            max_iterations=100_000)  # fmt: skip
    assert err.value.field == "max_iterations"
    assert "about 6e+05 a run" in err.value.problem
    # the budget that holds them runs: every arrival in, nobody lost (no fire)
    r = simulate_stochastic(eng, replications=1, seed=1, t_max=1e5, method="gillespie",
                            max_iterations=700_000)  # fmt: skip
    assert r.blue_arrived is not None
    assert r.blue_final[0] == r.blue_arrived[0] == pytest.approx(6e5, rel=0.01)


def test_a_battle_too_large_for_exact_events_is_refused_and_a_short_one_runs() -> None:
    with pytest.raises(InputError) as err:  # main: 1e4 events a run drawn, then refused
        simulate_stochastic(_square(1e5, 1e5 - 10), replications=2, seed=1, t_max=1e4,
                            method="gillespie", max_iterations=10_000)  # fmt: skip
    assert err.value.field == "max_iterations"
    assert "use method 'tau_leap' or 'auto'" in err.value.problem
    # an upper bound of 1010 events over the 500 allowed, but the battle takes about 10
    r = simulate_stochastic(_square(1000.0, 10.0), replications=3, seed=1, t_max=1e4,
                            method="gillespie", max_iterations=500)  # fmt: skip
    assert list(r.winner) == ["red"] * 3
    assert np.all(r.red_final >= 1000 - 5)


def _square(red: float, blue: float) -> Engagement:
    sides = (make_side(name, x, 0.01, n=1, k_enemy=1, annihilation=0.0)
             for name, x in (("red", red), ("blue", blue)))  # fmt: skip
    return Engagement(get_law("square"), *sides)

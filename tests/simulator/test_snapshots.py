"""Trajectory snapshots of the stochastic engine are read off each run's path: asking for
them does not change the runs of a seed (review 15, D11).  Before, the output times cut
the steps (an exact run redrew its next event at each, a leap was shortened there), so
``battle(..., times=[1, 5, 7])`` gave other finals than the same call without times."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest

from forceratio import (
    BattleResult,
    Engagement,
    Multiplier,
    Reinforcements,
    battle,
    get_law,
    make_side,
    simulate_stochastic,
)

Stochastic = Literal["gillespie", "tau_leap"]
PER_RUN = ("red_final", "blue_final", "end_time", "winner_code", "end_code")


def same_runs(a: BattleResult, b: BattleResult) -> None:
    for name in PER_RUN:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


@pytest.mark.parametrize("seed", [1, 5, 9])
@pytest.mark.parametrize("method", ["gillespie", "tau_leap"])
def test_times_do_not_change_the_runs_of_a_seed(method: Stochastic, seed: int) -> None:
    args = ("square", [300.0, 5000.0], [250.0, 4000.0], 0.01, 0.012)
    kw = {"replications": 150, "seed": seed, "keys": [12, 3], "method": method}
    plain = battle(*args, **kw)  # type: ignore[arg-type]
    for times in ([1.0], [1.0, 5.0, 7.0], np.linspace(0.0, 400.0, 97)):
        same_runs(plain, battle(*args, times=times, **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize("method", ["gillespie", "tau_leap"])
def test_times_do_not_change_runs_with_arrivals_and_a_changing_multiplier(
    method: Stochastic,
) -> None:
    # red's fire falls from 2x to 1x over 4 days (thinning), red gets 40 units on day 3
    # and 5 a day from day 2 to 6; output times on those days and between them
    mult = Multiplier(np.array([0.0, 4.0]), np.array([[2.0, 1.0]]))
    reinf = Reinforcements(np.array([3.0]), np.array([[40.0]]), np.array([2.0, 6.0]),
                           np.array([[5.0]]))  # fmt: skip
    units = 300.0 if method == "gillespie" else 6000.0
    eng = Engagement(
        get_law("square"),
        make_side("red", units, 0.01, n=1, k_enemy=1, multiplier=mult, reinforcements=reinf),
        make_side("blue", units, 0.012, n=1, k_enemy=1),
    )
    kw = {"replications": 200, "seed": 7, "t_max": 30.0, "method": method}
    plain = simulate_stochastic(eng, times=np.zeros(0), **kw)  # type: ignore[arg-type]
    snaps = simulate_stochastic(eng, times=np.array([1.5, 2.0, 3.0, 3.5, 6.0, 9.0]), **kw)  # type: ignore[arg-type]
    same_runs(plain, snaps)
    red = np.asarray(snaps.red_trajectory)[:, :, 0]
    assert np.all(red == np.rint(red))


@pytest.mark.parametrize(
    ("method", "units", "reps"), [("gillespie", 500.0, 1000), ("tau_leap", 1e5, 400)]
)
def test_snapshots_of_a_pure_death_process_are_binomial(
    method: Stochastic, units: float, reps: int
) -> None:
    """Oracle: under the logarithmic law each unit of a side dies at rate ``b`` by itself
    (dR/dt = -b R), so R(t) is Binomial(R0, exp(-b t)) while the battle lasts (no side
    near its end by day 70).  A leap's snapshot read as the state at the leap's start would
    lag by half a leap (~0.5% of R: ~30 standard errors at 10^5 units)."""
    times = np.array([10.2, 30.7, 61.35])  # between leaps (half a day each here)
    r = battle("logarithmic", units, units, 0.02, 0.01, replications=reps, seed=3, t_max=70.0,
               times=times, method=method)  # fmt: skip
    for traj, rate in ((r.red_trajectory, 0.01), (r.blue_trajectory, 0.02)):
        snaps = np.asarray(traj)[:, :, 0]
        assert np.all(snaps == np.rint(snaps))
        p = np.exp(-rate * times)
        mean, var = units * p, units * p * (1 - p)
        assert np.all(np.abs(snaps.mean(axis=0) - mean) < 4 * np.sqrt(var / reps))
        np.testing.assert_allclose(snaps.var(axis=0, ddof=1) / var, 1.0, atol=0.25)


@pytest.mark.parametrize("method", ["gillespie", "tau_leap"])
def test_snapshots_never_rise_without_arrivals_and_end_at_the_final_state(
    method: Stochastic,
) -> None:
    times = np.linspace(0.0, 400.0, 201)  # past t_max 365 and past every end
    r = battle("square", 3000.0, 2500.0, 0.001, 0.0012, replications=100, seed=2, times=times,
               method=method)  # fmt: skip
    for side in ("red", "blue"):
        snaps = np.asarray(getattr(r, f"{side}_trajectory"))[:, :, 0]
        final = getattr(r, f"{side}_final")
        assert np.all(snaps[:, 0] == getattr(r, f"{side}_initial"))
        assert not np.any(np.diff(snaps, axis=1) > 0)
        assert np.all(snaps >= final[:, None])
        after = times[None, :] >= r.end_time[:, None]
        assert np.all(np.where(after, snaps == final[:, None], True))
        assert np.all(after[:, -1])


def test_scenario_runs_do_not_depend_on_the_recorded_days() -> None:
    """The scenario path records its days (the record's days, the end, and what ``times``
    adds): adding days leaves every run's outcome unchanged."""
    from forceratio import scenarios
    from forceratio.scenarios.run import run

    prep = scenarios.load("strike-12june-strip")
    kw = {"calibration": {}, "replications": 20, "seed": 4}
    a = run(prep, **kw)  # type: ignore[arg-type]
    b = run(prep, times=[0.25, 1.5, 2.75, 4.5], **kw)  # type: ignore[arg-type]
    for side in a.final:
        np.testing.assert_array_equal(a.final[side], b.final[side])
        np.testing.assert_array_equal(a.losses[side], b.losses[side])
    np.testing.assert_array_equal(a.duration, b.duration)
    np.testing.assert_array_equal(a.winner, b.winner)

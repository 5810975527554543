"""The deterministic engine records its output times from the steps' dense output."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from forceratio import Engagement, Multiplier, Reinforcements, battle, get_law, make_side, simulate


def test_output_times_do_not_change_the_steps() -> None:
    """No step ends at an output time, so asking for a trajectory leaves the run's own
    numbers (end, survivors) bit for bit as they are without one."""
    rng = np.random.default_rng(5)
    n = 50
    kw = dict(red_breakpoint=0.3, blue_breakpoint=0.2, t_max=200.0, method="integrator")
    args = ("power", rng.uniform(500, 2000, n), rng.uniform(500, 2000, n),
            rng.uniform(1e-4, 1e-3, n), rng.uniform(1e-4, 1e-3, n))  # fmt: skip
    bare = battle(*args, p=1.5, q=0.5, **kw)  # type: ignore[arg-type]
    dense = battle(*args, p=1.5, q=0.5, times=np.linspace(0.0, 200.0, 731), **kw)  # type: ignore[arg-type]
    np.testing.assert_array_equal(bare.end_time, dense.end_time)
    np.testing.assert_array_equal(bare.red_final, dense.red_final)
    np.testing.assert_array_equal(bare.blue_final, dense.blue_final)


def test_dense_trajectory_matches_the_closed_form() -> None:
    """Output times between the steps, many to a step, against the square law's closed
    form (breakpoints, and times past the end, which hold the final state)."""
    rng = np.random.default_rng(8)
    n = 200
    R0, B0 = rng.uniform(100, 5000, n), rng.uniform(100, 5000, n)
    a, b = rng.uniform(2e-3, 2e-2, n), rng.uniform(2e-3, 2e-2, n)
    times = np.concatenate([[0.0], np.sort(rng.uniform(0.0, 300.0, 400))])
    kw = dict(red_breakpoint=0.4, blue_breakpoint=0.3, t_max=300.0, times=times)
    cf = battle("square", R0, B0, a, b, method="closed_form", **kw)  # type: ignore[arg-type]
    ig = battle("square", R0, B0, a, b, method="integrator", **kw)  # type: ignore[arg-type]
    assert cf.red_trajectory is not None
    assert ig.red_trajectory is not None
    assert cf.blue_trajectory is not None
    assert ig.blue_trajectory is not None
    margin = np.abs(a * R0**2 * 0.84 - b * B0**2 * 0.91) / (a * R0**2)
    ok = margin > 1e-6
    scale = np.maximum(R0, B0)[ok, None, None]
    assert np.max(np.abs(ig.red_trajectory - cf.red_trajectory)[ok] / scale) < 1e-6
    assert np.max(np.abs(ig.blue_trajectory - cf.blue_trajectory)[ok] / scale) < 1e-6


def test_output_at_a_stop_is_before_its_arrivals() -> None:
    """An output time that is also a discrete arrival records the state before it (as
    when the engine stopped at every output time), one just after it the state with it."""
    reinf = Reinforcements(np.array([5.0]), np.array([[300.0]]), np.zeros(0), np.zeros((0, 1)))
    mult = Multiplier(np.array([0.0, 2.0, 4.0]), np.array([1.0, 2.0, 1.0]))
    red = make_side("red", 1000.0, 0.01, n=1, k_enemy=1, reinforcements=reinf, multiplier=mult)
    eng = Engagement(get_law("square"), red, make_side("blue", 900.0, 0.012, n=1, k_enemy=1))
    res = simulate(eng, t_max=10.0, times=np.array([2.0, 4.9999999, 5.0, 5.0000001]))
    assert res.red_trajectory is not None
    r = res.red_trajectory[0, :, 0]
    assert abs(r[2] - r[1]) < 1e-3  # at 5.0: before the 300 arrive
    assert abs(r[3] - r[2] - 300.0) < 1e-3  # just after: with them


def test_uncompiled_engine_runs_a_side_that_loses_nothing_without_warnings() -> None:
    """With the JIT disabled (plain Python, the coverage run) a side firing nothing at the
    start gives no division by zero in the first step's choice."""
    code = (
        "from forceratio import battle; "
        "r = battle('square', 1000.0, 800.0, 0.0, 0.01, t_max=5.0, times=[1.0, 2.5], "
        "method='integrator'); assert r.blue_final[0] == 800.0 and r.red_final[0] < 1000.0"
    )
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    subprocess.run([sys.executable, "-W", "error", "-c", code], env=env, check=True)

"""``simulate_stochastic`` (public) checks ``t_max`` and ``times`` as ``battle()`` does
(review20b MED-1).  Before: a ``t_max`` of 0, -1e-9, -5 or NaN crashed the interpreter
(SIGSEGV: the compiled runs read past an empty list of stops), ``times=[2, 1]`` was taken
(its "t=1" snapshot the state of day 2), a list of times raised AttributeError, ``times``
had no default and ``t_max=inf`` ran."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from forceratio import Engagement, InputError, get_law, make_side, simulate_stochastic

SRC = str(Path(__file__).resolve().parents[2] / "src")
RUN: dict[str, Any] = {"replications": 3, "seed": 1}

# the crashes, each in a child process: a SIGSEGV there fails this test, not the session
CHILD = """
import math
from forceratio import Engagement, InputError, get_law, make_side, simulate_stochastic
eng = Engagement(get_law("square"), make_side("red", 100.0, 0.01, n=1, k_enemy=1),
                 make_side("blue", 80.0, 0.01, n=1, k_enemy=1))
for t_max in (0.0, -1e-9, -5.0, math.nan, math.inf):
    try:
        simulate_stochastic(eng, replications=3, seed=1, t_max=t_max)
        print("ran", t_max)
    except InputError as exc:
        print(exc)
"""


def _engagement() -> Engagement:
    red = make_side("red", 100.0, 0.01, n=1, k_enemy=1)
    blue = make_side("blue", 80.0, 0.01, n=1, k_enemy=1)
    return Engagement(get_law("square"), red, blue)


def test_a_t_max_not_finite_and_positive_is_refused_not_a_crash() -> None:
    env = {**os.environ, "PYTHONPATH": SRC}
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                         env=env, timeout=600, check=False)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert lines[:3] == [f"t_max: must be finite and > 0, got {t}" for t in (0.0, -1e-9, -5.0)]
    assert lines[3:] == ["t_max: must be finite, got nan", "t_max: must be finite, got inf"]


@pytest.mark.parametrize(
    ("kw", "field", "problem"),
    [
        ({"times": np.array([2.0, 1.0])}, "times", "must be strictly increasing"),
        ({"times": [1.0, 1.0]}, "times", "must be strictly increasing"),
        ({"times": np.array([np.nan])}, "times", "must be finite, >= 0 days"),
        ({"times": [-1.0]}, "times", "must be finite, >= 0 days"),
        ({"times": "1, 2"}, "times", "expected numbers"),
        ({"t_max": "365"}, "t_max", "expected a number"),
        ({"epsilon": 0.0}, "epsilon", "must be in (0, 0.2]"),
        ({"epsilon": "0.1"}, "epsilon", "expected a number"),
        ({"max_iterations": 0}, "max_iterations", "whole number >= 1"),
        ({"method": "exact"}, "method", "must be one of auto, gillespie, tau_leap"),
    ],
)
def test_bad_arguments_name_the_argument(kw: dict[str, Any], field: str, problem: str) -> None:
    with pytest.raises(InputError, match=f"^{field}: ") as err:
        simulate_stochastic(_engagement(), **{"t_max": 500.0, **RUN, **kw})
    assert problem in str(err.value)


def test_times_as_a_list_and_by_default() -> None:
    eng = _engagement()
    # a list is the array's numbers; the snapshot at the run's end is its final state
    listed = simulate_stochastic(eng, t_max=500.0, times=[1.0, 600.0], **RUN)
    arrayed = simulate_stochastic(eng, t_max=500.0, times=np.array([1.0, 600.0]), **RUN)
    assert listed.red_trajectory is not None
    assert arrayed.red_trajectory is not None
    np.testing.assert_array_equal(listed.red_trajectory, arrayed.red_trajectory)
    np.testing.assert_array_equal(listed.red_trajectory[:, 1, 0], listed.red_final)
    # without times: no trajectory, and t_max defaults to simulate()'s 365 days
    plain = simulate_stochastic(eng, **RUN)
    assert plain.times.size == 0
    assert plain.red_trajectory is None
    assert np.all(plain.duration <= 365.0)

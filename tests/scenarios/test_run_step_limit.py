"""``scenarios.run.run``'s ``max_steps``: the integrator's step limit per battle, which the
explorer lowers to bound a request's work.  A limit no battle can finish in is a
:class:`StepLimitError` (one adaptive step cannot cross a battle's recorded days, each a
stop of its own); with replications, which the stochastic engine runs, it is refused."""

from __future__ import annotations

import pytest

from forceratio.errors import InputError, StepLimitError
from forceratio.scenarios import load
from forceratio.scenarios.run import run

CAL = {"german_rate": 0.0193, "soviet_rate": 0.002}


def test_a_limit_too_low_is_a_step_limit_error() -> None:
    prep = load("kiev-1941")
    run(prep, calibration=CAL, max_steps=200)  # the scenario's own point: some 24 steps
    with pytest.raises(StepLimitError, match="after 1 steps"):
        run(prep, calibration=CAL, max_steps=1)


def test_not_with_replications() -> None:
    prep = load("kiev-1941")
    with pytest.raises(InputError, match="max_steps: applies to deterministic runs only"):
        run(prep, calibration=CAL, replications=2, seed=1, max_steps=100)

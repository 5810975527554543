"""``battle``'s arguments from Python as README states them (review18b 5): the per-scenario
inputs are scalars or arrays of one length, a length that differs refused naming both
arguments (it said "batch: ... (2 and 3)"); ``t_max``, ``w``, ``p``, ``q`` take one number
and say so ("a number, not an array").  The oracle: the names are ``battle``'s own
parameters (``inspect.signature``), the lengths those given."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import forceratio
from forceratio.errors import InputError


def test_arrays_of_two_lengths_name_both_arguments() -> None:
    with pytest.raises(InputError) as err:
        forceratio.battle("square", np.full(3, 1000.0), np.full(2, 800.0), 0.01, 0.012)
    assert err.value.field == "blue"
    assert err.value.problem.startswith("2 values, but red has 3")
    with pytest.raises(InputError, match=r"^blue_rate: 3 values, but blue has 2"):
        forceratio.battle("square", 1000.0, [800.0, 900.0], 0.01, [0.012, 0.02, 0.03])
    params = inspect.signature(forceratio.battle).parameters
    assert {"red", "blue", "blue_rate"} <= set(params)
    # one value applies to every scenario, as before
    r = forceratio.battle("square", [1000.0], [800.0, 900.0], 0.01, 0.012)
    assert r.red_initial.shape == (2,)


@pytest.mark.parametrize(
    ("law", "kwargs", "field"),
    [
        ("square", {"t_max": np.array([10.0, 20.0])}, "t_max"),
        ("helmbold", {"w": [0.5, 0.6]}, "w"),
        ("power", {"p": (1.0, 2.0), "q": 1.0}, "p"),
    ],
)
def test_a_single_number_argument_says_it_takes_no_array(
    law: str, kwargs: dict[str, object], field: str
) -> None:
    assert field in inspect.signature(forceratio.battle).parameters
    with pytest.raises(InputError, match=rf"^{field}: expected a number, not an array, got [\[(]"):
        forceratio.battle(law, 1000.0, 800.0, 0.01, 0.012, **kwargs)  # type: ignore[arg-type]

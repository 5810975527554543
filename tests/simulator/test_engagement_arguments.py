"""``battle()`` and ``Engagement`` refuse the inputs of review 15 (D13, and Engagement of
non-sides) with one InputError naming the argument and the problem.  Before: a raw
OverflowError (an int beyond a float), a numpy broadcasting ValueError (an empty
breakpoint), "must be finite, >= 0 days" for a 2-D ``times``, and an AttributeError."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from forceratio import Engagement, InputError, battle, get_law, make_side

BIG = 10**400  # an int no float holds
ARGS = ("square", 100.0, 80.0, 0.01, 0.012)


@pytest.mark.parametrize(
    ("kw", "field", "problem"),
    [
        ({"t_max": BIG}, "t_max", "too large for a float"),
        ({"rtol": BIG}, "rtol", "too large for a float"),
        ({"replications": BIG, "seed": 1}, "replications", "at most 10^18"),
        ({"times": [1.0, BIG]}, "times", "too large for a float"),
        ({"annihilation": BIG}, "annihilation", "too large for a float"),
        ({"keys": [BIG], "replications": 2, "seed": 1}, "keys", "too large for a float"),
        ({"keys": [2**70], "replications": 2, "seed": 1}, "keys", "in [0, 2^63)"),
        ({"red_breakpoint": []}, "red_breakpoint", "got an empty array"),
        ({"red_breakpoint": np.array([])}, "red_breakpoint", "got an empty array"),
        ({"blue_breakpoint": []}, "blue_breakpoint", "got an empty array"),
        ({"blue_breakpoint": np.array([])}, "blue_breakpoint", "got an empty array"),
        ({"annihilation": []}, "annihilation", "got an empty array"),
        ({"times": [[1.0, 2.0]]}, "times", "1-D sequence of days, got shape (1, 2)"),
        ({"times": np.ones((2, 2))}, "times", "1-D sequence of days, got shape (2, 2)"),
    ],
)
def test_battle_names_the_argument_and_the_problem(
    kw: dict[str, Any], field: str, problem: str
) -> None:
    with pytest.raises(InputError, match=f"^{field}: ") as err:
        battle(*ARGS, **kw)
    assert problem in str(err.value)


@pytest.mark.parametrize(
    ("law", "kw", "field"),
    [("power", {"p": BIG, "q": 1.0}, "p"), ("power", {"p": 1.0, "q": BIG}, "q"),
     ("helmbold", {"w": BIG}, "w")],
)  # fmt: skip
def test_law_exponents_too_large_for_a_float(law: str, kw: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError, match=f"^{field}: too large for a float"):
        battle(law, *ARGS[1:], **kw)


def test_an_int_beyond_int64_that_a_float_holds_is_a_number() -> None:
    # 2**70 fits a float (before: refused as "expected numbers"); a time past the end
    # holds the final state
    r = battle(*ARGS, times=[0.0, 2**70])
    assert r.red_trajectory is not None
    assert r.red_trajectory[0, 1, 0] == r.red_final[0]


def test_make_side_refuses_an_empty_breakpoint() -> None:
    with pytest.raises(InputError, match=r"^red\.breakpoint: expected shape \(2,\), got \(0,\)"):
        make_side("red", [1.0, 2.0], 0.1, n=2, k_enemy=1, breakpoint=[])


def test_engagement_of_three_ints_names_the_law() -> None:
    with pytest.raises(InputError, match=r"^law: expected a Law \(get_law\(\.\.\.\)\), got int 3"):
        Engagement(3, 3, 3)  # type: ignore[arg-type]


@pytest.mark.parametrize("law", ["square", None, 3.0])
def test_engagement_of_a_law_name_names_the_law(law: object) -> None:
    side = make_side("x", 10.0, 0.1, n=1, k_enemy=1)
    with pytest.raises(InputError, match=r"^law: expected a Law"):
        Engagement(law, side, side)  # type: ignore[arg-type]


@pytest.mark.parametrize("which", ["red", "blue"])
def test_engagement_of_non_sides_names_the_side(which: str) -> None:
    side = make_side("x", 10.0, 0.1, n=1, k_enemy=1)
    sides = {"red": side, "blue": side, which: 3}
    with pytest.raises(InputError, match=f"^{which}: expected a Side \\(make_side"):
        Engagement(get_law("square"), sides["red"], sides["blue"])  # type: ignore[arg-type]

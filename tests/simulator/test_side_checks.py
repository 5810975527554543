"""A :class:`Side` (and a :class:`Flows`) built by hand, as in a notebook, checks its values
when it is built.  Before: nothing was checked there; a NaN or
negative value was refused only when run, as "strengths and rates: out of range (see the
full checks)" without the field, a hold of infinity ran (and never ended the battle),
and lists raised AttributeError.

Oracle: the contract (an InputError, a ValueError, naming ``side.field``) and, for a side
that is accepted, the square law's closed form: 1000 v 800 at 0.01 a side ends when blue
is out at atanh(0.8) / 0.01 days, red keeping sqrt(1000^2 - 800^2) = 600."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from forceratio import Engagement, InputError, Side, get_law, simulate
from forceratio.simulator.operational import Flows, make_flows


def _side(name: str, x: float, **kw: Any) -> Side:
    args: dict[str, Any] = {
        "strength": np.array([[x]]), "kill_rates": np.array([[[0.01]]]),
        "weights": np.array([[1.0]]), "breakpoint": np.array([0.0]),
    }  # fmt: skip
    args.update(kw)
    return Side(name=name, **args)


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [("strength", np.array([[-5.0]]), "must be >= 0, got -5"),
     ("strength", np.array([[np.nan]]), "must be finite"),
     ("strength", np.array([[np.inf]]), "must be finite"),
     ("strength", np.array([[1e300]]), "outside the range the engine resolves"),
     ("strength", np.array([100.0]), "expected shape (N, K)"),
     ("kill_rates", np.array([[[-0.01]]]), "must be >= 0"),
     ("kill_rates", np.array([[[np.nan]]]), "must be finite"),
     ("kill_rates", np.array([[[1e300]]]), "outside the range the engine resolves"),
     ("kill_rates", np.array([[0.01]]), "expected shape (N, K, K_enemy)"),
     ("weights", np.array([[np.inf]]), "must be finite"),
     ("weights", np.array([[0.0]]), "at least one category weight must be > 0"),
     ("breakpoint", np.array([1.5]), "must be in [0, 1), got 1.5"),
     ("breakpoint", np.array([np.nan]), "must be finite"),
     ("annihilation", np.array([-1.0]), "must be >= 0"),
     ("hold", np.array([np.inf]), "must be finite"),
     ("allocation", np.array([[[0.5]]]), "shares must sum to 1"),
     ("categories", ("a", "b"), "expected a tuple of 1 names"),
     ("multiplier", 2.0, "expected a Multiplier")],
)  # fmt: skip
def test_a_side_built_by_hand_refuses_a_bad_value_naming_it(
    field: str, value: object, problem: str
) -> None:
    with pytest.raises(InputError) as err:
        _side("USSR", 1000.0, **{field: value})
    assert isinstance(err.value, ValueError)  # what the CLI maps to exit status 2
    assert err.value.field == f"USSR.{field}"
    assert problem in err.value.problem


def test_a_side_built_by_hand_from_lists_fights_as_the_closed_form_says() -> None:
    lists: dict[str, Any] = {
        "strength": [[1000.0]], "kill_rates": [[[0.01]]], "weights": [[1.0]],
        "breakpoint": [0.0], "annihilation": [0.0],
    }  # fmt: skip
    red = Side(**lists)  # a notebook's untyped lists
    blue = _side("", 800.0, annihilation=np.zeros(1))  # fought to 0, as the closed form
    assert isinstance(red.strength, np.ndarray)
    r = simulate(Engagement(get_law("square"), red, blue), t_max=1000.0, method="integrator")
    assert r.winner[0] == "red"
    assert r.duration[0] == pytest.approx(np.arctanh(0.8) / 0.01, rel=1e-6)
    assert r.red_final[0] == pytest.approx(600.0, rel=1e-6)


def test_a_breakpoint_over_1_only_while_held() -> None:
    """A staged restart keeps a held side's level as a breakpoint that may pass 1
    (scenarios.stages): allowed where the side is held, refused where it is not."""
    assert _side("x", 10.0, breakpoint=np.array([1.2]), hold=np.array([3.0])).breakpoint[0] == 1.2
    with pytest.raises(InputError, match=r"x.breakpoint: must be in \[0, 1\)"):
        _side("x", 10.0, breakpoint=np.array([1.2]), hold=np.array([0.0]))


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [("capture_rate", np.array([-0.1]), "must be finite and >= 0"),
     ("noncombat", np.array([[np.nan]]), "must be finite and >= 0"),
     ("capture_ratio", np.array([0.0]), "must be > 0"),
     ("gate_width", np.array([0.1, 0.1]), "expected shape (1,)")],
)  # fmt: skip
def test_flows_built_by_hand_refuse_a_bad_value_naming_it(
    field: str, value: np.ndarray, problem: str
) -> None:
    good = make_flows(1, 1, capture_rate=0.1)
    args = {f: getattr(good, f) for f in ("capture_rate", "capture_ratio", "capture_width",
                                          "noncombat", "capture_gate", "gate_width")}  # fmt: skip
    args[field] = value
    with pytest.raises(InputError) as err:
        Flows(**args)
    assert err.value.field == f"flows.{field}"
    assert problem in err.value.problem

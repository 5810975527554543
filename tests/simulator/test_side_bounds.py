"""The values the checks of a hand-built :class:`Side` and :class:`Flows` left open
(tests/simulator/test_side_checks.py).  Before: a category weight of any finite size was
taken (1e15 under the linear law ended undecided with the heavy side at 0, 1e200 and 1e300 under the
linear, Helmbold and power laws stopped as "a stiff or degenerate scenario?"), and a Flows
built by hand took a non-combat loss rate of 1e300 a day (the scenarios refuse one over 1e3:
``scenarios.schema.Weight`` and ``ShareRate``; a capture rate is left free: a scenario's is
its rate times capacities, which may pass 1e3).

Oracle: the contract (an InputError, a ValueError, naming the field) and the scenario
schema's own bounds (a weight up to 1e6, a share a day up to 1e3), which stay accepted."""

from __future__ import annotations

import typing
from typing import Any

import numpy as np
import pytest

from forceratio import InputError, Side
from forceratio.scenarios.bounds import ShareRate
from forceratio.scenarios.schema import Weight
from forceratio.simulator.operational import make_flows


def _side(**kw: Any) -> Side:
    args: dict[str, Any] = {
        "strength": np.array([[100.0]]), "kill_rates": np.array([[[0.01]]]),
        "weights": np.array([[1.0]]), "breakpoint": np.array([0.0]),
    }  # fmt: skip
    args.update(kw)
    return Side(name="USSR", **args)


@pytest.mark.parametrize("weight", [1e15, 1e200, 1e300])
def test_a_weight_over_the_scenarios_bound_is_refused_naming_it(weight: float) -> None:
    with pytest.raises(InputError) as err:
        _side(weights=np.array([[weight]]))
    assert isinstance(err.value, ValueError)
    assert err.value.field == "USSR.weights"
    assert f"must be <= 1e+06, got {weight:g}" in err.value.problem
    # the schema's largest weight, a tiny one and none are taken
    top = Weight.model_fields["value"].metadata
    assert any(getattr(m, "le", None) == 1e6 for m in top)
    two = {"strength": np.array([[100.0, 5.0, 1.0]]),
           "kill_rates": np.array([[[0.01], [0.02], [0.03]]])}  # fmt: skip
    s = _side(weights=np.array([[1e6, 0.0, 1e-300]]), categories=("tanks", "men", "x"), **two)
    assert list(s.weights[0]) == [1e6, 0.0, 1e-300]


@pytest.mark.parametrize("field", ["noncombat"])
def test_a_flow_faster_than_the_scenarios_bound_is_refused_naming_it(field: str) -> None:
    with pytest.raises(InputError) as err:
        make_flows(1, 1, **{field: 1e300})
    assert isinstance(err.value, ValueError)
    assert err.value.field == f"flows.{field}"
    assert "<= 1000" in err.value.problem
    bound = [getattr(m, "le", None) for m in typing.get_args(ShareRate)[1].metadata]
    assert 1e3 in bound  # the scenarios' own bound on a share a day
    assert getattr(make_flows(1, 1, **{field: 1e3}), field).max() == 1e3  # at it: taken

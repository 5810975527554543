"""How many times the outcome crosses its level on the threshold grid: a crossing that
lands exactly on a grid point is one crossing, not two (both brackets touching it)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import forceratio.sweeps.sensitivity as sens
from forceratio.sweeps.design import Vary


class _Deterministic:
    replications = 0


SPEC: Any = _Deterministic()  # a SweepSpec without replications, as far as threshold reads


def _stub(monkeypatch: pytest.MonkeyPatch, fn: Any) -> None:
    def values(spec: Any, v: dict[str, Any], outcome: str) -> Any:
        return fn(np.asarray(next(iter(v.values())), dtype=float))

    monkeypatch.setattr(sens, "outcome_values", values)


def test_a_crossing_on_a_grid_point_is_counted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """y = x - 2 over [0, 4] on 33 points: x = 2 is grid point 16, where y is exactly 0;
    a straight line crosses its level once."""
    _stub(monkeypatch, lambda x: x - 2.0)
    t = sens.threshold(SPEC, Vary("q", 0.0, 4.0), outcome="attacker_margin", level=0.0)
    assert t.value == pytest.approx(2.0)
    assert "more crossing" not in t.note


def test_two_true_crossings_are_still_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A winning window 2 < x < 6: the first flip at 2 (bisection), one more on the grid;
    and a window whose ends both fall on grid points (x = 2 and x = 6 over [0, 8]) the same."""
    _stub(monkeypatch, lambda x: ((x > 2) & (x < 6)).astype(float))
    t = sens.threshold(SPEC, Vary("q", 0.5, 10.0))
    assert t.value == pytest.approx(2.0, abs=1e-5)
    assert "; 1 more crossing(s) on the grid" in t.note
    _stub(monkeypatch, lambda x: (x - 2.0) * (x - 6.0))
    t = sens.threshold(SPEC, Vary("q", 0.0, 8.0), outcome="attacker_margin", level=0.0)
    assert t.value == pytest.approx(2.0)
    assert "; 1 more crossing(s) on the grid" in t.note


def test_no_crossing_says_it_was_looked_for_on_the_grid(monkeypatch: pytest.MonkeyPatch) -> None:
    """A win window 2 < x < 2.1 lies between two grid points (spacing 0.297 over [0.5, 10]):
    the grid cannot see it, so the note must not claim there is no crossing in the range."""
    _stub(monkeypatch, lambda x: ((x > 2) & (x < 2.1)).astype(float))
    t = sens.threshold(SPEC, Vary("q", 0.5, 10.0))
    assert t.value is None
    assert "in the range" not in t.note
    assert "33-point grid" in t.note

"""``sweeps.sensitivity.sobol`` (what ``forceratio sensitivity`` prints) against functions
whose Sobol indices are known in closed form.

``sobol`` evaluates the model through ``sensitivity.outcome_values(spec, values, outcome)``;
replacing that one function by a pure function of the varied values runs the project's
own design, index and bootstrap-interval code on a model with known answers:

* Ishigami & Homma (1990), a = 7, b = 0.1 on [-pi, pi]^3: S1 = (0.3139, 0.4424, 0),
  ST = (0.5576, 0.4424, 0.2437) (Saltelli et al. 2008, *Global Sensitivity Analysis*,
  sec. 4.9; S1 and ST differ for x1 and x3, so a swap is seen);
* an additive model, y = x1 + 2 x2 (x3 unused) on [0, 1]^3: S1 = ST = (0.2, 0.8, 0).

On the scenario itself the estimates must keep the invariants every Sobol decomposition
has: S1 <= ST for each input, sum S1 <= 1 <= sum ST, and the estimate inside its interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

from forceratio.sweeps import sensitivity
from forceratio.sweeps.design import Vary
from tests.sweeps.test_sweeps import no_air_strike

ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)


def ishigami(
    spec: Any, values: Mapping[str, np.ndarray], outcome: str, first: int = 0
) -> np.ndarray:
    x1, x2, x3 = (np.asarray(values[k]) for k in ("x1", "x2", "x3"))
    y: np.ndarray = np.sin(x1) + 7.0 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)
    return y


def additive(
    spec: Any, values: Mapping[str, np.ndarray], outcome: str, first: int = 0
) -> np.ndarray:
    y: np.ndarray = np.asarray(values["x1"]) + 2.0 * np.asarray(values["x2"])
    return y


def test_sobol_recovers_the_ishigami_indices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Estimates within 0.03 of the closed form at 2048 samples (the scrambled Sobol
    design's error there is below 0.01), each closed-form value inside its own 95%
    interval.  S1 and ST exchanged, or the intervals of one index given to the other, fail
    on x1 (0.31 v 0.56) and x3 (0 v 0.24)."""
    monkeypatch.setattr(sensitivity, "outcome_values", ishigami)
    vary = [Vary(k, -np.pi, np.pi) for k in ("x1", "x2", "x3")]
    spec: Any = None  # outcome_values, replaced, is the only reader of the spec
    rows = sensitivity.sobol(spec, vary, samples=2048, seed=3)
    assert [r["parameter"] for r in rows] == ["x1", "x2", "x3"]
    for r, s1, st in zip(rows, ISHIGAMI_S1, ISHIGAMI_ST, strict=True):
        assert r["S1"] == pytest.approx(s1, abs=0.03), r
        assert r["ST"] == pytest.approx(st, abs=0.03), r
        assert r["S1_ci"][0] <= s1 <= r["S1_ci"][1], r
        assert r["ST_ci"][0] <= st <= r["ST_ci"][1], r
        assert r["S1_ci"][1] - r["S1_ci"][0] < 0.2  # an interval, not the whole line


def test_an_additive_model_has_equal_first_and_total_indices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No interactions: S1 == ST == (0.2, 0.8, 0), the unused input exactly 0."""
    monkeypatch.setattr(sensitivity, "outcome_values", additive)
    vary = [Vary(k, 0.0, 1.0) for k in ("x1", "x2", "x3")]
    spec: Any = None
    rows = sensitivity.sobol(spec, vary, samples=1024, seed=4)
    for r, want in zip(rows, (0.2, 0.8, 0.0), strict=True):
        assert r["S1"] == pytest.approx(want, abs=0.02), r
        assert r["ST"] == pytest.approx(want, abs=0.02), r
        assert r["S1"] == pytest.approx(r["ST"], abs=0.02), r
    assert abs(rows[2]["S1"]) < 1e-9
    assert abs(rows[2]["ST"]) < 1e-9


@pytest.mark.parametrize("outcome", ["attacker_margin", "soviet_losses"])
def test_scenario_indices_keep_the_sobol_invariants(outcome: str) -> None:
    """On the strike scenario (two live parameters and one without effect when nobody
    strikes from the air): S1 <= ST (+0.05 for the estimators' noise) per parameter,
    sum S1 <= 1 + 0.05, sum ST >= 1 - 0.05, each estimate inside its own interval."""
    spec, vary = no_air_strike()
    rows = sensitivity.sobol(spec, vary, samples=256, seed=1, outcome=outcome)
    for r in rows:
        assert r["S1"] <= r["ST"] + 0.05, r
        assert r["S1_ci"][0] <= r["S1"] <= r["S1_ci"][1], r
        assert r["ST_ci"][0] <= r["ST"] <= r["ST_ci"][1], r
        assert r["ST"] >= -0.01, r
    assert sum(r["S1"] for r in rows) <= 1.05
    assert sum(r["ST"] for r in rows) >= 0.95
    dead = rows[1]
    assert abs(dead["ST"]) < 1e-9


def test_a_constant_outcome_is_named_by_its_value() -> None:
    """The refusal of an outcome that never varies says the value it has in every run.
    scipy's ``sobol_indices`` centres the outputs it is handed in place, so a message read
    from those arrays said 0; the oracle is the outcome computed directly at one point
    (the strike lasts its whole 30-day horizon at every German quality and posture here)."""
    spec, vary = no_air_strike()
    mid = {v.path: np.array([(v.low + v.high) / 2]) for v in vary[::2]}
    want = float(sensitivity.outcome_values(spec, mid, "duration_days")[0])
    assert want != 0
    with pytest.raises(sensitivity.ConstantOutcomeError) as err:
        sensitivity.sobol(spec, vary[::2], samples=8, outcome="duration_days")
    assert f"duration_days is {want:g} in every one of the 32 runs" in str(err.value)

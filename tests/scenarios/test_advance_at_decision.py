"""The attacker's depth on the day the winner was decided, beside its depth at the run's
end (compare's ``attacker_depth_at_decision_km`` and ``attacker_depth_km``): the advance
has no stop and goes on after the decision, so the two differ.

Oracle: solve_ivp on the square law with a step capture flow and the advance's ODE,
stopped where the captured men pass the captured share (the day the rule fires)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio.scenarios.compare import compare
from forceratio.simulator.operational import advance_rate
from tests.scenario_files import ScenarioFile

# Germany (G0, killing at KG) attacks the USSR (U0, at KU); the USSR is captured at C a day
# while outnumbered (a step at ratio 0.5: from the start); Dupuy's hasty-defence advance
U0, G0, KG, KU, C, SHARE = 50_000.0, 100_000.0, 0.001, 0.006, 0.02, 0.25
CAPTURE = f"""
[operations.capture]
rate = {{ USSR = {C} }}
ratio = 0.5
width = 0
[operations.outcome]
captured_share = {SHARE}
depth_km = 40000
"""


def _oracle(t_end: float = 60.0) -> tuple[float, float, float]:
    """(the day the USSR's captured men pass SHARE of U0, the depth then, the depth on
    ``t_end``): U' = -KG G - C U, G' = -KU U, captured' = C U, x' = min(4.43 (G/U)^1.51,
    60)."""

    def f(_t: float, y: np.ndarray) -> list[float]:
        u, g, _c, _x = y
        v = float(advance_rate(np.array(g / u), np.array(4.43), np.array(1.51), np.array(60.0)))
        return [-KG * g - C * u, -KU * u, C * u, v]

    def passed(_t: float, y: np.ndarray) -> float:
        return float(y[2] - SHARE * U0)

    sol = solve_ivp(
        f, (0.0, t_end), [U0, G0, 0.0, 0.0], rtol=1e-11, atol=1e-8, events=passed,
        dense_output=True,
    )  # fmt: skip
    day = float(sol.t_events[0][0])
    return day, float(sol.sol(day)[3]), float(sol.y[3, -1])


@pytest.fixture
def captured(tmp_path: Path) -> Path:
    scenario = ScenarioFile(
        name="sq-captured", duration_days=60, german_rate=KG, soviet_rate=KU, ussr=U0,
        germany=G0, tail=CAPTURE,
    )  # fmt: skip
    return scenario.write(tmp_path / "captured.toml")


def test_the_depth_on_the_decision_day_is_the_oracles(captured: Path) -> None:
    (row,) = compare([str(captured)])
    assert (row["winner"], row["winner_decided_by"]) == ("Germany", "captured")
    day, at_day, at_end = _oracle()
    assert row["winner_decided_on_day"] == pytest.approx(day, rel=5e-4)  # 14.64
    assert row["attacker_depth_at_decision_km"] == pytest.approx(at_day, rel=5e-4)  # 230.9 km
    assert row["attacker_depth_km"] == pytest.approx(at_end, rel=5e-4)  # 2,133 km by day 60
    assert row["attacker_depth_km"] > 2 * row["attacker_depth_at_decision_km"]


def test_decided_by_the_margin_the_depth_at_decision_is_the_end(tmp_path: Path) -> None:
    """No rule fires: the margin decides at the run's end, and so the depth is read there."""
    path = ScenarioFile(
        name="sq-margin", duration_days=40, german_rate=KG, soviet_rate=KU, ussr=U0, germany=G0,
        tail="[operations.outcome]\ndepth_km = 40000\n",
    ).write(tmp_path / "margin.toml")  # fmt: skip
    (row,) = compare([str(path)])
    assert row["winner_decided_by"] == "attrition margin"
    assert row["winner_decided_on_day"] is None
    assert row["attacker_depth_at_decision_km"] == row["attacker_depth_km"] > 0


def test_no_operations_declared_no_depth_either_way(tmp_path: Path) -> None:
    path = ScenarioFile(
        name="sq-plain", duration_days=40, german_rate=KG, soviet_rate=KU, ussr=U0, germany=G0,
    ).write(tmp_path / "plain.toml")  # fmt: skip
    (row,) = compare([str(path)])
    assert row["attacker_depth_at_decision_km"] is None
    assert row["attacker_depth_km"] is None


def test_leningrad_is_decided_at_the_threshold_and_runs_on_far_past_it() -> None:
    """The built-in Leningrad run (calibrated) is decided by depth: on that day the
    attacker stands at the threshold (300 km, operations.outcome.depth_km) exactly, while
    by the run's end (day 83) the advance, which has no stop, has gone several times as
    far; Krivosheev's column gives 450 km for the whole operation (README)."""
    (row,) = compare(["leningrad-1941"], posterior=0)
    assert row["winner_decided_by"] == "depth"
    assert row["attacker_depth_at_decision_km"] == pytest.approx(300.0, rel=1e-9)
    assert row["attacker_depth_km"] > 3 * 450.0
    assert math.isfinite(row["winner_decided_on_day"])

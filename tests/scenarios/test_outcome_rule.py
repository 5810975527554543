"""review16gen D1/D10: a side that broke has lost, with or without the operational flows;
the attrition margin decides only when no sector broke (README, "Outcome rule")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import brentq

import forceratio
from forceratio import scenarios
from forceratio.scenarios.run import run
from tests.scenario_files import ScenarioFile

U0, G0, A, B, BREAK = 1000.0, 10000.0, 5.0, 0.01, 0.9
# a brittle elite attacker: quits after 10% losses while destroying half the defender
BRITTLE = ScenarioFile(
    name="brittle", date="1900-01-01", attacker="USSR", duration_days=30, ussr=U0, germany=G0,
    soviet_rate=A, german_rate=B, tail=f"[breakpoints]\nUSSR = {BREAK}\nGermany = 0.0",
)  # fmt: skip


def _break_day() -> float:
    """Closed form of the square law, U' = -B G, G' = -A U: U(t) = U0 cosh(wt) -
    G0 sqrt(B/A) sinh(wt), w = sqrt(AB); the USSR breaks when U = 0.9 U0."""
    w = np.sqrt(A * B)

    def u(t: float) -> float:
        return float(U0 * np.cosh(w * t) - G0 * np.sqrt(B / A) * np.sinh(w * t) - BREAK * U0)

    return float(brentq(u, 0.0, 2.0, xtol=1e-12))  # Germany lasts beyond day 2


@pytest.fixture
def brittle(tmp_path: Path) -> Path:
    return BRITTLE.write(tmp_path / "brittle.toml")


def test_a_side_that_broke_loses_without_flows(brittle: Path) -> None:
    out = run(scenarios.load(str(brittle)))
    assert out.operations is None  # no flow on: the path the margin alone used to decide
    t_break = _break_day()
    assert out.duration[0, 0] == pytest.approx(t_break, rel=1e-5)
    # the margin says USSR (it kept 90%, Germany about half): the break must win over it
    assert out.margin_winner[0, 0] == "USSR"
    assert out.end_reason[0, 0] == "USSR broke"
    assert out.winner[0, 0] == "Germany"
    assert out.decided_by[0, 0] == "break"
    # the independent engine call agrees on who won
    b = forceratio.battle("square", red=U0, blue=G0, red_rate=A, blue_rate=B, red_breakpoint=0.9)
    assert str(np.asarray(b.winner).ravel()[0]) == "blue"


def test_the_break_decides_the_same_with_a_flow_on(brittle: Path) -> None:
    """A negligible flow switches the operational outputs on: the same winner and rule."""
    out = run(scenarios.load(str(brittle), ["operations.noncombat.USSR.tanks=0.001"]))
    assert out.operations is not None
    assert (out.winner[0, 0], out.decided_by[0, 0]) == ("Germany", "break")


def test_the_margin_decides_only_when_no_side_broke(brittle: Path) -> None:
    out = run(scenarios.load(str(brittle), ["breakpoints.USSR=0", "duration_days=0.5"]))
    assert out.end_reason[0, 0] == "time limit"
    assert out.decided_by[0, 0] == "attrition margin"
    assert out.winner[0, 0] == out.margin_winner[0, 0] == "USSR"


def test_stochastic_runs_and_samples_follow_the_break(brittle: Path) -> None:
    """Per run and per sample (a breakpoint swept, replications drawn): a run that ended in
    a break or an annihilation is won by the other side, by "break"; only a run that
    reached the time limit is decided by the margin."""
    out = run(
        scenarios.load(str(brittle), ["duration_days=2"]),
        samples={"breakpoints.USSR": np.array([0.0, 0.9, 0.95])},
        replications=8,
        seed=1,
    )
    reason = out.end_reason
    assert (reason == "USSR broke").any()  # the case the margin got wrong
    assert (reason == "time limit").any()
    for loser, winner in (("USSR", "Germany"), ("Germany", "USSR")):
        ended = (reason == f"{loser} broke") | (reason == f"{loser} annihilated")
        assert (out.winner[ended] == winner).all()
        assert (out.decided_by[ended] == "break").all()
    late = reason == "time limit"
    assert (out.decided_by[late] == "attrition margin").all()
    assert (out.winner[late] == out.margin_winner[late]).all()

"""review21d H1: the captured and depth rules apply when a scenario declares operations,
never because a flow happens to be non-zero (a rate of 0 and one of 1e-9 give the same
winner), the same from run(), with operational=True and in a sweep's rows; the day the rule
fired is the day the attacker's advance passes the depth (oracle: solve_ivp on the square
law with the advance's ODE, x' = scale * rho**exponent capped, rho = G/U)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import scenarios
from forceratio.scenarios.run import run
from tests.scenario_files import ScenarioFile

U0, G0, KG, KU, DEPTH = 50_000.0, 100_000.0, 0.001, 0.006, 300.0


def _oracle_day(scale: float, exponent: float, cap: float = 60.0) -> float:
    """The day the attacker's advance passes DEPTH: U' = -KG G, G' = -KU U, and
    x' = min(scale (G/U)**exponent, cap) while G >= U (0 below)."""

    def f(_t: float, y: np.ndarray) -> list[float]:
        u, g, _x = y
        rho = g / u
        v = min(scale * rho**exponent, cap) if rho >= 1.0 else 0.0
        return [-KG * g, -KU * u, v]

    def passed(_t: float, y: np.ndarray) -> float:
        return float(y[2] - DEPTH)

    passed.terminal = True  # type: ignore[attr-defined]
    sol = solve_ivp(f, (0.0, 120.0), [U0, G0, 0.0], rtol=1e-10, atol=1e-8, events=passed)
    return float(sol.t_events[0][0])


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    """The square law, no [operations]: USSR U0 men killing at KU, Germany G0 at KG."""
    scenario = ScenarioFile(
        name="sq-depth", duration_days=120, german_rate=KG, soviet_rate=KU, ussr=50000,
        germany=100000,
    )  # fmt: skip
    return scenario.write(tmp_path / "plain.toml")


@pytest.mark.parametrize(
    "key",
    [
        "operations.capture.rate.USSR",
        "operations.capture.rate.Germany",
        "operations.noncombat.USSR.personnel",
    ],
)
def test_a_rate_of_zero_and_one_of_1e9_give_the_same_rule(plain: Path, key: str) -> None:
    outs = [run(scenarios.load(str(plain), {key: value})) for value in (0.0, 1e-9)]
    rules = [(str(o.winner[0, 0]), str(o.decided_by[0, 0])) for o in outs]
    assert rules == [("Germany", "depth")] * 2
    # Dupuy's hasty-defence fit (the default advance), the oracle's day
    days = [o.decided_at[0, 0] for o in outs]
    assert days[0] == pytest.approx(_oracle_day(4.43, 1.51), rel=2e-3)
    assert days[1] == pytest.approx(days[0], rel=1e-6)


def test_the_advance_scale_takes_effect_when_depth_is_on(plain: Path) -> None:
    """``--set operations.advance.scale=40`` declares operations: the capped advance (60 km
    a day from the start, rho = 2) passes 300 km on day 5 (review: it changed nothing)."""
    out = run(scenarios.load(str(plain), {"operations.advance.scale": 40.0}))
    assert (out.winner[0, 0], out.decided_by[0, 0]) == ("Germany", "depth")
    assert out.decided_at[0, 0] == pytest.approx(_oracle_day(40.0, 1.51), rel=1e-3)
    assert out.decided_at[0, 0] == pytest.approx(5.0, rel=1e-3)
    slow = run(scenarios.load(str(plain), {"operations.advance.scale": 2.0}))
    assert slow.decided_at[0, 0] == pytest.approx(_oracle_day(2.0, 1.51), rel=2e-3)


def test_no_operations_declared_no_depth_rule_whatever_is_computed(plain: Path) -> None:
    """A file without [operations]: the margin decides (USSR keeps the larger share), with
    the operational outputs asked for or not (review: operational=True flipped it)."""
    prep = scenarios.load(str(plain))
    outs = [run(prep, operational=operational) for operational in (None, True, False)]
    for out in outs:
        assert (out.winner[0, 0], out.decided_by[0, 0]) == ("USSR", "attrition margin")
    for out in outs:
        assert np.isinf(out.decided_at[0, 0])
    keep_u = 1.0 - outs[0].losses["USSR"][0, 0, 0] / U0
    # the oracle: USSR's share kept at day 120 under the square law, above Germany's
    sol = solve_ivp(lambda _t, y: [-KG * y[1], -KU * y[0]], (0, 120), [U0, G0], rtol=1e-10)
    assert keep_u == pytest.approx(sol.y[0, -1] / U0, rel=1e-6)
    assert sol.y[0, -1] / U0 > sol.y[1, -1] / G0


def test_a_sweep_over_a_flow_rate_follows_run(plain: Path) -> None:
    """Samples of an operations.* parameter declare operations in every row, 0 included,
    as ``run --set`` of the same value does (review: the row at 0 said depth, run said
    the margin)."""
    prep = scenarios.load(str(plain))
    key = "operations.noncombat.USSR.personnel"
    rates = np.array([0.0, 1e-9, 0.001])
    swept = run(prep, samples={key: rates}, outcome_only=True, split=False)
    for i, value in enumerate(rates):
        alone = run(scenarios.load(str(plain), {key: float(value)}))
        assert swept.winner[i, 0] == alone.winner[0, 0] == "Germany"
        assert swept.decided_by[i, 0] == alone.decided_by[0, 0] == "depth"

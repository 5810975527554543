"""The operational reach (``operations.advance.reach_km``): an advance that slows as it
nears its reach R, dd/dt = v(rho) * (1 - d / R), off (inf) by default.

Oracles: ``solve_ivp`` on that ODE over a recorded ratio path (the square law's closed form)
and over the square law's strengths themselves (the day the depth rule fires); R -> inf
gives the free depth; R at or below ``operations.outcome.depth_km`` never lets it fire."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import scenarios
from forceratio.errors import InputError
from forceratio.scenarios.compare import compare
from forceratio.scenarios.registry import PARAMETERS
from forceratio.scenarios.run import run
from forceratio.simulator.operational import advance_rate, depth
from tests.cli.refusals import refused
from tests.scenario_files import ScenarioFile

REACH = "operations.advance.reach_km"
# the square law of tests/scenarios/test_depth_rule_hops21.py: Germany (G0, killing at KG)
# attacks the USSR (U0, at KU) and outnumbers it 2 : 1 to the end; the defender's posture
# unset: Dupuy's hasty-defence fit (4.43 rho^1.51, at most 60 km/day)
U0, G0, KG, KU, DEPTH = 50_000.0, 100_000.0, 0.001, 0.006, 300.0


def _law(t: float) -> tuple[float, float]:
    """Attacker and defender strengths of the square law's closed form (test_advance)."""
    a0, b0, ka, kb = 3000.0, 1000.0, 0.01, 0.03
    s = math.sqrt(ka * kb)
    att = a0 * math.cosh(s * t) - b0 * math.sqrt(kb / ka) * math.sinh(s * t)
    dfn = b0 * math.cosh(s * t) - a0 * math.sqrt(ka / kb) * math.sinh(s * t)
    return att, dfn


def _speed(rho: float, scale: float = 2.01, exponent: float = 1.59, cap: float = 60.0) -> float:
    return float(advance_rate(np.array(rho), np.array(scale), np.array(exponent), np.array(cap)))


@pytest.mark.parametrize("reach", [150.0, 400.0, 2000.0])
def test_the_culminated_depth_solves_the_slowed_ode_over_a_recorded_ratio_path(
    reach: float,
) -> None:
    """depth(..., reach=R) over a recorded path of the ratio (2001 days' samples of the
    square law) is the solution of dd/dt = v(rho(t)) * (1 - d / R) by solve_ivp."""
    t_end = 20.0
    sol = solve_ivp(
        lambda t, y: [_speed(_law(t)[0] / _law(t)[1]) * (1.0 - y[0] / reach)],
        (0.0, t_end), [0.0], rtol=1e-11, atol=1e-9,
    )  # fmt: skip
    times = np.linspace(0.0, t_end, 2001)
    att, dfn = np.vectorize(_law)(times)
    got = depth(
        times, np.array([t_end]), att[None, :], dfn[None, :],
        np.array([2.01]), np.array([1.59]), np.array([60.0]), reach=np.array([reach]),
    )  # fmt: skip
    assert got[0] == pytest.approx(sol.y[0, -1], rel=1e-4)
    assert got[0] < reach


def test_an_infinite_reach_is_the_free_depth_and_a_far_one_tends_to_it() -> None:
    times = np.linspace(0.0, 20.0, 401)
    att, dfn = np.vectorize(_law)(times)
    law = (np.array([2.01]), np.array([1.59]), np.array([60.0]))
    args = (times, np.array([20.0]), att[None, :], dfn[None, :], *law)
    free = depth(*args, running=True)
    assert np.array_equal(depth(*args, running=True, reach=np.inf), free)
    far = depth(*args, running=True, reach=1e9)
    np.testing.assert_allclose(far, free, rtol=1e-6)
    # the first correction: d = D - D^2 / (2 R) + ...
    np.testing.assert_allclose(free - far, free**2 / 2e9, rtol=1e-3, atol=1e-12)


@pytest.mark.parametrize("bad", [0.0, -5.0, math.nan])
def test_the_simulator_refuses_a_reach_that_is_not_positive(bad: float) -> None:
    times = np.linspace(0.0, 2.0, 3)
    with pytest.raises(InputError, match="reach"):
        depth(
            times, np.array([2.0]), np.full((1, 3), 2.0), np.ones((1, 3)),
            np.array([4.43]), np.array([1.51]), np.array([60.0]), reach=np.array([bad]),
        )  # fmt: skip


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    scenario = ScenarioFile(
        name="sq-reach", duration_days=60, german_rate=KG, soviet_rate=KU, ussr=U0, germany=G0,
        tail="[operations.outcome]\ndepth_km = 300\n",
    )  # fmt: skip
    return scenario.write(tmp_path / "reach.toml")


def _square(reach: float, t_end: float = 60.0) -> tuple[float, float]:
    """The day the slowed advance passes DEPTH (inf: never) and its depth on day
    ``t_end``: U' = -KG G, G' = -KU U, x' = min(4.43 (G/U)^1.51, 60) (1 - x / R)."""

    def f(_t: float, y: np.ndarray) -> list[float]:
        u, g, x = y
        v = _speed(g / u, 4.43, 1.51)
        return [-KG * g, -KU * u, v * (1.0 - x / reach)]

    def passed(_t: float, y: np.ndarray) -> float:
        return float(y[2] - DEPTH)

    sol = solve_ivp(f, (0.0, t_end), [U0, G0, 0.0], rtol=1e-11, atol=1e-8, events=passed)
    day = float(sol.t_events[0][0]) if sol.t_events[0].size else math.inf
    return day, float(sol.y[2, -1])


def test_the_depth_rule_fires_later_under_a_reach_on_the_oracles_day(plain: Path) -> None:
    free = run(scenarios.load(str(plain)))
    slowed = run(scenarios.load(str(plain), {REACH: 1000.0}))
    assert free.decided_by[0, 0] == slowed.decided_by[0, 0] == "depth"
    day_free, _ = _square(math.inf)
    day, _ = _square(1000.0)
    assert free.decided_at[0, 0] == pytest.approx(day_free, rel=2e-3)
    assert slowed.decided_at[0, 0] == pytest.approx(day, rel=2e-3)
    assert slowed.decided_at[0, 0] > free.decided_at[0, 0] + 1.0  # (the oracle: 1.9 days)


@pytest.mark.parametrize("reach", [300.0, 250.0])
def test_a_reach_at_or_below_the_depth_threshold_never_fires_the_rule(
    plain: Path, reach: float
) -> None:
    """The advance never passes its reach, so a threshold at or past it is never reached:
    the run is decided otherwise (here the margin: the USSR keeps the larger share,
    KU U0^2 > KG G0^2), its depth below R by the end (solve_ivp's)."""
    (row,) = compare([str(plain)], sets=[f"{REACH}={reach:g}"])
    assert row["winner_decided_by"] == "attrition margin"
    assert row["winner"] == "USSR"
    _, oracle = _square(reach)
    assert row["attacker_depth_km"] == pytest.approx(oracle, rel=1e-3)
    assert row["attacker_depth_km"] < reach


def test_an_infinite_reach_changes_nothing(plain: Path) -> None:
    """inf is "off": the same numbers as no reach, from a --set and from the file."""
    (free,) = compare([str(plain)])
    (off,) = compare([str(plain)], sets=[f"{REACH}=inf"])
    assert off == free
    plain.write_text(plain.read_text() + "\n[operations.advance]\nreach_km = inf\n")
    (from_file,) = compare([str(plain)])
    assert from_file == free


def test_a_sweep_over_the_reach_gives_each_runs_own_numbers(plain: Path) -> None:
    """Sweepable: a batch of reaches (outcome rows) decides as each run alone."""
    prep = scenarios.load(str(plain))
    reaches = np.array([250.0, 1000.0, 5000.0])
    swept = run(prep, samples={REACH: reaches}, outcome_only=True, split=False)
    for i, r in enumerate(reaches):
        alone = run(scenarios.load(str(plain), {REACH: float(r)}))
        assert swept.decided_by[i, 0] == alone.decided_by[0, 0]
        assert swept.decided_at[i, 0] == pytest.approx(alone.decided_at[0, 0], rel=1e-12)
    assert list(swept.decided_by[:, 0]) == ["attrition margin", "depth", "depth"]


def test_the_registry_entry_is_off_by_default_and_an_assumption() -> None:
    p = PARAMETERS[REACH]
    assert p.default == math.inf
    assert "no sourced" in p.assumption
    ok = p.domain.contains(np.array([1.0, 300.0, math.inf]))
    assert ok.all()
    assert not p.domain.contains(np.array([0.0, -1.0, math.nan, -math.inf])).any()


def test_no_built_in_scenario_sets_a_reach() -> None:
    """Off in every built-in file, so every calibrated result stays as it was."""
    for name in scenarios.builtins():
        assert scenarios.load(name).scenario.operations.advance.reach_km == math.inf


@pytest.mark.parametrize("bad", ["0", "-5", "nan"])
def test_the_command_line_refuses_a_reach_that_is_not_positive(
    plain: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    """One line naming the field and its rule, exit 2 (a known parameter, not a typo)."""
    line = refused(capsys, ["run", str(plain), "--set", f"{REACH}={bad}"])
    assert REACH in line
    assert f"must be > 0, got {bad}" in line


@pytest.mark.parametrize("bad", ["0", "-5", "nan"])
def test_a_file_with_a_reach_that_is_not_positive_is_refused(
    plain: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    plain.write_text(plain.read_text() + f"\n[operations.advance]\nreach_km = {bad}\n")
    line = refused(capsys, ["run", str(plain)])
    assert f"{REACH}: must be > 0, got {bad}" in line

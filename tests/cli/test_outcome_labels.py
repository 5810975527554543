"""review21d L3, L7, M6: an annihilation is reported as such, a --set typo is named as the
--set, and the attrition margin's label says what its share is over (start plus arrivals;
oracle: solve_ivp of the square law with the arrival as a jump)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio.plots.labels import COMPARISON_NOTES
from forceratio.scenarios.compare import compare
from tests.cli.refusals import refused
from tests.scenario_files import ScenarioFile, arrival


def _write(
    tmp_path: Path, a: float, b: float, u: float, g: float, extra: str = "", days: float = 60
) -> Path:
    """The square law, USSR ``u`` men killing at ``a``, Germany ``g`` at ``b``, for ``days``."""
    scenario = ScenarioFile(
        name="low", duration_days=days, soviet_rate=a, german_rate=b, ussr=u, germany=g,
        tail=extra,
    )  # fmt: skip
    return scenario.write(tmp_path / "low.toml")


def test_an_annihilation_is_reported_as_one(tmp_path: Path) -> None:
    """Breakpoints 0: the USSR (30 v 20, out-shot 3 : 1) fights to annihilation."""
    path = _write(tmp_path, 0.05, 0.15, 30, 20, "[breakpoints]\nUSSR = 0.0\nGermany = 0.0\n")
    (row,) = compare([str(path)])
    assert row["end_reason"] == "USSR annihilated"
    assert (row["winner"], row["winner_decided_by"]) == ("Germany", "annihilation")
    # the closed form (Lanchester's square law): the USSR is out first exactly when
    # a_G * G0^2 > a_U * U0^2 for the kill rates a written into the scenario
    a_u, a_g, u0, g0 = 0.05, 0.15, 30.0, 20.0
    assert (a_g * g0**2 > a_u * u0**2) == (row["winner"] == "Germany")


def test_a_set_typo_names_the_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, 0.05, 0.15, 30, 20)
    line = refused(capsys, ["run", str(path), "--set", "breakpoint.USSR=0.3"])
    assert line.startswith("forceratio: error: --set breakpoint.USSR: unknown key"), line
    line = refused(capsys, ["run", str(path), "--set", "breakpoints.USSR=3"])
    assert line.startswith("forceratio: error: --set breakpoints.USSR: must be < 1"), line


def test_the_margin_share_is_over_start_plus_arrivals(tmp_path: Path) -> None:
    extra = arrival("Germany", 3, 3.001, 20000)
    (row,) = compare([str(_write(tmp_path, 0.010, 0.012, 50000, 40000, extra))])

    y = np.array([50000.0, 40000.0])
    for lo, hi, inflow in ((0, 3, 0.0), (3, 3.001, 20000 / 0.001), (3.001, 60, 0.0)):
        y = solve_ivp(
            lambda _t, v, q=inflow: [-0.012 * v[1], -0.010 * v[0] + q],
            (lo, hi), y, rtol=1e-11, atol=1e-6,
        ).y[:, -1]  # fmt: skip
    assert row["german_surviving_share"] == pytest.approx(y[1] / 60000, rel=1e-6)
    note = COMPARISON_NOTES[0]
    assert "at the start plus its arrivals" in note
    assert "share of its starting combat power" not in note


def test_the_row_shows_the_rules_day_and_the_depth(tmp_path: Path) -> None:
    """review21d H1: the row says when the rule fired and how deep the attacker went. With
    advance.scale 40 the advance runs at its cap, 60 km a day, while the attacker outnumbers
    the defender (rho = G/U > 1 to the end, the square law's solution): 300 km on day 5,
    7,200 km by day 60 x 2 = 120."""
    path_120 = _write(tmp_path, 0.006, 0.001, 50000, 100000, days=120)
    (plain,) = compare([str(path_120)])
    assert (plain["winner_decided_by"], plain["winner_decided_on_day"]) == (
        "attrition margin",
        None,
    )
    assert plain["attacker_depth_km"] is None  # no operations declared: no depth rule
    (fast,) = compare([str(path_120)], sets=["operations.advance.scale=40"])
    assert fast["winner_decided_by"] == "depth"
    assert fast["winner_decided_on_day"] == pytest.approx(5.0, rel=1e-9)
    assert fast["attacker_depth_km"] == pytest.approx(60.0 * 120, rel=1e-9)
    sol = solve_ivp(lambda _t, v: [-0.001 * v[1], -0.006 * v[0]], (0, 120), [5e4, 1e5], rtol=1e-10)
    assert np.all(sol.y[1] > sol.y[0])  # rho > 1 throughout: the cap holds every day

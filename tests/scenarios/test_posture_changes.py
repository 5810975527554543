"""Dated changes of posture (issue 13, docs/design/issue13-mechanisms.md 8.11): from a
change's day, over one day, a side named in it takes its new posture's fire factor."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from typer.testing import CliRunner

from forceratio import scenarios
from forceratio.scenarios.build import build
from forceratio.scenarios.run import run
from tests.scenarios.test_scenarios import inline_toml, run_fails_in_one_line, write

runner = CliRunner()
HASTY, PREPARED = 1.3, 1.5  # Dupuy's posture factors (modifiers table, hasty and prepared)

CHANGES = """
[modifiers.posture]
USSR = "hasty"
Germany = "attack"
changes = [
  { day = 3.0, USSR = "attack" },
  { day = 6.0, Germany = "prepared" },
]
"""


def _scenario(tmp_path: Path, extra: str) -> scenarios.Prepared:
    return scenarios.load(str(write(tmp_path, inline_toml(extra=extra))))


def _m_ussr(t: float) -> float:
    """The Soviet multiplier written out: hasty, to attack (1) over day 3 to 4."""
    return HASTY + (1.0 - HASTY) * min(max(t - 3.0, 0.0), 1.0)


def _m_germany(t: float) -> float:
    """The German one: attack (1), to prepared over day 6 to 7."""
    return 1.0 + (PREPARED - 1.0) * min(max(t - 6.0, 0.0), 1.0)


def test_the_multipliers_follow_the_changes(tmp_path: Path) -> None:
    prep = _scenario(tmp_path, CHANGES)
    assert prep.factors["posture.hasty"] == HASTY
    assert prep.factors["posture.prepared"] == PREPARED
    b = build(prep)
    knots = np.asarray(b.knots)
    assert knots.ndim == 1
    assert {3.0, 4.0, 6.0, 7.0} <= set(knots.tolist())
    for t in (0.0, 2.9, 3.0, 3.25, 3.5, 4.0, 5.0, 6.0, 6.5, 7.0, 9.5):
        u = np.interp(t, knots, np.asarray(b.multipliers["USSR"])[0])
        g = np.interp(t, knots, np.asarray(b.multipliers["Germany"])[0])
        assert u == pytest.approx(_m_ussr(t), rel=1e-14)
        assert g == pytest.approx(_m_germany(t), rel=1e-14)


def test_a_posture_change_matches_solve_ivp(tmp_path: Path) -> None:
    """The square law with the changing multipliers, written out by hand (inline_toml's
    rates and custom weights: combat power = men + 10 tanks) and integrated with solve_ivp."""
    out = run(_scenario(tmp_path, CHANGES))
    g, s = 0.03, 0.02

    def rhs(t: float, y: np.ndarray) -> list[float]:
        ps, pg = y
        return [-g * _m_germany(t) * max(pg, 0.0), -s * _m_ussr(t) * max(ps, 0.0)]

    sol = solve_ivp(rhs, (0, 10), [1100.0, 1000.0], rtol=1e-11, atol=1e-9, max_step=0.05)
    assert out.power_end["USSR"][0, 0] == pytest.approx(sol.y[0, -1], rel=1e-5)
    assert out.power_end["Germany"][0, 0] == pytest.approx(sol.y[1, -1], rel=1e-5)


def test_no_change_or_a_change_after_the_end_leaves_the_run_unchanged(tmp_path: Path) -> None:
    plain = run(_scenario(tmp_path, '[modifiers.posture]\nUSSR = "hasty"\n'))
    late = run(
        _scenario(
            tmp_path,
            '[modifiers.posture]\nUSSR = "hasty"\nchanges = [{ day = 10.0, USSR = "attack" }]\n',
        )
    )
    for side in ("USSR", "Germany"):
        np.testing.assert_array_equal(plain.losses[side], late.losses[side])


def test_changes_apply_in_order_of_day(tmp_path: Path) -> None:
    """Two changes of the same side, listed out of order: the later day wins after it
    (hasty, to prepared over day 3 to 4, to attack over day 6 to 7), whatever the order."""
    two = """
[modifiers.posture]
USSR = "hasty"
changes = [
  { day = 6.0, USSR = "attack" },
  { day = 3.0, USSR = "prepared" },
]
"""
    prep = _scenario(tmp_path, two)
    b = build(prep)
    knots = np.asarray(b.knots)
    for t, want in (
        (2.0, HASTY),
        (3.5, (HASTY + PREPARED) / 2),
        (5.0, PREPARED),
        (6.5, (PREPARED + 1.0) / 2),
        (9.0, 1.0),
    ):
        assert np.interp(t, knots, np.asarray(b.multipliers["USSR"])[0]) == pytest.approx(
            want, rel=1e-14
        )
    ordered = two.replace(
        '  { day = 6.0, USSR = "attack" },\n  { day = 3.0, USSR = "prepared" },',
        '  { day = 3.0, USSR = "prepared" },\n  { day = 6.0, USSR = "attack" },',
    )
    assert ordered != two
    a, c = run(prep), run(_scenario(tmp_path, ordered))
    for side in ("USSR", "Germany"):
        np.testing.assert_array_equal(a.losses[side], c.losses[side])


def test_smolensk_dates_its_changes() -> None:
    """The built-in Smolensk scenario: the Soviets attack from 23 July (day 13), Army Group
    Centre defends from 30 July (day 20); each change names its source."""
    pos = scenarios.load_scenario("smolensk-1941").modifiers.posture
    assert [(c.day, c.USSR, c.Germany) for c in pos.changes] == [
        (13.0, "attack", None),
        (20.0, None, "hasty"),
    ]
    assert all("http" in c.note and "verified" in c.note for c in pos.changes)


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ('[{ day = 5.0, USSR = "unprepared" }]', "USSR"),
        ('[{ day = -1.0, USSR = "attack" }]', "day"),
        ('[{ day = 5.0, USSR = "charge" }]', "USSR"),
        ('[{ day = 5.0, France = "attack" }]', "France"),
        ("[{ day = 5.0 }]", "names no side"),
        ('[{ day = 5.0, USSR = "attack" }, { day = 5.5, USSR = "prepared" }]', "less than a day"),
    ],
)
def test_bad_changes_are_one_line_exit_2(tmp_path: Path, changes: str, needle: str) -> None:
    path = write(tmp_path, inline_toml(extra=f"[modifiers.posture]\nchanges = {changes}\n"))
    run_fails_in_one_line(path, needle)

"""Dated changes of a sector's mobile count (issue 13, docs/design/issue13-mechanisms.md
8.12): from a change's day the enemy's capacity to encircle there is capacity * (count /
reference) ** exponent with the new count, so the capture rate steps at the dates; the run
is integrated in stages between them (:mod:`forceratio.scenarios.stages`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import scenarios
from forceratio.scenarios.build import build
from forceratio.scenarios.capacity import sector_capacity
from forceratio.scenarios.run import run
from tests.scenarios.test_scenarios import inline_toml, run_fails_in_one_line, write

RATE, REF = 0.05, 9.0  # the Soviet capture rate a day at the reference count, the reference
G, S = 0.03, 0.02  # inline_toml's German and Soviet kill rates
# The German count: 3 to day 4, 6 from day 4, 2 from day 7 (the file lists them out of order)
STEPS = [(0.0, 3.0), (4.0, 6.0), (7.0, 2.0)]
CHANGES = "[{ day = 7.0, Germany = 2.0, note = 'b' }, { day = 4.0, Germany = 6.0, note = 'a' }]"


def _toml(changes: str | None, exponent: float = 1.0, days: int = 10) -> str:
    """One sector, men only (no tanks: one category a side), the Germans attacking and the
    Soviet capture switch always on (a step at a ratio of 0.01), so the Soviets lose
    c(t) * men a day to capture besides the German fire."""
    capture = (
        "[operations.capture]\nrate = { USSR = 0.05 }\nratio = 0.01\nwidth = 0.0\n"
        f"mobile_reference = {{ Germany = {REF} }}\nmobile_exponent = {exponent}\n"
    )
    text = inline_toml(
        attacker='"Germany"',
        duration_days=str(days),
        ussr="{ personnel = 1000.0 }",
        germany="{ personnel = 800.0 }",
        extra=capture,
    )
    sector = 'name = "one"\nmobile = { Germany = 3.0 }\n'
    if changes is not None:
        sector += f"mobile_changes = {changes}\n"
    return text.replace('name = "one"\n', sector)


def _prep(tmp_path: Path, text: str, name: str = "s.toml") -> scenarios.Prepared:
    return scenarios.load(str(write(tmp_path, text, name)))


def _count(t: float) -> float:
    return [c for d, c in STEPS if d <= t][-1]


def _c(t: float, exponent: float = 1.0) -> float:
    """The capture rate written out: the piecewise rule of 8.9 on the count in force."""
    return float(RATE * (_count(t) / REF) ** exponent)


def test_the_capacity_follows_the_count_at_each_day(tmp_path: Path) -> None:
    prep = _prep(tmp_path, _toml(CHANGES, exponent=0.7))
    b = build(prep)
    par = b.par
    for t in (0.0, 3.99, 4.0, 5.5, 6.99, 7.0, 9.5):
        got = sector_capacity(prep.scenario, par, "USSR", 1, t)
        assert got is not None
        assert got[0, 0] == pytest.approx((_count(t) / REF) ** 0.7, rel=1e-14)
    f = b.engagement.red.flows  # the engagement starts with day 0's count
    assert f is not None
    assert f.capture_rate[0] == pytest.approx(_c(0.0, 0.7), rel=1e-14)


def test_a_stepping_capacity_matches_solve_ivp(tmp_path: Path) -> None:
    """The square law plus capture at the stepping rate, with the captured men as a third
    state, integrated by solve_ivp across the steps; the run's losses and its captured men
    (the operational quadrature) on several days."""
    out = run(_prep(tmp_path, _toml(CHANGES)), times=[2.0, 4.0, 5.5, 7.0, 8.5])

    def rhs(t: float, y: np.ndarray) -> list[float]:
        ps, pg, _ = y
        cap = _c(t) * max(ps, 0.0)
        return [-G * max(pg, 0.0) - cap, -S * max(ps, 0.0), cap]

    sol = solve_ivp(
        rhs, (0, 10), [1000.0, 800.0, 0.0], rtol=1e-11, atol=1e-9, max_step=0.01,
        t_eval=out.days, dense_output=True,
    )  # fmt: skip
    assert out.operations is not None
    for i, d in enumerate(out.days):
        for j, side in enumerate(("USSR", "Germany")):
            got = out.trajectory[side][0, 0, i, 0]
            assert got == pytest.approx(sol.y[j, i], rel=1e-6), (side, d)
        # the captured men by day: a trapezoid quadrature on a quarter-day grid (8.9)
        cap = out.operations.captured_men["USSR"][0, 0, 0, i]
        assert cap == pytest.approx(sol.y[2, i], rel=2e-4, abs=1e-6), d
    assert out.losses["USSR"][0, 0, 0] == pytest.approx(1000.0 - sol.y[0, -1], rel=1e-6)
    # the step is what the oracle has: without it (count 3 throughout) the numbers differ
    assert abs(sol.y[2, -1] - out.operations.captured["USSR"][0, 0, 0]) < 1e-3 * sol.y[2, -1]


def test_no_change_or_a_change_after_the_end_leaves_the_run_unchanged(tmp_path: Path) -> None:
    plain = run(_prep(tmp_path, _toml(None)))
    late = run(_prep(tmp_path, _toml("[{ day = 10.0, Germany = 6.0 }]"), "late.toml"))
    empty = run(_prep(tmp_path, _toml("[]"), "empty.toml"))
    for other in (late, empty):
        np.testing.assert_array_equal(plain.record_model, other.record_model)
        for side in ("USSR", "Germany"):
            np.testing.assert_array_equal(plain.losses[side], other.losses[side])
            np.testing.assert_array_equal(plain.trajectory[side], other.trajectory[side])
        assert plain.operations is not None
        assert other.operations is not None
        np.testing.assert_array_equal(
            plain.operations.captured["USSR"], other.operations.captured["USSR"]
        )


def test_a_change_to_the_same_count_is_the_unstaged_run(tmp_path: Path) -> None:
    """A stage boundary where nothing changes: the same equations, integrated in two
    pieces (the integrator's tolerance apart), the schedules shifted right.  On a day of
    the quadratures' grid: a change day is a node of theirs, a day a run only records is
    not (tests/model/test_recorded_days_independence.py)."""
    plain = run(_prep(tmp_path, _toml(None)), times=[4.5])
    same = run(_prep(tmp_path, _toml("[{ day = 4.0, Germany = 3.0 }]"), "same.toml"))
    for side in ("USSR", "Germany"):
        np.testing.assert_allclose(plain.losses[side], same.losses[side], rtol=1e-7)
    assert plain.operations is not None
    assert same.operations is not None
    # (the change day is a node of the quadrature: the plain run has it on its grid)
    np.testing.assert_allclose(
        plain.operations.captured["USSR"], same.operations.captured["USSR"], rtol=1e-7
    )


def test_changes_apply_in_order_of_day_whatever_their_order(tmp_path: Path) -> None:
    a = run(_prep(tmp_path, _toml(CHANGES)))
    swapped = "[{ day = 4.0, Germany = 6.0, note = 'a' }, { day = 7.0, Germany = 2.0, note = 'b' }]"
    b = run(_prep(tmp_path, _toml(swapped), "b.toml"))
    for side in ("USSR", "Germany"):
        np.testing.assert_array_equal(a.losses[side], b.losses[side])
    assert a.operations is not None
    assert b.operations is not None
    np.testing.assert_array_equal(a.operations.captured["USSR"], b.operations.captured["USSR"])


def test_a_stage_with_a_surprise_and_arrivals_matches_solve_ivp(tmp_path: Path) -> None:
    """The schedules are shifted to each stage's start: a Soviet fire multiplier falling
    from 2 to 1 over days 0-6 (Dupuy's surprise, the Soviets surprising) and Soviet
    arrivals of 300 men over days 2-8, across changes on days 4 and 7."""
    extra = (
        '[modifiers.surprise]\nsurprised = "Germany"\nlevel = "complete"\ndecay_days = 6.0\n'
        "surpriser_fire = 2.0\nsurprised_fire = 1.0\n"
    )
    text = _toml(CHANGES).replace("[operations.capture]", extra + "[operations.capture]")
    text = text.replace(
        "[[sectors.forces.Germany]]",
        "[[sectors.arrivals.USSR]]\nstart_day = 2.0\nend_day = 8.0\n"
        "parts = [{ inline = { personnel = 300.0 } }]\n[[sectors.forces.Germany]]",
    )
    out = run(_prep(tmp_path, text))

    def m_ussr(t: float) -> float:
        return 1.0 + (2.0 - 1.0) * max(1.0 - t / 6.0, 0.0)

    def rhs(t: float, y: np.ndarray) -> list[float]:
        ps, pg, _ = y
        cap = _c(t) * max(ps, 0.0)
        inflow = 50.0 if 2.0 <= t < 8.0 else 0.0
        # the capture switch is on throughout (ratio 0.01), whatever the multipliers
        return [inflow - G * max(pg, 0.0) - cap, -S * m_ussr(t) * max(ps, 0.0), cap]

    sol = solve_ivp(
        rhs, (0, 10), [1000.0, 800.0, 0.0], rtol=1e-11, atol=1e-9, max_step=0.01,
        t_eval=out.days,
    )  # fmt: skip
    for j, side in enumerate(("USSR", "Germany")):
        np.testing.assert_allclose(out.trajectory[side][0, 0, :, 0], sol.y[j], rtol=1e-6)
    assert out.operations is not None
    np.testing.assert_allclose(
        out.operations.captured_men["USSR"][0, 0, 0], sol.y[2], rtol=2e-4, atol=1e-6
    )


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ("[{ day = 5.0 }]", "names no side"),
        ("[{ day = 5.0, USSR = 2.0 }]", "mobile does not count"),
        ("[{ day = 0.0, Germany = 2.0 }]", "day"),
        ("[{ day = 5.0, Germany = -1.0 }]", "Germany"),
        ("[{ day = 5.0, France = 1.0 }]", "France"),
        ("[{ day = 5.0, Germany = 1.0 }, { day = 5.0, Germany = 2.0 }]", "twice"),
    ],
)
def test_bad_changes_are_one_line_exit_2(tmp_path: Path, changes: str, needle: str) -> None:
    run_fails_in_one_line(write(tmp_path, _toml(changes)), needle)


def test_replications_are_refused_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from forceratio.cli.app import app

    path = write(tmp_path, _toml(CHANGES))
    res = CliRunner().invoke(app, ["run", str(path), "--replications", "3", "--seed", "1"])
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "mobile_changes" in lines[0]


def test_a_break_in_a_later_stage_keeps_the_day_0_level(tmp_path: Path) -> None:
    """The Soviets break at 75% of their day-0 men: in the second stage (days 4-7), at the
    time solve_ivp's event finds; the stage restarts keep the level, not 75% of the men
    left on day 4."""
    out = run(_prep(tmp_path, _toml(CHANGES)), samples={"breakpoints.USSR": [0.75]})

    def rhs(t: float, y: np.ndarray) -> list[float]:
        ps, pg = y
        return [-G * max(pg, 0.0) - _c(t) * max(ps, 0.0), -S * max(ps, 0.0)]

    def broke(t: float, y: np.ndarray) -> float:
        return float(y[0] - 750.0)

    broke.terminal = True  # type: ignore[attr-defined]
    sol = solve_ivp(rhs, (0, 10), [1000.0, 800.0], rtol=1e-11, atol=1e-9, max_step=0.01,
                    events=broke)  # fmt: skip
    t_break = float(sol.t_events[0][0])
    assert 4.0 < t_break < 7.0
    assert out.duration[0, 0] == pytest.approx(t_break, rel=1e-6)
    assert out.final["USSR"][0, 0, 0] == pytest.approx(750.0, rel=1e-6)
    assert out.final["Germany"][0, 0, 0] == pytest.approx(sol.y[1, -1], rel=1e-6)


def test_the_record_scenarios_date_their_counts() -> None:
    """Army Group North's panzer divisions at Leningrad (8.12): 3 on 10 July, 4 from 21
    August (the XXXIX Motorised Corps' 12th Panzer), 2 from 16 September (the XLI Panzer
    Corps to Army Group Centre); Army Group Centre's 14 for Typhoon.  Each change names
    its source."""
    sec = scenarios.load_scenario("leningrad-1941").sectors[0]
    assert sec.mobile == {"Germany": 3.0}
    assert [(c.day, c.Germany) for c in sec.mobile_changes] == [(42.0, 4.0), (68.0, 2.0)]
    assert all("verified" in c.note for c in sec.mobile_changes)
    assert scenarios.load_scenario("vyazma-1941").sectors[0].mobile == {"Germany": 14.0}
    for name in ("leningrad-1941", "vyazma-1941"):
        assert scenarios.load_scenario(name).operations.capture.mobile_reference == {"Germany": REF}

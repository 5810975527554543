"""A side held at the start (nothing present, arrivals due: :func:`forceratio.simulator.runs.
hold_until`) stays held across a staged scenario's change days.

The Germans start with nothing in the sector, their 900 men arriving evenly by day 9, and
break at half of what came in (450 men; the Soviets fight on); a mobile count changes on
day 4, so the run is integrated in two stages (:mod:`forceratio.scenarios.stages`), with
capture off (the stages' equations are the same).  Before the fix the stage from day 4
restarted the Germans at about 320 men, no longer held and below their level, with a
breakpoint clipped to just under 1 of that: their level fell to about 320 men, and they had
not broken by day 30.  Oracle: solve_ivp of the scenario's equations (inline_toml's rates,
the side with nothing left taking no fire) and the end rule from its definition: not out
before the last arrival, then out where the German men fall to half of the 900.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import scenarios
from forceratio.scenarios.run import run
from tests.scenarios.test_scenarios import inline_toml, write

G, S = 0.03, 0.02  # inline_toml's German and Soviet kill rates
DUE, MEN_G, MEN_S, DAYS, BREAK = 9.0, 900.0, 1000.0, 30.0, 0.5


def _toml(staged: bool) -> str:
    extra = (
        f"breakpoints = {{ Germany = {BREAK} }}\n"
        f'[presence.strip]\nside = "Germany"\nsector = "one"\nend_day = {DUE}\npersonnel = 0.0\n'
        "[operations.capture]\nmobile_reference = { Germany = 3.0 }\n"  # the rates stay 0
    )
    text = inline_toml(
        attacker='"Germany"', duration_days=f"{DAYS:g}", ussr=f"{{ personnel = {MEN_S} }}",
        germany=f"{{ personnel = {MEN_G} }}", extra=extra,
    )  # fmt: skip
    sector = 'name = "one"\nmobile = { Germany = 3.0 }\n'
    if staged:
        sector += "mobile_changes = [{ day = 4.0, Germany = 6.0 }]\n"
    return text.replace('name = "one"\n', sector, 1)


def _oracle() -> tuple[float, float, float]:
    """The day the Germans break, and both sides' men then (solve_ivp with an event)."""
    a = MEN_G / DUE

    def rhs(t: float, y: np.ndarray) -> list[float]:
        s, g = y
        return [-G * g if s > 0 else 0.0, (a if t < DUE else 0.0) - (S * s if g > 0 else 0.0)]

    def broken(t: float, y: np.ndarray) -> float:
        return float(y[1] - BREAK * MEN_G)

    broken.terminal, broken.direction = True, -1  # type: ignore[attr-defined]
    y = solve_ivp(rhs, (0.0, DUE), [MEN_S, 0.0], method="DOP853", rtol=1e-12, atol=1e-10)
    assert y.y[1, -1] > BREAK * MEN_G  # the Germans are above their level at the last arrival
    after = solve_ivp(rhs, (DUE, DAYS), y.y[:, -1], method="DOP853", rtol=1e-12, atol=1e-10,
                      events=broken)  # fmt: skip
    t_break = float(after.t_events[0][0])
    s_end, g_end = after.y_events[0][0]
    return t_break, float(s_end), float(g_end)


@pytest.mark.parametrize("staged", [False, True])
def test_a_held_side_is_not_out_before_its_last_arrival_in_any_stage(
    tmp_path: Path, staged: bool
) -> None:
    out = run(scenarios.load(str(write(tmp_path, _toml(staged)))), rtol=1e-10)
    t_break, s_end, g_end = _oracle()
    assert DUE < t_break < DAYS
    assert out.end_reason[0, 0] == "Germany broke"
    assert out.winner[0, 0] == "USSR"
    assert out.duration[0, 0] == pytest.approx(t_break, rel=1e-7)
    assert out.final["USSR"][0, 0, 0] == pytest.approx(s_end, rel=1e-7)
    assert out.final["Germany"][0, 0, 0] == pytest.approx(g_end, rel=1e-7)
    assert math.isclose(out.arrived["Germany"][0, 0, 0], MEN_G, rel_tol=1e-9)


@pytest.mark.parametrize("staged", [False, True])
def test_a_side_held_at_0_across_a_stage_breaks_at_its_last_arrival(
    tmp_path: Path, staged: bool
) -> None:
    """10,000 Soviets fire 200 men a day at the Germans arriving at 100: the Germans stay at
    0, each arrival lost as it comes (the sliding mode at 0), and break on day 9, their
    last arrival, at 0 of the 900 that came (not annihilated: their breakpoint, half of
    what came, decides; the Soviets untouched).  Before the fix the stage from day 4 kept
    their hold but measured their breakpoint against their 0 men: annihilated instead."""
    text = _toml(staged).replace(f"personnel = {MEN_S}", "personnel = 10000.0")
    out = run(scenarios.load(str(write(tmp_path, text))), rtol=1e-10)
    assert out.end_reason[0, 0] == "Germany broke"
    assert out.winner[0, 0] == "USSR"
    assert out.duration[0, 0] == DUE
    assert out.final["USSR"][0, 0, 0] == 10000.0
    assert out.final["Germany"][0, 0, 0] == 0.0
    assert math.isclose(out.arrived["Germany"][0, 0, 0], MEN_G, rel_tol=1e-9)

"""A scenario side with nothing present on day 0 and the rest due: the run goes on.

Oracle: solve_ivp of the scenario's equations (inline_toml's rates; the side with nothing
left takes no fire) and the margin from its definition (what each side keeps of what it
had plus what came in).  Before the fix the Germans were annihilated on day 0.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import scenarios
from forceratio.cli import run as cli
from forceratio.scenarios.run import run
from tests.scenarios.test_scenarios import inline_toml, write

G, S = 0.03, 0.02  # inline_toml's German and Soviet kill rates
DUE, MEN_G, MEN_S, DAYS = 9.0, 900.0, 1000.0, 12.0  # German men all due evenly by day 9


def _toml() -> str:
    extra = (
        f'[presence.strip]\nside = "Germany"\nsector = "one"\nend_day = {DUE}\npersonnel = 0.0\n'
    )
    return inline_toml(
        attacker='"Germany"', duration_days=f"{DAYS:g}", ussr=f"{{ personnel = {MEN_S} }}",
        germany=f"{{ personnel = {MEN_G} }}", extra=extra,
    )  # fmt: skip


def _oracle() -> np.ndarray:
    a = MEN_G / DUE

    def rhs(t: float, y: np.ndarray) -> list[float]:
        s, g = y
        return [-G * g if s > 0 else 0.0, (a if t < DUE else 0.0) - (S * s if g > 0 else 0.0)]

    y = np.array([MEN_S, 0.0])
    for lo, hi in ((0.0, DUE), (DUE, DAYS)):
        y = solve_ivp(rhs, (lo, hi), y, method="DOP853", rtol=1e-12, atol=1e-10).y[:, -1]
    return y


def test_a_side_from_zero_fights_on_and_its_margin_counts_what_came_in(tmp_path: Path) -> None:
    out = run(scenarios.load(str(write(tmp_path, _toml()))), operational=True, rtol=1e-10)
    s_end, g_end = _oracle()
    assert out.final["USSR"][0, 0, 0] == pytest.approx(s_end, rel=1e-7)
    assert out.final["Germany"][0, 0, 0] == pytest.approx(g_end, rel=1e-7)
    assert out.arrived["Germany"][0, 0, 0] == pytest.approx(MEN_G, rel=1e-9)
    assert out.operations is not None
    assert out.operations.margin[0, 0] == pytest.approx(g_end / MEN_G - s_end / MEN_S, rel=1e-7)


def _no_nan(value: object) -> None:
    if isinstance(value, float):
        assert math.isfinite(value)
    elif isinstance(value, dict):
        for v in value.values():
            _no_nan(v)
    elif isinstance(value, list):
        for v in value:
            _no_nan(v)


def test_the_strike_with_no_german_present_runs_past_day_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sets = [f"presence.strip.{c}=0" for c in ("personnel", "guns_mortars", "tanks", "aircraft")]
    args = ["run", "strike-12june-strip", "--format", "json"]
    for s in sets:
        args += ["--set", s]
    assert cli(args) == 0
    row = json.loads(capsys.readouterr().out)
    _no_nan(row)
    assert row["duration_days"] > DUE  # the Germans' arrivals are due by day 9
    assert math.isfinite(row["attacker_margin"])
    assert 0.0 <= row["german_surviving_share"] <= 1.0
    assert row["german_losses"] > 0.0
    assert row["soviet_losses"] > 0.0

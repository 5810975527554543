"""The operational quadratures (captured, non-combat, advance depth) of a two-side run
against solve_ivp of the same equations with each flow as a state (rtol 1e-10): a step
capture switch and the advance's step at parity, with arrivals and without."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import scenarios
from forceratio.scenarios.run import run
from tests.scenarios.test_scenarios import inline_toml, write

G, S = 0.03, 0.02  # inline_toml's German and Soviet kill rates (men only, multipliers 1)
CAP, RATIO, NC, ADV = (0.04, 0.01), 1.2, (0.01, 0.02), (5.0, 1.5, 40.0)
ARRIVALS = {"Germany": (2.5, 6.3, 500.0), "USSR": (4.0, 9.0, 300.0)}  # start, end, men


def _toml(arrivals: bool, width: float, share: float = 0.9, depth: float = 5000.0) -> str:
    extra = (
        f"[operations.capture]\nrate = {{ USSR = {CAP[0]}, Germany = {CAP[1]} }}\n"
        f"ratio = {RATIO}\nwidth = {width}\n[operations.noncombat]\n"
        f"USSR = {{ personnel = {NC[0]} }}\nGermany = {{ personnel = {NC[1]} }}\n"
        f"[operations.advance]\nscale = {ADV[0]}\nexponent = {ADV[1]}\ncap = {ADV[2]}\n"
        f"[operations.outcome]\ncaptured_share = {share}\ndepth_km = {depth}\n"
    )
    text = inline_toml(
        attacker='"Germany"', duration_days="20", ussr="{ personnel = 1000.0 }",
        germany="{ personnel = 900.0 }", extra=extra,
    )  # fmt: skip
    if arrivals:
        for side, (lo, hi, men) in ARRIVALS.items():
            text += (
                f"[[sectors.arrivals.{side}]]\nstart_day = {lo}\nend_day = {hi}\n"
                f"parts = [{{ inline = {{ personnel = {men} }} }}]\n"
            )
    return text


def _oracle(arrivals: bool, width: float) -> tuple[np.ndarray, Callable[[float], np.ndarray]]:
    """Soviet and German men, then captured, non-combat (each side) and depth at day 20;
    and the solution's dense output."""

    def inflow(t: float, side: str) -> float:
        lo, hi, men = ARRIVALS[side]
        return men / (hi - lo) if arrivals and lo <= t < hi else 0.0

    def switch(enemy: float, own: float) -> float:
        z = np.log(enemy / own / RATIO)
        return float(1 / (1 + np.exp(-z / width))) if width > 0 else float(z >= 0)

    def rhs(t: float, y: np.ndarray) -> list[float]:
        s, g = y[0], y[1]
        es, eg = CAP[0] * switch(g, s), CAP[1] * switch(s, g)
        rho = g / s  # the Germans attack
        v = 0.0 if rho < 1 else min(ADV[0] * rho ** ADV[1], ADV[2])
        return [
            -G * g - es * s - NC[0] * s + inflow(t, "USSR"),
            -S * s - eg * g - NC[1] * g + inflow(t, "Germany"),
            es * s, eg * g, NC[0] * s, NC[1] * g, v,
        ]  # fmt: skip

    sol = solve_ivp(
        rhs, (0, 20), [1000.0, 900.0, 0, 0, 0, 0, 0], method="DOP853", rtol=1e-10,
        atol=1e-9, max_step=0.05, dense_output=True,
    )  # fmt: skip
    return np.asarray(sol.y[:, -1]), sol.sol


@pytest.mark.parametrize("arrivals", [False, True])
@pytest.mark.parametrize("width", [0.0, 0.3])
def test_split_and_depth_match_solve_ivp(tmp_path: Path, arrivals: bool, width: float) -> None:
    prep = scenarios.load(str(write(tmp_path, _toml(arrivals, width))))
    out = run(prep, operational=True, rtol=1e-10)
    ops = out.operations
    assert ops is not None
    want = _oracle(arrivals, width)[0]
    assert out.final["USSR"][0, 0, 0] == pytest.approx(want[0], rel=1e-7)
    got = [
        ops.captured["USSR"][0, 0, 0], ops.captured["Germany"][0, 0, 0],
        ops.noncombat["USSR"][0, 0, 0], ops.noncombat["Germany"][0, 0, 0], ops.depth[0, 0, 0],
    ]  # fmt: skip
    # the trapezoid across a step (switch, parity) was off by up to 0.54%; what is left is
    # the strengths' linear interpolation within a recorded day (arrivals bend them)
    np.testing.assert_allclose(got, want[2:], rtol=1.5e-3, atol=1e-9)


@pytest.mark.parametrize(
    ("arrivals", "share", "depth", "state", "level", "rule"),
    [(False, 20.0 / 900.0, 5000.0, 3, 20.0, "captured"),
     (True, 0.9, 100.0, 6, 100.0, "depth")],
)  # fmt: skip
def test_the_outcome_rule_fires_where_the_quadrature_passes_its_level(
    tmp_path: Path, arrivals: bool, share: float, depth: float, state: int, level: float,
    rule: str,
) -> None:  # fmt: skip
    """The German captured men passing 20 (a step switch that turns on near day 11.09) and
    the advance passing 100 km: the day the rule fires, against solve_ivp's (a root search on
    its dense output); main took the next quarter day (up to 0.25 days late)."""
    from scipy.optimize import brentq

    prep = scenarios.load(str(write(tmp_path, _toml(arrivals, 0.0, share, depth))))
    ops = run(prep, operational=True, rtol=1e-10).operations
    assert ops is not None
    assert ops.decided_by[0, 0] == rule
    sol = _oracle(arrivals, 0.0)[1]
    when = brentq(lambda t: float(sol(t)[state]) - level, 0.01, 20.0, xtol=1e-12)
    # to the quadrature's own accuracy: 1e-3 of 100 km at ~10 km/day is 0.01 days
    assert ops.decided_at[0, 0] == pytest.approx(when, abs=0.02)

"""The time a side fought to 0 reaches it where its fall is extrapolated over a large part
of the battle: Helmbold W 0.002-0.005, power law q 0.99-0.995.
Before: linear in u = X**(1 - q) from ZERO_REACH tolerances (1e-297) on, a quarter of the
battle at W 0.002 (X0 1e7): off by up to 9.0e-2 (median 7.9e-4) at W 0.002, 1.7e-2 at
0.003, 2.5e-4 at 0.005; now as the square law in u (integrator's near_zero.zero_time: u'' =
omega**2 u, omega**2 from du/dt's central difference), exact for Helmbold.

Oracles: Helmbold's exact solution (u = R**W, v = B**W obey the square law with rates W a,
W b; helmbold_cases.helmbold_end), and for the power law solve_ivp (DOP853, rtol 1e-12) on
the same equations in u = X**(1 - q), v: du/dt = -(1 - q) b v**(p/(1 - q)), smooth to 0,
with an event at u = 0 or v = 0 (_power)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import battle
from tests.simulator.helmbold_cases import battles, helmbold_end


@pytest.mark.parametrize("w", [0.002, 0.003, 0.005])
def test_the_extrapolated_end_time_follows_the_square_law_in_u(w: float) -> None:
    # main: max 9.0e-2, 1.7e-2, 2.5e-4 (median 7.9e-4, 1.7e-4, 3.3e-5); now <= 4e-7
    r0, b0, a, b = battles(w, 60, 21)
    assert r0.size == 60
    red, t_star = helmbold_end(r0, b0, a, b, w)
    r = battle("helmbold", r0, b0, a, b, w=w, annihilation=0.0, t_max=1e12)
    assert list(r.winner) == ["red" if x else "blue" for x in red]
    assert np.all(r.end_reason == "annihilation")
    assert np.max(np.abs(r.duration / t_star - 1)) < 2e-6


def _power(r0: float, b0: float, a: float, b: float, p: float, q: float) -> tuple[str, float]:
    e = p / (1 - q)

    def rhs(t: float, z: np.ndarray) -> list[float]:
        u, v = max(z[0], 0.0), max(z[1], 0.0)
        return [-(1 - q) * b * v**e, -(1 - q) * a * u**e]

    def red_out(t: float, z: np.ndarray) -> float:
        return float(z[0])

    def blue_out(t: float, z: np.ndarray) -> float:
        return float(z[1])

    red_out.terminal = blue_out.terminal = True  # type: ignore[attr-defined]
    sol = solve_ivp(rhs, (0.0, 1e9), [r0 ** (1 - q), b0 ** (1 - q)], method="DOP853",
                    rtol=1e-12, atol=1e-14, events=[red_out, blue_out])  # fmt: skip
    if sol.t_events[0].size:
        return "blue", float(sol.t_events[0][0])
    return "red", float(sol.t_events[1][0])


@pytest.mark.parametrize(("p", "q"), [(1.0, 0.99), (1.5, 0.995)])
def test_a_power_law_side_extrapolated_to_0_matches_solve_ivp(p: float, q: float) -> None:
    # main: max 1.3e-6 (q 0.99), 4.3e-5 (q 0.995); now 3.7e-8, 6.7e-8
    rng = np.random.default_rng(7)
    n = 20
    r0 = np.round(10 ** rng.uniform(1, 4, n))
    b0 = np.round(r0 * 10 ** rng.uniform(-1, 0.2, n))
    scale = 10 / r0 ** (p + q - 1)  # battles of 10^3 to 10^4 days
    a, b = 10 ** rng.uniform(-3, -2, n) * scale, 10 ** rng.uniform(-3, -2, n) * scale
    want = [_power(*z, p, q) for z in zip(r0, b0, a, b, strict=True)]
    r = battle("power", r0, b0, a, b, p=p, q=q, annihilation=0.0, t_max=1e9)
    assert list(r.winner) == [x[0] for x in want]
    t_star = np.array([x[1] for x in want])
    assert np.max(np.abs(r.duration / t_star - 1)) < 5e-7

"""The time a side fought to 0 reaches it where its fall is extrapolated over a large part
of the battle: Helmbold W 0.002-0.005, power law q 0.99-0.995.
Before: linear in u = X**(1 - q) from ZERO_REACH tolerances (1e-297) on, a quarter of the
battle at W 0.002 (X0 1e7): off by up to 9.0e-2 (median 7.9e-4) at W 0.002, 1.7e-2 at
0.003, 2.5e-4 at 0.005; now as the square law in u (integrator's near_zero.zero_time: u'' =
omega**2 u, omega**2 from du/dt's central difference), exact for Helmbold.

Oracles: Helmbold's exact solution (u = R**W, v = B**W obey the square law with rates W a,
W b; test_zero_end_time_tolerance_floor._helmbold), and for the power law solve_ivp (DOP853, rtol
1e-12) in u (test_zero_end_time_tolerance_floor._power)."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio import battle
from tests.simulator.test_zero_end_time_tolerance_floor import _battles, _helmbold, _power


@pytest.mark.parametrize("w", [0.002, 0.003, 0.005])
def test_the_extrapolated_end_time_follows_the_square_law_in_u(w: float) -> None:
    # main: max 9.0e-2, 1.7e-2, 2.5e-4 (median 7.9e-4, 1.7e-4, 3.3e-5); now <= 4e-7
    r0, b0, a, b = _battles(w, 60, 21)
    assert r0.size == 60
    red, t_star = _helmbold(r0, b0, a, b, w)
    r = battle("helmbold", r0, b0, a, b, w=w, annihilation=0.0, t_max=1e12)
    assert list(r.winner) == ["red" if x else "blue" for x in red]
    assert np.all(r.end_reason == "annihilation")
    assert np.max(np.abs(r.duration / t_star - 1)) < 2e-6


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

"""review21d L6: ``Reinforcements`` needs only the form it uses; the other is empty."""

from __future__ import annotations

import math

import numpy as np
import pytest

from forceratio import Engagement, Reinforcements, make_side, simulate
from forceratio.simulator.laws import get_law

A, B = 0.01, 0.012  # red's and blue's kill rates (square law, a day)


def _square(r0: float, b0: float, t: float) -> tuple[float, float]:
    """Lanchester's square law in closed form: R' = -B b, B' = -R a (Lanchester 1916)."""
    w = math.sqrt(A * B)
    r = r0 * math.cosh(w * t) - math.sqrt(B / A) * b0 * math.sinh(w * t)
    b = b0 * math.cosh(w * t) - math.sqrt(A / B) * r0 * math.sinh(w * t)
    return r, b


def _blue_end(reinf: Reinforcements) -> tuple[float, float]:
    red = make_side("red", 1000.0, A, n=1, k_enemy=1)
    blue = make_side("blue", 800.0, B, n=1, k_enemy=1, reinforcements=reinf)
    res = simulate(Engagement(get_law("square"), red, blue), t_max=10.0)
    return float(np.ravel(res.red_final)[0]), float(np.ravel(res.blue_final)[0])


def test_discrete_arrivals_alone() -> None:
    """300 blue on day 5: the closed form to day 5, then again from the new state."""
    r5, b5 = _square(1000.0, 800.0, 5.0)
    want = _square(r5, b5 + 300.0, 5.0)
    got = _blue_end(Reinforcements(np.array([5.0]), np.array([[300.0]])))
    assert got == pytest.approx(want, rel=1e-6)


def test_daily_arrivals_alone() -> None:
    """60 a day over days 0-5: solve_ivp on R' = -b B, B' = -a R + 60 (t < 5)."""
    from scipy.integrate import solve_ivp

    def f(t: float, y: np.ndarray) -> list[float]:
        return [-B * y[1], -A * y[0] + (60.0 if t < 5.0 else 0.0)]

    ivp = solve_ivp(f, (0.0, 10.0), [1000.0, 800.0], rtol=1e-10, atol=1e-8, t_eval=[10.0],
                    first_step=1e-3, max_step=0.05)  # fmt: skip
    got = _blue_end(Reinforcements(rate_knots=np.array([0.0, 5.0]), rates=np.array([[60.0]])))
    assert got == pytest.approx((ivp.y[0, -1], ivp.y[1, -1]), rel=1e-5)

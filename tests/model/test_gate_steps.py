"""A steep capture gate crossed while the fire multipliers change is integrated to the
tolerance (review20b MED-2).  Before: red on day 100 at 9152.27 against 9150.75 (1.7e-4,
3,000 times rtol): one step of 2.1 days swept through the gate (width 0.1 in ln rho, ln
rho falling by 3.2 in 3 days) and the error estimate, its stages on the gate's flanks, let
it pass.

Oracle: solve_ivp (DOP853, rtol 1e-13) of the documented equations (a power law p = 1,
q = 2; capture c / (1 + (rho*/rho)^(1/w)) / (1 + (g/rho)^(1/gw)) of red, rho the enemy's
strength times its multiplier over red's; multipliers linear between their knots), split
at the knots."""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from forceratio.simulator.engagement import Engagement, make_side
from forceratio.simulator.laws import get_law
from forceratio.simulator.operational import make_flows
from forceratio.simulator.schedules import Multiplier
from forceratio.simulator.solve import simulate

P, Q, R0, B0 = 1.0, 2.0, 11612.0, 19502.0
A, B = 7.156357946098063e-12, 6.10760834824993e-12
KNOTS = np.array([1.22, 4.27, 10.22])
M_RED, M_BLUE = np.array([0.2332, 1.3647, 1.2624]), np.array([0.8658, 0.2054, 1.0638])
CAPTURE = 0.0017895


def _oracle(star: float, width: float, gate: float, gate_width: float, t_end: float) -> float:
    """Red's strength on day ``t_end``."""

    def capture(rho: float) -> float:
        e = CAPTURE / (1.0 + (star / rho) ** (1.0 / width))
        return float(e / (1.0 + (gate / rho) ** (1.0 / gate_width)) if gate > 0 else e)

    def f(t: float, y: np.ndarray) -> list[float]:
        r, b = y
        mr, mb = np.interp(t, KNOTS, M_RED), np.interp(t, KNOTS, M_BLUE)
        return [-B * mb * b**P * r**Q - capture(b * mb / (r * mr)) * r, -A * mr * r**P * b**Q]

    y, t0 = np.array([R0, B0]), 0.0
    for t1 in (*KNOTS, t_end):
        y = solve_ivp(f, (t0, t1), y, method="DOP853", rtol=1e-13, atol=1e-10).y[:, -1]
        t0 = t1
    return float(y[0])


def test_a_steep_gate_crossed_while_multipliers_change() -> None:
    star, width, gate, gate_width = 0.5059, 1.2147, 0.5, 0.1
    flows = make_flows(1, 1, capture_rate=CAPTURE, capture_ratio=star, capture_width=width,
                       capture_gate=gate, gate_width=gate_width)  # fmt: skip
    red = make_side("red", R0, A, n=1, k_enemy=1, multiplier=Multiplier(KNOTS, M_RED[None]),
                    flows=flows)  # fmt: skip
    blue = make_side("blue", B0, B, n=1, k_enemy=1, multiplier=Multiplier(KNOTS, M_BLUE[None]))
    r = simulate(Engagement(get_law("power", p=P, q=Q), red, blue), t_max=100.0)
    exact = _oracle(star, width, gate, gate_width, 100.0)
    assert abs(r.red_final[0] / exact - 1) < 1e-6  # main: 1.7e-4

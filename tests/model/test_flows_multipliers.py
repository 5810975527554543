"""The capture flow when the two sides' fire multipliers differ (review19a's surviving
mutant K8: every other capture oracle has multiplier 1 on both sides).  The ratio that
drives capture is each side's weighted strength times its own fire multiplier (kernel
``flows``: "rho the enemy's weighted strength times its fire multiplier over the side's
own"); solve_ivp integrates those equations, written here without the engine's code."""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from forceratio.simulator.engagement import Engagement, make_side
from forceratio.simulator.laws import get_law
from forceratio.simulator.operational import make_flows
from forceratio.simulator.schedules import Multiplier
from forceratio.simulator.solve import simulate


def _m_red(t: float) -> float:
    """Red's surprise: 3 at day 0, falling linearly to 1 by day 5 (Multiplier.linear_decay)."""
    return 3.0 - 0.4 * t if t < 5.0 else 1.0


M_BLUE = 0.5  # blue's constant fire multiplier


def _eps(rho: float, c: float, star: float, width: float) -> float:
    return float(c / (1.0 + np.exp(-(np.log(rho) - np.log(star)) / width)))


def test_capture_with_unequal_fire_multipliers_matches_solve_ivp() -> None:
    """Square law, both sides captured: red at rate eps_r(rho_r) with rho_r = M_b B / (m_r R),
    blue at eps_b(rho_b) with rho_b = m_r R / (M_b B); each side's fire times its multiplier."""
    a0, b0, ka, kb = 1000.0, 1600.0, 0.01, 0.02
    cr, star_r, wr = 0.05, 1.5, 0.3
    cb, star_b, wb = 0.04, 1.2, 0.25

    def rhs(t: float, y: np.ndarray) -> list[float]:
        r, b, _cap_r, _cap_b = y
        e_r = e_b = 0.0
        if r > 0 and b > 0:
            rho_r = M_BLUE * b / (_m_red(t) * r)
            e_r, e_b = _eps(rho_r, cr, star_r, wr), _eps(1.0 / rho_r, cb, star_b, wb)
        return [-kb * M_BLUE * b - e_r * r, -ka * _m_red(t) * r - e_b * b, e_r * r, e_b * b]

    t_max = 20.0
    times = np.linspace(0.0, t_max, 81)
    want = np.empty((4, times.size))
    y0 = [a0, b0, 0.0, 0.0]
    for lo, hi in ((0.0, 5.0), (5.0, t_max)):  # the ramp's kink at day 5
        sel = (times >= lo) & (times <= hi)
        sol = solve_ivp(rhs, (lo, hi), y0, t_eval=times[sel], rtol=1e-11, atol=1e-9,
                        method="DOP853")  # fmt: skip
        want[:, sel] = sol.y
        y0 = list(sol.y[:, -1])
    assert want[2, -1] > 10.0  # red is captured in earnest
    assert want[3, -1] > 10.0  # and so is blue, while red's surprise lasts
    red = make_side(
        "red", a0, ka, n=1, k_enemy=1, multiplier=Multiplier.linear_decay(3.0, 5.0),
        flows=make_flows(1, 1, capture_rate=cr, capture_ratio=star_r, capture_width=wr),
    )  # fmt: skip
    blue = make_side(
        "blue", b0, kb, n=1, k_enemy=1, multiplier=Multiplier.constant(M_BLUE),
        flows=make_flows(1, 1, capture_rate=cb, capture_ratio=star_b, capture_width=wb),
    )  # fmt: skip
    res = simulate(Engagement(get_law("square"), red, blue), t_max=t_max, times=times)
    assert res.red_trajectory is not None
    assert res.blue_trajectory is not None
    np.testing.assert_allclose(res.red_trajectory[0, :, 0], want[0], rtol=1e-5)
    np.testing.assert_allclose(res.blue_trajectory[0, :, 0], want[1], rtol=1e-5)

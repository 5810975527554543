"""review22d M2: a side with daily arrivals in force is not extrapolated to 0.

Under a law whose losses fall with the side (0 < q < 1) a side fought to 0 is followed down
to ZERO_REACH tolerances (its band), then its end is extrapolated (integrator.zero_cross).
With daily arrivals in force it may never reach 0: dX/dt = c - k X**q > 0 below
X* = (c / k)**(1 / q), so it settles at X* > 0 until the arrivals end.  Where X* is below
the band, the extrapolation would end it early (the guard ``arriving`` forced False: red
out on day 345.8 of arrivals lasting to day 360).

Oracle: solve_ivp (Radau, stiff) on dX/dt = c - k X**q to the arrivals' end T (no event at
0), then Helmbold's fall with the enemy constant (red kills nothing): u = X**(1 - q) falls
linearly at (1 - q) k, so red is out at T + X(T)**(1 - q) / ((1 - q) k).
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from forceratio import Engagement, Reinforcements, make_side, simulate
from forceratio.simulator.laws import get_law

W = 0.99  # Helmbold: dR/dt = -b B**W R**(1 - W)
Q = 1.0 - W
B0, RATE_B = 24.0, 0.01  # blue, untouched (red's kill rate is 0)
K = RATE_B * B0**W
T = 360.0  # the arrivals' end: red is within its band of 0 from about day 346
X_STAR = 5e-7  # red's settling strength, below its band (1e3 x its tolerance, 1.2e-6)


def test_a_side_with_daily_arrivals_is_out_only_after_they_end() -> None:
    c = K * X_STAR**Q

    def rhs(t: float, x: np.ndarray) -> list[float]:
        return [c - K * max(x[0], 0.0) ** Q]

    def out(t: float, x: np.ndarray) -> float:
        return float(x[0])

    out.terminal = True  # type: ignore[attr-defined]
    ivp = solve_ivp(rhs, (0.0, T), [12.0], method="Radau", rtol=1e-10, atol=1e-15, events=out)
    assert ivp.status == 0
    assert ivp.t_events[0].size == 0  # never at 0 while the arrivals last
    x_t = float(ivp.y[0, -1])
    assert 0.5 * X_STAR < x_t < 2 * X_STAR
    fall = x_t**W / (W * K)  # u = X**W falls at W K (K constant: blue loses nothing)

    reinf = Reinforcements(rate_knots=np.array([0.0, T]), rates=np.array([[c]]))
    red = make_side("red", 12.0, 0.0, n=1, k_enemy=1, reinforcements=reinf, annihilation=0.0)
    blue = make_side("blue", B0, RATE_B, n=1, k_enemy=1, annihilation=0.0)
    res = simulate(Engagement(get_law("helmbold", w=W), red, blue), t_max=1e4)
    assert res.end_reason[0] == "annihilation"
    assert float(np.ravel(res.red_final)[0]) == 0.0
    assert float(np.ravel(res.blue_final)[0]) == B0
    assert abs((res.duration[0] - T) - fall) < 0.05 * fall  # T + 2.5e-6 days

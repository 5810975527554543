"""The engine's capture defaults are the scenarios'.

``make_flows`` and ``capture_rate`` once defaulted to a step switch at a ratio of 1 and a
step gate, where a scenario file defaults to a smooth switch 0.25 wide at 2 and a gate
0.1 wide (ASSUMPTIONs, docs/design/issue13-mechanisms.md section 2 and 8.22; the README's
mechanisms section names the 0.1).  Oracles: the documented rate written here from its
formula with those numbers, and solve_ivp on the same equation.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from forceratio.scenarios.schema import Capture
from forceratio.simulator.engagement import Engagement, make_side
from forceratio.simulator.laws import get_law
from forceratio.simulator.operational import capture_rate, make_flows
from forceratio.simulator.solve import simulate

#: The scenario file's documented defaults: ratio, switch width, gate width.
STAR, WIDTH, GATE_WIDTH = 2.0, 0.25, 0.1


def _rate(rho: np.ndarray, c: float, gate: float) -> np.ndarray:
    switch = c / (1.0 + (STAR / rho) ** (1.0 / WIDTH))
    return np.asarray(switch / (1.0 + (gate / rho) ** (1.0 / GATE_WIDTH)))


def test_the_scenario_schema_has_the_documented_defaults() -> None:
    cap = Capture()
    assert (cap.ratio, cap.width, cap.gate_width) == (STAR, WIDTH, GATE_WIDTH)


def test_capture_rate_without_a_gate_width_takes_the_scenarios() -> None:
    rho = np.geomspace(0.5, 20.0, 41)
    c, gate = 0.05, 3.0
    got = capture_rate(rho, np.full(1, c), np.full(1, STAR), np.full(1, WIDTH), np.full(1, gate))
    np.testing.assert_allclose(got, _rate(rho, c, gate), rtol=1e-12)


def test_a_duel_built_on_make_flows_defaults_follows_solve_ivp_of_the_scenarios_rate() -> None:
    """No fire, the enemy E constant: dy/dt = -eps(E / y) y, eps the documented rate with
    only the capture rate and the gate given; y0 = E / 3 (the ratio 3 then rising, the
    switch at 2 and the gate at 2 not yet fully on: their widths decide how fast it goes)."""
    e, y0, c, gate = 3000.0, 1000.0, 0.08, 2.0
    flows = make_flows(1, 1, capture_rate=c, capture_gate=gate)
    red = make_side("red", np.array([y0]), np.array([0.0]), n=1, k_enemy=1, flows=flows)
    blue = make_side("blue", np.array([e]), np.array([0.0]), n=1, k_enemy=1)
    times = np.array([0.0, 5.0, 10.0, 20.0, 40.0])
    res = simulate(Engagement(get_law("square"), red, blue), t_max=40.0, times=times)

    def rhs(t: float, y: np.ndarray) -> np.ndarray:
        return np.asarray(-_rate(e / y, c, gate) * y, dtype=float)

    want = solve_ivp(rhs, (0.0, 40.0), [y0], t_eval=times, rtol=1e-11, atol=1e-9).y[0]
    assert res.red_trajectory is not None
    assert want[-1] < 0.1 * y0  # the capture is on: a real test of the rate's shape
    np.testing.assert_allclose(res.red_trajectory[0, :, 0], want, rtol=1e-6)

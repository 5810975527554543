"""A side's losses when its arrivals start after day 0 and are still coming when the run
ends (review19a's surviving mutant A3: every built-in starts its arrivals on day 0).  The
accounting identity losses = initial + arrived - final, with arrived = amount x
clip((t - start) / (end - start), 0, 1), and the final strength from solve_ivp."""

from __future__ import annotations

from pathlib import Path

import pytest
from scipy.integrate import solve_ivp

from forceratio import scenarios
from forceratio.scenarios.run import run
from tests.scenarios.test_scenarios import inline_toml, write

G, S = 0.03, 0.02  # inline_toml's German and Soviet kill rates


def test_losses_count_only_what_arrived_by_the_end(tmp_path: Path) -> None:
    """300 Soviet men arrive evenly over days 5-15; the run lasts 10 days, so half of them
    (150) have joined by its end."""
    text = inline_toml(
        attacker='"Germany"', ussr="{ personnel = 1000.0 }", germany="{ personnel = 800.0 }"
    ).replace(
        "[[sectors.forces.Germany]]",
        "[[sectors.arrivals.USSR]]\nstart_day = 5.0\nend_day = 15.0\n"
        "parts = [{ inline = { personnel = 300.0 } }]\n[[sectors.forces.Germany]]",
    )
    out = run(scenarios.load(str(write(tmp_path, text))))

    def rhs(t: float, y: list[float]) -> list[float]:
        ps, pg = y
        inflow = 30.0 if 5.0 <= t < 15.0 else 0.0
        return [inflow - G * max(pg, 0.0), -S * max(ps, 0.0)]

    sol = solve_ivp(rhs, (0.0, 10.0), [1000.0, 800.0], rtol=1e-11, atol=1e-9, max_step=0.01)
    arrived = 300.0 * min(max((10.0 - 5.0) / (15.0 - 5.0), 0.0), 1.0)
    assert out.final["USSR"][0, 0, 0] == pytest.approx(sol.y[0, -1], rel=1e-6)
    assert out.losses["USSR"][0, 0, 0] == pytest.approx(1000.0 + arrived - sol.y[0, -1], rel=1e-6)
    assert out.losses["Germany"][0, 0, 0] == pytest.approx(800.0 - sol.y[1, -1], rel=1e-6)

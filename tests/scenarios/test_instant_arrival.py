"""review21d M3: an arrival with end_day == start_day is a discrete arrival, all of it on
that day (the Python ``Reinforcements`` takes discrete times); oracle: solve_ivp on the
square law in two legs with the jump between them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import scenarios
from forceratio.errors import InputError
from forceratio.scenarios.run import run
from tests.scenario_files import ScenarioFile, arrival

U0, G0, KU, KG, EXTRA, T = 50_000.0, 40_000.0, 0.010, 0.012, 20_000.0, 60.0


def _write(path: Path, start: float, end: float) -> Path:
    """The square-law file (USSR 50,000 v Germany 40,000) with EXTRA Germans arriving
    from ``start`` to ``end``."""
    return ScenarioFile(name="instant", tail=arrival("Germany", start, end, 20000)).write(path)


def _oracle(day: float) -> tuple[float, float]:
    """(USSR, Germany) strengths on day T: U' = -KG G, G' = -KU U, G += EXTRA on ``day``."""

    def f(_t: float, y: np.ndarray) -> list[float]:
        return [-KG * y[1], -KU * y[0]]

    first = solve_ivp(f, (0.0, day), [U0, G0], rtol=1e-11, atol=1e-6)
    u, g = first.y[:, -1]
    second = solve_ivp(f, (day, T), [u, g + EXTRA], rtol=1e-11, atol=1e-6)
    return float(second.y[0, -1]), float(second.y[1, -1])


@pytest.mark.parametrize("day", [3.0, 2.5])
def test_an_arrival_on_one_day_is_a_jump(tmp_path: Path, day: float) -> None:
    path = _write(tmp_path / "instant.toml", day, day)
    out = run(scenarios.load(str(path)))
    u, g = _oracle(day)
    assert out.losses["USSR"][0, 0, 0] == pytest.approx(U0 - u, rel=1e-6)
    assert out.losses["Germany"][0, 0, 0] == pytest.approx(G0 + EXTRA - g, rel=1e-6)
    assert out.arrived["Germany"][0, 0, 0] == pytest.approx(EXTRA)


def test_an_end_before_the_start_is_still_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "back.toml", 3.0, 2.0)
    with pytest.raises(InputError, match="end_day 2 is before start_day 3"):
        scenarios.load(str(path))

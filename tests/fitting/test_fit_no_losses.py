"""A series that never moves (no losses on either side, whole counts): the measurement noise
is not below the counts' rounding (±0.5 men, variance 1/12), and a rate's interval is
bounded above by what that rounding could hide (was 0 .. 9.1e-10 a day: the measurement sd
at the search's floor, 1e-11, and no note).

The closed form: the square law with red's kill rate rho takes blue's strength from B0 down
by rho * R per day (R = 20,000 constant to 1e-6); its initial strength free, the path's
best fit to T + 1 equal reports at days 0..T costs (rho R)**2 * S_tt / sigma**2 more than
no loss, S_tt = sum (t - mean t)**2 = (T + 1) T (T + 2) / 12, sigma**2 = 1/12 (the
rounding's variance, on the rounding's own scale: s**2 = 1).  The profile's 95% end is
where that reaches F(1, n - k; 0.95): rho_max = sqrt(F / (12 S_tt)) / R."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from forceratio.fitting import fit_laws, read_battle
from forceratio.fitting import noise as noise_mod


def _still(path: Path, days: int = 16, red: int = 20_000, blue: int = 16_000) -> Path:
    rows = ["day,red,blue"] + [f"{d},{red},{blue}" for d in range(days)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_the_rates_upper_ends_are_what_the_rounding_hides(tmp_path: Path) -> None:
    battle = read_battle(_still(tmp_path / "still.csv"))
    (fit,), _ = fit_laws(battle, ["square"])
    t_days, n, k = 15, 32, 4  # 16 rows of both sides, the first included; 2 rates, 2 starts
    s_tt = (t_days + 1) * t_days * (t_days + 2) / 12
    per_day = math.sqrt(float(stats.f.ppf(0.95, 1, n - k)) / (12.0 * s_tt))  # men a day
    assert fit.n_obs == n
    assert fit.k == k
    assert fit.red_rate_ci[0] == 0.0
    assert fit.red_rate_ci[1] == pytest.approx(per_day / 20_000, rel=0.01)
    assert fit.blue_rate_ci[1] == pytest.approx(per_day / 16_000, rel=0.01)
    notes = " ".join(fit.notes)
    assert "red: no losses observed: the rate is bounded above only (blue_rate" in notes
    assert "blue: no losses observed: the rate is bounded above only (red_rate" in notes


def test_a_side_that_loses_gets_no_such_note(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("day,red,blue\n0,1000,800\n1,990,800\n2,981,800\n3,970,800\n")
    notes = " ".join(read_battle(path).notes)
    assert "red: no losses" not in notes
    assert "blue: no losses observed" in notes


@pytest.mark.parametrize(
    ("values", "unit"),
    [([20_000, 19_612.0], 1.0), ([52.5, 50.0], 0.1), ([1.25, 3.0], 0.01), ([1 / 3], 0.0)],
)
def test_the_unit_of_the_last_digit_written(values: list[float], unit: float) -> None:
    assert noise_mod.resolution(np.array([*values, math.nan])) == pytest.approx(unit)

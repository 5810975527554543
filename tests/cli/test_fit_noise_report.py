"""``forceratio fit`` reports a measurement sd that is numerically zero as 0, with the
rounding's sd the fit used instead, alike in the table, the JSON and the CSV (a series with
no losses printed "measurement sd 1.39e-11": the search's floor, exp(-25), as an estimate);
and a day-to-day loss sd the data say nothing of (no losses to vary: the prior's median, 1)
as not estimated (null).

Oracles: whole counts carry a uniform rounding error of variance 1/12 men**2 (sd 0.2887);
with no measurement error beyond it and no loss, the fit's Gaussian log-likelihood is the
closed form -1/2 (n ln 2 pi + sum ln s_i**2), s_i**2 = (1/12) / scale**2 on each side's
scaled strengths (scale: the side's constant count), the residuals being 0."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from forceratio.cli import run

RED, BLUE, DAYS = 20_000, 16_000, 16


def _still(path: Path) -> Path:
    rows = ["day,red,blue"] + [f"{d},{RED},{BLUE}" for d in range(DAYS)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_no_losses_report_measurement_sd_zero_and_the_rounding_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _still(tmp_path / "still.csv")
    rounding = math.sqrt(1.0 / 12.0)
    assert run(["fit", str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sigma_measurement"] == 0.0
    assert out["rounding_sd"] == pytest.approx(rounding, rel=1e-12)
    assert out["sigma_process"] is None
    var = [(1.0 / 12.0) / RED**2] * DAYS + [(1.0 / 12.0) / BLUE**2] * DAYS
    ll = -0.5 * (2 * DAYS * math.log(2 * math.pi) + sum(math.log(v) for v in var))
    # the fit used the rounding (to the covariance's 1e-14 jitter on its diagonal, 6e-4)
    assert out["log_likelihood"] == pytest.approx(ll, abs=1e-3)
    assert "measurement sd 0 beyond the rounding" in out["noise"]

    assert run(["fit", str(path)]) == 0
    table = capsys.readouterr().out
    footer = next(ln for ln in table.splitlines() if ln.startswith("Intervals:"))
    assert "measurement sd 0 beyond the rounding" in footer
    assert "sd 0.289 men" in footer
    assert "day-to-day loss sd not estimated" in footer
    assert "e-1" not in footer  # no 1.39e-11

    assert run(["fit", str(path), "--format", "csv"]) == 0
    row = pd.read_csv(io.StringIO(capsys.readouterr().out)).iloc[0]
    assert row["sigma_measurement"] == 0.0
    assert row["rounding_sd"] == pytest.approx(rounding, rel=1e-12)
    assert math.isnan(row["sigma_process"])


def test_a_series_with_noise_keeps_its_measurement_sd(
    capsys: pytest.CaptureFixture[str],
) -> None:
    battle = Path(__file__).parents[2] / "examples" / "battle.csv"
    assert run(["fit", str(battle), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 0.001 < out["sigma_measurement"] < 0.1  # the examples' 1% reporting noise
    assert out["sigma_process"] is not None
    assert out["noise"].startswith(f"measurement sd {out['sigma_measurement']:.3g} of the")

"""The count likelihoods read the loss columns (review18a, hfit6): a series whose strengths
fold in returns to duty, with the true daily casualties in ``red_losses`` / ``blue_losses``,
gives back the rates the casualties were drawn with (synthetic data, known truth)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.fitting import read_battle
from forceratio.fitting.casualties import fit_casualties

runner = CliRunner()
RED_RATE, BLUE_RATE = 0.02, 0.03  # red's rate kills blue, blue's kills red


def returns_series(seed: int, back: float = 150.0, days: int = 20) -> pd.DataFrame:
    """Poisson casualties from the square law at the day's starting strengths; ``back`` men
    a day return to red's ranks, folded into its strength (no arrivals column)."""
    rng = np.random.default_rng(seed)
    r, b, lr, lb = [20000.0], [15000.0], [np.nan], [np.nan]
    for _ in range(days):
        cr, cb = rng.poisson(BLUE_RATE * b[-1]), rng.poisson(RED_RATE * r[-1])
        lr.append(float(cr))
        lb.append(float(cb))
        r.append(r[-1] - cr + back)
        b.append(b[-1] - cb)
    return pd.DataFrame(
        {"day": np.arange(days + 1.0), "red": r, "blue": b, "red_losses": lr, "blue_losses": lb}
    )


@pytest.mark.parametrize("likelihood", ["poisson", "negbin"])
def test_loss_columns_are_the_counts(likelihood: str) -> None:
    hits = 0
    for seed in range(10):
        f = fit_casualties(read_battle(returns_series(seed)), "square", likelihood)
        # red's casualties (~450 a day) came from blue's rate: the drops (~300) gave 2/3 of it
        assert f.blue_rate == pytest.approx(BLUE_RATE, rel=0.05)
        assert f.red_rate == pytest.approx(RED_RATE, rel=0.05)
        lo, hi = f.blue_rate_ci
        assert lo is not None and hi is not None
        hits += int(lo < BLUE_RATE < hi)
        assert f.losses_from == {"red": "red_losses", "blue": "blue_losses"}
    assert hits >= 8


def test_doubled_losses_double_the_rates() -> None:
    """A count's rate scales with the counts (the mean is linear in it): doubling both loss
    columns doubles both rates exactly, while the strengths stay the same."""
    df = returns_series(3)
    one = fit_casualties(read_battle(df), "square", "poisson")
    two = fit_casualties(
        read_battle(df.assign(red_losses=2 * df.red_losses, blue_losses=2 * df.blue_losses)),
        "square",
        "poisson",
    )
    assert two.red_rate == pytest.approx(2 * one.red_rate, rel=1e-4)
    assert two.blue_rate == pytest.approx(2 * one.blue_rate, rel=1e-4)


def test_without_columns_the_drops_with_a_note(tmp_path: Path) -> None:
    df = returns_series(1).drop(columns=["red_losses"])
    path = tmp_path / "d.csv"
    df.to_csv(path, index=False)
    res = runner.invoke(app, ["fit", str(path), "--likelihood", "poisson", "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["losses_from"] == {"red": "strength drops", "blue": "blue_losses"}
    assert any("no red_losses column" in n for n in out["notes"])
    assert not any("not used" in n for n in out["notes"])  # the strengths' fit's note
    # the drops hide the 150 men a day who came back: blue's rate comes out about 1/3 low
    assert out["blue_rate"] < 0.8 * BLUE_RATE
    res = runner.invoke(app, ["fit", str(path), "--likelihood", "negbin"])
    assert res.exit_code == 0, res.output
    assert "losses from" in res.stdout and "Note: red: no red_losses column" in res.stdout

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
        assert lo is not None
        assert hi is not None
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
    assert "losses from" in res.stdout
    assert "Note: red: no red_losses column" in res.stdout


def count_series(seed: int, k: float | None, days: int = 20) -> pd.DataFrame:
    """Square-law daily casualties, Poisson (k None) or negative binomial (dispersion k)."""
    rng = np.random.default_rng(seed)
    r, b = [20000.0], [15000.0]
    for _ in range(days):
        mean_r, mean_b = BLUE_RATE * b[-1], RED_RATE * r[-1]
        if k is None:
            cr, cb = rng.poisson(mean_r), rng.poisson(mean_b)
        else:
            cr = rng.negative_binomial(k, k / (k + mean_r))
            cb = rng.negative_binomial(k, k / (k + mean_b))
        r.append(r[-1] - cr)
        b.append(b[-1] - cb)
    return pd.DataFrame({"day": np.arange(days + 1.0), "red": r, "blue": b})


def test_poisson_counts_raise_no_overdispersion_note() -> None:
    phis = []
    for seed in range(20):
        f = fit_casualties(read_battle(count_series(seed, None)), "square", "poisson")
        assert f.pearson_dispersion is not None
        phis.append(f.pearson_dispersion)
        assert not any("overdispersed" in n for n in f.notes)
    assert 0.7 < float(np.mean(phis)) < 1.3  # E[X2 / df] = 1 for Poisson counts


def test_overdispersed_counts_recommend_negbin() -> None:
    """Negative binomial counts, k = 10, means of 300-450 a day: the variance is
    mu (1 + mu / k), so Pearson's chi2 / df is about 1 + mu / k, some 30-45."""
    for seed in range(5):
        df = count_series(100 + seed, 10.0)
        f = fit_casualties(read_battle(df), "square", "poisson")
        assert f.pearson_dispersion is not None
        assert 15 < f.pearson_dispersion < 90
        assert any("overdispersed" in n and "negbin" in n for n in f.notes)
        assert fit_casualties(read_battle(df), "square", "negbin").pearson_dispersion is None

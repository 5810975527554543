"""Daily casualties as counts (Engel's and Bracken's form): Poisson and negative binomial
draws around a square law with known rates are recovered, and only the negative binomial's
intervals hold when the days vary more than a Poisson count does."""

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


def count_series(a: float, b: float, *, days: int, seed: int, k: float | None) -> pd.DataFrame:
    """Each day's losses drawn from the square law's mean at the day's starting strengths:
    Poisson (k None) or negative binomial with dispersion k."""
    rng = np.random.default_rng(seed)
    r, bl = [20000.0], [15000.0]
    for _ in range(days):
        out = []
        for mean in (b * bl[-1], a * r[-1]):
            if k is None:
                out.append(rng.poisson(mean))
            else:
                out.append(rng.negative_binomial(k, k / (k + mean)))
        r.append(r[-1] - out[0])
        bl.append(bl[-1] - out[1])
    return pd.DataFrame({"day": np.arange(days + 1.0), "red": r, "blue": bl})


def test_poisson_counts_recover_the_rates() -> None:
    hits = 0
    for seed in range(20):
        f = fit_casualties(read_battle(count_series(0.02, 0.03, days=15, seed=seed, k=None)))
        assert f.red_rate == pytest.approx(0.02, rel=0.05)
        hits += int(f.red_rate_ci[0] < 0.02 < f.red_rate_ci[1])
        hits += int(f.blue_rate_ci[0] < 0.03 < f.blue_rate_ci[1])
    assert hits >= 35  # of 40 (95% expected)


def test_negative_binomial_holds_where_poisson_is_too_narrow() -> None:
    nb_hits = po_hits = 0
    for seed in range(20):
        b = read_battle(count_series(0.02, 0.03, days=15, seed=100 + seed, k=10.0))
        nb = fit_casualties(b, likelihood="negbin")
        po = fit_casualties(b, likelihood="poisson")
        nb_hits += int(nb.blue_rate_ci[0] < 0.03 < nb.blue_rate_ci[1])
        po_hits += int(po.blue_rate_ci[0] < 0.03 < po.blue_rate_ci[1])
        assert nb.dispersion is not None
    assert nb_hits >= 16
    assert po_hits < nb_hits


def test_cli_likelihood_option(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    count_series(0.02, 0.03, days=15, seed=1, k=None).to_csv(path, index=False)
    res = runner.invoke(app, ["fit", str(path), "--likelihood", "negbin", "--format", "json"])
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert obj["likelihood"] == "negbin"
    assert obj["red_rate"] == pytest.approx(0.02, rel=0.1)
    res = runner.invoke(app, ["fit", str(path), "--likelihood", "poisson", "--law", "all"])
    assert res.exit_code == 0, res.output
    assert "Daily losses (poisson)" in res.stdout

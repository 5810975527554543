"""Every figure names its own window (review20a M2): the stochastic runs' and the posterior
draws' loss quantiles are labelled with the days those runs ended on, not the point run's
window ("days 0-24.2" while the 200 draws of the 12 June strip end between day 9.6 and 30)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from forceratio import compare
from forceratio.cli import run
from forceratio.plots.labels import comparison_rows

POSTERIOR = ("posterior 5% quantile", "posterior median", "posterior 95% quantile")


def _row(**extra: object) -> dict[str, object]:
    row: dict[str, object] = {"duration_days": 24.2, "soviet_losses": 1.0}
    return {**row, "soviet_losses_q05": 1.0, "german_losses_posterior_q50": 2.0, **extra}


def _labels(rows: list[dict[str, object]]) -> dict[str, list[str]]:
    return dict(comparison_rows(rows))


def test_each_quantile_row_names_its_own_window() -> None:
    labels = _labels(
        [_row(replications_duration_days=[23.6, 24.8], posterior_duration_days=[9.6, 30.0])]
    )
    assert "Soviet men lost, days 0-24.2 (model)" in labels  # the point run: its own day
    assert "Soviet men lost, days 0 to the end of each run (23.6-24.8), 5% quantile" in labels
    assert "German men lost, days 0 to the end of each draw (9.6-30), posterior median" in labels
    assert not [k for k in labels if "quantile" in k and "24.2" in k]


def test_draws_that_all_end_on_one_day_say_so() -> None:
    labels = _labels([_row(posterior_duration_days=[30.0, 30.0])])
    assert "German men lost, days 0-30, posterior median" in labels


def test_scenarios_whose_draws_end_apart_get_a_row_each() -> None:
    rows = [
        _row(posterior_duration_days=[9.6, 30.0], decided_by_text="x"),
        _row(posterior_duration_days=[12.0, 20.0], decided_by_text="y"),
    ]
    labels = _labels(rows)
    assert "German men lost, days 0 to the end of each draw, posterior median" in labels
    assert labels["  days the draws ended"] == ["9.6-30", "12-20"]


def test_the_strips_draws_end_where_a_sweep_of_the_same_draws_ends(tmp_path: Path) -> None:
    """The window compare reports is the first and last day the same 200 draws (seed 0)
    end on in a sweep (another code path: the sweep's evaluation and its Parquet rows)."""
    row = compare(["strike-12june-strip"], posterior=200, posterior_seed=0)[0]
    out = tmp_path / "p"
    args = ["--method", "grid", "--vary", "modifiers.quality.Germany=1:1:1", "--posterior"]
    args += ["200", "--seed", "0", "--out", str(out), "--no-progress", "--format", "json"]
    assert run(["sweep", "strike-12june-strip", *args]) == 0
    days = pd.read_parquet(out)["duration_days"]
    assert len(days) == 200
    assert row["posterior_duration_days"] == [days.min(), days.max()]
    assert days.min() < row["duration_days"] < days.max()  # not the point run's window

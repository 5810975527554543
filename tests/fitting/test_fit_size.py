"""A long series is refused before the fit builds its dense covariance (review15hostile: a
10,000-row CSV of 300 kB grew to 9.7 GB and ran past 200 s; 100,000 rows died allocating
74.5 GiB with a traceback)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.fitting.data import MAX_OBSERVATIONS, MAX_ROWS, read_battle


def _series(rows: int) -> pd.DataFrame:
    day = np.arange(rows) * 0.001
    return pd.DataFrame({"day": day, "red": 1e6 - 2e3 * day, "blue": 8e5 - 3e3 * day})


@pytest.mark.parametrize("rows", [MAX_OBSERVATIONS // 2 + 2, 10_000, 100_000])
def test_a_series_beyond_the_limit_is_refused_before_the_fits(
    rows: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "long.csv"
    _series(rows).to_csv(path, index=False)

    def reached(*args: object, **kwargs: object) -> None:  # the work: 9.7 GB, 200 s
        raise AssertionError("fit_laws_report was reached: the refusal came after the work")

    monkeypatch.setattr("forceratio.fitting.daily.fit_laws_report", reached)
    res = CliRunner().invoke(app, ["fit", str(path), "--law", "square"])
    assert res.exit_code == 2, res.output
    if rows > MAX_ROWS:  # refused by its rows, before its cells are split
        assert f"{rows:,} rows, above the {MAX_ROWS:,} a fit reads" in res.stderr
        return
    assert f"{2 * (rows - 1):,} observations" in res.stderr
    assert f"above the {MAX_OBSERVATIONS:,} the fits take" in res.stderr


def test_a_series_at_the_limit_is_read() -> None:
    battle = read_battle(_series(MAX_OBSERVATIONS // 2 + 1), "at-limit")
    assert battle.n_obs == MAX_OBSERVATIONS

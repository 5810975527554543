"""``fit a.csv b.csv --rises arrivals``: the joint fit takes each battle's unexplained rises
as arrivals, as a single fit does (before, ``--rises`` was dropped for several files: the
rises were taken as noise and the rate at which red is hit came out far too low).

Synthetic (:mod:`tests.fitting.synth`, ``solve_ivp``): square law, red's rate 0.02, blue's
0.03; 3,000 red join after day 5's count and the table leaves them out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from tests.fitting.synth import series

runner = CliRunner()
RED, BLUE = 0.02, 0.03


def _files(tmp_path: Path) -> list[str]:
    paths = []
    for seed in (1, 2):
        df = series(RED, BLUE, days=14, red_arrivals={5: 3000.0}, noise=0.005, seed=seed)
        path = tmp_path / f"hidden{seed}.csv"
        df.drop(columns="red_reinforcements").to_csv(path, index=False)
        paths.append(str(path))
    return paths


def test_joint_fit_takes_the_rises_as_arrivals_when_asked(tmp_path: Path) -> None:
    paths = _files(tmp_path)
    args = ["fit", *paths, "--law", "square", "--shared", "", "--format", "json"]
    res = runner.invoke(app, [*args, "--rises", "arrivals"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["battles"]
    for row in rows:
        # blue's rate is the rate at which red is hit: the hidden arrivals bias it low
        assert row["blue_rate"] == pytest.approx(BLUE, rel=0.05), row
        assert row["red_rate"] == pytest.approx(RED, rel=0.05), row
        assert any("taken as" in n and "men of arrivals" in n for n in row["notes"])
    plain = json.loads(runner.invoke(app, args).stdout)["battles"]
    for row in plain:  # the default takes the rises as noise, and says so
        assert row["blue_rate"] < 0.8 * BLUE
        assert any("rises beyond the arrivals recorded" in n for n in row["notes"])
    table = runner.invoke(app, [*args[:-2], "--rises", "arrivals"])
    assert table.exit_code == 0, table.output
    assert "Note: hidden1: red rises beyond the arrivals recorded" in table.stdout

"""review18a's findings on ``forceratio fit`` (hfit6): Akaike weights over the meaningful
laws, cumulative rises, an implausible last zero, the refusals that named the wrong problem
and the CSV output's interval columns.  Oracles: closed forms and synthetic series with
known truth."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.fitting import read_battle
from forceratio.fitting.data import RISE_TOLERANCE
from forceratio.fitting.result import FitResult, akaike_weights
from tests.fitting import synth

runner = CliRunner()


def _result(law: str, aicc: float, caveat: str = "") -> FitResult:
    return FitResult(
        law=law, red_rate=0.01, blue_rate=0.01, red_rate_ci=(None, None),
        blue_rate_ci=(None, None), r2=0.9, aic=aicc, n_obs=40, aicc=aicc,
        comparison_caveat=caveat,
    )  # fmt: skip


def test_akaike_weights_leave_out_a_law_that_is_not_meaningful() -> None:
    """Review18a: Ardennes' linear law showed 0.0361 with power (not meaningful) in the sum,
    where its share among the four meaningful laws was 0.947.  Closed form:
    w_i = exp(-d_i / 2) / sum_j exp(-d_j / 2) over the meaningful laws only."""
    res = [
        _result("square", 10.0),
        _result("linear", 4.0),
        _result("logarithmic", 12.0),
        _result("power", -3.0, caveat="p at the end of the range: not meaningful"),
    ]
    akaike_weights(res)
    raw = {"square": math.exp(-3.0), "linear": 1.0, "logarithmic": math.exp(-4.0)}
    tot = sum(raw.values())
    for r in res[:3]:
        assert r.akaike_weight == pytest.approx(raw[r.law] / tot, rel=1e-12)
    assert math.isnan(res[3].akaike_weight)
    assert res[3].to_dict()["akaike_weight"] is None
    assert sum(r.akaike_weight for r in res[:3]) == pytest.approx(1.0)


def _steady(seed: int, per_day: float, noise: float = 0.01) -> pd.DataFrame:
    """review18a's base battle (square law, red_rate 0.03, blue_rate 0.04, 20,000 v
    16,000, 30 days; solve_ivp) with ``per_day`` men joining red every day."""
    return synth.series(
        0.03, 0.04, red0=20000.0, blue0=16000.0, days=30, noise=noise, seed=seed,
        red_arrivals=dict.fromkeys(range(30), per_day),
    )  # fmt: skip


def test_a_steady_rise_is_named_though_no_step_is_above_five_percent() -> None:
    """Red gains 500 men a day and loses 640 falling to 200: it rises 31% in 30 days, no day
    by 5%.  Before, nothing said so (the fit put blue's rate at ~1e-9, truth 0.04)."""
    df = _steady(1, 500.0)
    steps = np.diff(df.red.to_numpy()) / df.red.to_numpy()[:-1]
    assert steps.max() < RISE_TOLERANCE  # no single step is flagged
    hidden = df.drop(columns=["red_reinforcements"])
    b = read_battle(hidden)
    (note,) = [n for n in b.notes if n.startswith("red rises by")]
    assert "none of which is above 5%" in note
    assert "red_reinforcements" in note
    assert not any(n.startswith("blue rises") for n in b.notes)
    with pytest.raises(InputError, match="a steady flow cannot be placed"):
        read_battle(hidden, rises="arrivals")
    # with the arrivals given, nothing is left to explain
    assert not any("rises" in n for n in read_battle(df).notes)


def test_no_cumulative_rise_in_noise_alone() -> None:
    """2% reporting noise and no hidden arrivals: no side is flagged over 40 draws (the
    check compares any two reports, so it must not fire on noise)."""
    for seed in range(40):
        b = read_battle(_steady(seed, 0.0, 0.02).drop(columns=["red_reinforcements"]))
        assert not any("none of which is above" in n for n in b.notes), seed


def test_a_last_zero_far_above_the_daily_losses_is_noted() -> None:
    """review18a's base battle with blue's last report (about 4,300 after ~300 a day) set to
    0: a surrender or a side no longer reported, not attrition; before, no note."""
    df = _steady(2, 0.0).drop(columns=["red_reinforcements"])
    df.loc[df.index[-1], "blue"] = 0.0
    (note,) = read_battle(df).notes
    assert note.startswith("blue falls from")
    assert "leave that cell empty" in note


def test_a_true_annihilation_is_not_noted() -> None:
    """Square law, solve_ivp: blue (6,000) under red's 0.05 x 20,000 a day is wiped out
    within its last day; the series ends at its first 0 (1% noise on the other rows)."""
    df = synth.series(0.05, 0.01, red0=20000.0, blue0=6000.0, days=10, noise=0.01, seed=4)
    first_zero = int(np.flatnonzero(df.blue.to_numpy() == 0.0)[0])
    df = df.iloc[: first_zero + 1].drop(columns=["red_reinforcements"])
    assert first_zero >= 4
    b = read_battle(df)
    assert b.annihilated() == (False, True)
    assert not any("falls from" in n for n in b.notes)


BASE = "day,red,blue\n0,20025,15967\n1,19346,15385\n2,18888,14918\n3,18204,14314\n"


def _refusal(tmp_path: Path, text: str) -> str:
    path = tmp_path / "s.csv"
    path.write_text(text)
    res = runner.invoke(app, ["fit", str(path)])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    return " ".join(res.output.split())


def test_a_trailing_comma_on_every_row_is_read(tmp_path: Path) -> None:
    """Before: 'days out of order (19346 after 20025)', pandas having made the day column an
    index.  The same series read either way."""
    rows = BASE.splitlines()
    trailing = "\n".join([rows[0]] + [r + "," for r in rows[1:]]) + "\n"
    a = read_battle(_write(tmp_path, "a.csv", BASE))
    b = read_battle(_write(tmp_path, "b.csv", trailing))
    assert np.array_equal(a.red, b.red)
    assert np.array_equal(a.t, b.t)


def test_unquoted_thousands_separators_are_named(tmp_path: Path) -> None:
    text = "day,red,blue\n0,20,025,15,967\n1,19,346,15,385\n2,18,888,14,918\n"
    out = _refusal(tmp_path, text)
    assert "row 2" in out
    assert "5 cells where the header names 3 columns" in out
    assert "thousands separators" in out


def test_a_day_given_twice_and_rows_out_of_order(tmp_path: Path) -> None:
    out = _refusal(tmp_path, BASE + "3,18000,14000\n")
    assert "day 3 twice (rows 5 and 6)" in out
    out = _refusal(tmp_path, "day,red,blue\n0,100,90\n5,90,80\n2,95,85\n")
    assert "days out of order: day 2 after day 5; sort them" in out


def test_losses_every_third_day_with_empty_rows_between(tmp_path: Path) -> None:
    """Before: 'no observation after the first day'.  Rows with neither strength nor losses
    break the losses' chain: say so and name them."""
    text = "day,red,blue,red_losses,blue_losses\n0,20000,15000,,\n1,,,,\n2,,,,\n3,,,1800,1600\n"
    out = _refusal(tmp_path, text)
    assert "2 rows give neither a strength nor losses (rows 3, 4)" in out
    assert "drop the empty rows" in out


def test_a_too_long_series_is_told_how_far_to_thin(tmp_path: Path) -> None:
    """10,000 days: 'aggregate ... to one row a day' was no help for a daily series; keep
    every 10th row (1,001 rows, 2,000 observations: within the 2,000)."""
    days = np.arange(10001)
    df = pd.DataFrame({"day": days, "red": 2e6 - 10.0 * days, "blue": 1.6e6 - 10.0 * days})
    path = tmp_path / "long.csv"
    df.to_csv(path, index=False)
    out = _refusal(tmp_path, path.read_text())
    assert "keep every 10th row (1,001 rows of the 10,001)" in out
    thin = df.iloc[::10]
    assert 2 * (len(thin) - 1) <= 2000


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_fit_csv_has_numeric_interval_columns(tmp_path: Path) -> None:
    """Before: intervals as text "a .. b" and missing values as "—" in the CSV.  Square law
    on review18a's base battle (truth 0.03, 0.04): numbers, each interval around its
    estimate; an open end (Helmbold's w at 1) an empty cell."""
    path = tmp_path / "base.csv"
    _steady(0, 0.0).drop(columns=["red_reinforcements"]).to_csv(path, index=False)
    res = runner.invoke(app, ["fit", str(path), "--law", "helmbold", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert "—" not in res.stdout
    assert " .. " not in res.stdout
    df = pd.read_csv(io.StringIO(res.stdout))
    for side, truth in (("red_rate", 0.03), ("blue_rate", 0.04)):
        assert df[side].dtype.kind == "f"
        assert df[side].iloc[0] == pytest.approx(truth, rel=0.1)
    assert df["w_low"].dtype.kind == "f"
    assert df["w_low"].iloc[0] < df["w"].iloc[0]
    assert math.isnan(df["w_high"].iloc[0])  # open at w = 1
    res = runner.invoke(app, ["fit", str(path), "--likelihood", "negbin", "--format", "csv"])
    df = pd.read_csv(io.StringIO(res.stdout))
    row = df.iloc[0]
    assert row["red_rate_low"] < row["red_rate"] < row["red_rate_high"]


def test_data_show_prints_the_values_as_written() -> None:
    """The CDB90 effectiveness ratio's range is 0.478-14.197 (modifiers.csv); the table
    showed "0 .. 14"."""
    res = runner.invoke(app, ["data", "show", "modifiers", "--format", "markdown"])
    assert res.exit_code == 0, res.output
    row = next(line for line in res.stdout.splitlines() if "effectiveness_ratio" in line)
    cells = [c.strip() for c in row.split("|")]
    assert cells[4:7] == ["6.186", "0.478", "14.197"]

"""Fitting daily battle data: synthetic battles with known rates are recovered within their
intervals (also when a side is seen only at the start and the end), the intervals cover
the truth at about their nominal rate, and bad CSVs fail with one line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.fitting import FitResult, fit, read_battle
from tests.fitting.synth import series

runner = CliRunner()


def synthetic(
    red_rate: float,
    blue_rate: float,
    *,
    p: float = 1.0,
    q: float = 0.0,
    noise: float = 0.0,
    seed: int = 0,
    days: int = 20,
    arrival: tuple[int, float] | None = (5, 2000.0),
) -> pd.DataFrame:
    """:func:`tests.fitting.synth.series` (solve_ivp, an oracle independent of the engine)
    from 10,000 red and 8,000 blue, ``arrival[1]`` red men joining after day ``arrival[0]``'s
    observation (2,000 after day 5 unless said otherwise)."""
    arrivals = None if arrival is None else {arrival[0]: arrival[1]}
    return series(
        red_rate, blue_rate, p=p, q=q, noise=noise, seed=seed, days=days, red_arrivals=arrivals
    )


def one(r: FitResult | list[FitResult]) -> FitResult:
    assert isinstance(r, FitResult)
    return r


def covers(ci: tuple[float | None, float | None], x: float) -> bool:
    lo, hi = ci
    return (lo is None or lo < x) and (hi is None or x < hi)


def test_exact_data_recover_the_rates() -> None:
    f = one(fit(synthetic(0.02, 0.03), "square"))
    assert f.red_rate == pytest.approx(0.02, rel=1e-5)
    assert f.blue_rate == pytest.approx(0.03, rel=1e-5)
    assert f.r2 == pytest.approx(1.0, abs=1e-8)


def test_noisy_data_recovered_within_the_interval() -> None:
    f = one(fit(synthetic(0.02, 0.03, noise=0.01, seed=3), "square"))
    assert covers(f.red_rate_ci, 0.02)
    assert covers(f.blue_rate_ci, 0.03)


def test_side_seen_only_at_start_and_end() -> None:
    df = synthetic(0.02, 0.03, noise=0.005, seed=4)
    df.loc[1 : len(df) - 2, "blue"] = np.nan
    f = one(fit(df, "square"))
    assert f.n_obs == 20 + 1 + 2  # red's 20 later rows, blue's last, both first rows
    assert covers(f.red_rate_ci, 0.02)
    assert covers(f.blue_rate_ci, 0.03)


def test_losses_columns_stand_in_for_missing_strengths() -> None:
    df = synthetic(0.02, 0.03, arrival=None)
    losses = -df["blue"].diff()
    df["blue_losses"] = losses
    df.loc[1:, "blue"] = np.nan
    f = one(fit(df, "square"))
    assert f.red_rate == pytest.approx(0.02, rel=1e-4)


def test_power_and_helmbold_recover_their_exponents() -> None:
    f = one(fit(synthetic(0.003, 0.004, p=0.5, q=0.5, arrival=None), "power"))
    assert f.exponents["p"] == pytest.approx(0.5, abs=1e-3)
    assert f.exponents["q"] == pytest.approx(0.5, abs=1e-3)
    h = one(fit(synthetic(2e-3, 3e-3, p=0.7, q=0.3, arrival=None), "helmbold"))
    assert h.exponents["w"] == pytest.approx(0.7, abs=1e-3)


def test_all_laws_prefer_the_true_one_by_aic() -> None:
    res = fit(synthetic(2e-6, 3e-6, p=1.0, q=1.0, noise=0.002, seed=5, arrival=None), "all")
    assert isinstance(res, list)
    assert [r.law for r in res] == ["square", "linear", "logarithmic", "helmbold", "power"]
    best = min(res[:3], key=lambda r: r.aic)
    assert best.law == "linear"


def test_annihilation_at_the_last_observation(tmp_path: Path) -> None:
    """Red wins by annihilating blue; the last blue observation is 0."""
    days = np.array([0.0, 10.0, 20.0])
    r0, b0, a, b = 1000.0, 800.0, 0.01, 0.012
    # closed form: blue annihilated at t* = atanh(sqrt(b/a)*B0/R0)/sqrt(ab)
    tstar = np.arctanh(np.sqrt(b / a) * b0 / r0) / np.sqrt(a * b)
    assert 100 < tstar < 200
    t = np.array([0.0, 50.0, tstar])
    om = np.sqrt(a * b)
    red = r0 * np.cosh(om * t) - np.sqrt(b / a) * b0 * np.sinh(om * t)
    blue = b0 * np.cosh(om * t) - np.sqrt(a / b) * r0 * np.sinh(om * t)
    blue[-1] = 0.0
    df = pd.DataFrame({"day": t, "red": red, "blue": blue})
    f = one(fit(df, "square"))
    assert f.red_rate == pytest.approx(a, rel=1e-3)
    assert f.blue_rate == pytest.approx(b, rel=1e-3)
    del days


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("day,red\n0,1\n1,2\n", "missing column(s): blue"),
        ("day,red,blue\n0,100,90\n1,x,80\n", "row 3, column red: not a number"),
        ("day,red,blue\n0,100,90\n1,-5,80\n", "row 3, column red: must be >= 0"),
        ("day,red,blue\n0,100,90\n2,90,80\n1,80,70\n", "row 4, column day: days out of order"),
        ("day,red,blue,colour\n0,1,1,red\n", "unknown column(s): colour"),
        ("day,red,blue,day \n0,1,1,0\n1,1,1,1\n", "repeated column(s): day"),
        ("day,red,blue\n0,,90\n1,80,70\n", "row 2, column red: the first day"),
    ],
)
def test_bad_csv_is_one_line_exit_2(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "d.csv"
    path.write_text(text)
    with pytest.raises(InputError):
        fit(path)
    res = runner.invoke(app, ["fit", str(path)])
    assert res.exit_code == 2
    assert needle in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "marker", "column"),
    [
        ("day,red,blue\n0,1000,800\n1,990,790\n\n2,980,780\n3,970,770\n  \n4,960,760\n"
         "5,950,750\n6,x8663,740\n", "x8663", "red"),
        ('day,red,blue,attacker\n0,1000,800,"red\n"\n\n1,990,790,blue\n2,980,780,green\n',
         "green", "attacker"),
        ("day,red,blue\n\n0,1000,800\n\n\n1,990,\n2,980,780\n1,970,770\n", "1,970", "day"),
    ],
)  # fmt: skip
def test_error_rows_are_the_files_lines(
    tmp_path: Path, text: str, marker: str, column: str
) -> None:
    """review13 D-fit-row: two blank lines above 'x8663' on line 10 gave "row 8".  The
    expected row is the bad cell's own line, found in the text (blank, whitespace-only and
    a quoted cell's second line all count)."""
    bad = next(i for i, line in enumerate(text.splitlines(), 1) if marker in line)
    path = tmp_path / "d.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=rf"row {bad}, column {column}\b"):
        read_battle(path)


def test_cli_json_keys(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    synthetic(0.02, 0.03).to_csv(path, index=False)
    res = runner.invoke(app, ["fit", str(path), "--law", "helmbold", "--format", "json"])
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert {
        "law",
        "red_rate",
        "blue_rate",
        "red_rate_ci",
        "blue_rate_ci",
        "r2",
        "aic",
        "w",
    } <= obj.keys()
    assert len(obj["red_rate_ci"]) == 2
    res = runner.invoke(app, ["fit", str(path), "--law", "all", "--format", "json"])
    assert res.exit_code == 0
    objs = json.loads(res.stdout)["fits"]
    assert [o["law"] for o in objs] == ["square", "linear", "logarithmic", "helmbold", "power"]
    assert {"p", "q"} <= objs[-1].keys()


def test_top_level_api() -> None:
    import forceratio

    f = forceratio.fit(synthetic(0.02, 0.03), "square")
    assert isinstance(f, FitResult)
    assert f.to_dict()["law"] == "square"

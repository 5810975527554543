"""Interval ends the data do not reach are open, and a law whose estimate sits at an end of
the range the fit searches is flagged in the model comparison (review15fit D3, D10).

Synthetic truth from ``solve_ivp``: a power law with p = 4, beyond the fit's exponent range
(0 .. 3), so the fitted p must stop at 3 and its profile cannot close above.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.fitting import fit_battle, read_battle
from forceratio.fitting.daily import fit_laws_report
from forceratio.fitting.model import EXPONENT_BOUNDS
from tests.fitting.test_fit import synthetic

runner = CliRunner()


def _beyond() -> pd.DataFrame:
    # normalised rates 0.03 (blue's losses) and 0.02 (red's) at the initial strengths
    return synthetic(0.03 * 8000 / 1e4**4, 0.02 * 1e4 / 8000**4, p=4.0, noise=0.01, seed=1, days=12)


def test_an_exponent_at_the_range_end_is_open_and_flagged() -> None:
    """Before: p_ci ended at 3.0 (the box bound printed as an interval end), p was not in
    not_identifiable, and power's Akaike weight (~1) carried no caveat."""
    res, tests, _ = fit_laws_report(read_battle(_beyond()), ["square", "power"])
    square, power = res
    assert power.exponents["p"] == pytest.approx(EXPONENT_BOUNDS[1])
    assert "p" in power.at_bound
    lo, hi = power.exponents_ci["p"]
    assert hi is None  # open: the profile never rose enough before 3
    assert lo is not None
    assert lo < EXPONENT_BOUNDS[1]
    assert "p" in power.not_identifiable
    assert power.to_dict()["p_ci"][1] is None
    assert "p at the end of the range" in power.comparison_caveat
    assert "not meaningful" in power.comparison_caveat
    assert any(n.startswith("power: p at the end") for n in power.notes)
    assert square.comparison_caveat == ""
    (lr,) = tests
    assert lr["caveat"] == "power: not meaningful"


def test_interior_exponents_keep_closed_intervals() -> None:
    """The rule opens only ends the profile does not reach: a Helmbold fit to square-law
    data (w = 1 is inside [0, 1] as an estimate, reached exactly) keeps a closed lower end."""
    df = synthetic(0.02, 0.03, noise=0.01, seed=3)
    (h,) = fit_laws_report(read_battle(df), ["helmbold"])[0]
    lo, _ = h.exponents_ci["w"]
    assert lo is not None
    assert 0.0 < lo < h.exponents["w"]
    assert h.comparison_caveat == ""


def test_table_shows_open_and_the_weight_caveat(tmp_path: Path) -> None:
    path = tmp_path / "p4.csv"
    _beyond().to_csv(path, index=False)
    res = runner.invoke(app, ["fit", str(path), "--law", "power"])
    assert res.exit_code == 0, res.output
    assert "p = 3.000 (" in res.stdout
    assert ".. open)" in res.stdout
    assert "(not meaningful)" in res.stdout
    assert "Note: power: p at the end of the range" in res.stdout
    res = runner.invoke(app, ["fit", str(path), "--law", "power", "--format", "json"])
    assert json.loads(res.stdout)["p_ci"][1] is None


def test_a_side_seen_only_at_start_and_annihilation_carries_the_coverage_caveat() -> None:
    """review15fit D5: on such series the 95% intervals covered the truth ~70% of the time;
    the fit says so where it applies (blue hidden between day 0 and its annihilation), and
    not where both sides are seen (or the hidden side is not annihilated)."""
    # the closed-form square-law battle of test_fit (blue annihilated at t*)
    r0, b0, a, b = 1000.0, 800.0, 0.01, 0.012
    tstar = np.arctanh(np.sqrt(b / a) * b0 / r0) / np.sqrt(a * b)
    t = np.concatenate([np.arange(0.0, tstar, 10.0), [tstar]])
    om = np.sqrt(a * b)
    red = r0 * np.cosh(om * t) - np.sqrt(b / a) * b0 * np.sinh(om * t)
    blue = b0 * np.cosh(om * t) - np.sqrt(a / b) * r0 * np.sinh(om * t)
    blue[-1] = 0.0
    df = pd.DataFrame({"day": t, "red": red, "blue": blue})
    assert not any("seen only at the start" in n for n in fit_battle(df, "square").notes)
    hidden = df.assign(blue=[b0, *([np.nan] * (t.size - 2)), 0.0])
    notes = fit_battle(hidden, "square").notes
    (note,) = [n for n in notes if "seen only" in n]
    assert note.startswith("blue is seen only at the start and at its annihilation")
    assert "covered the true rates" in note
    red_hidden = df.assign(red=[r0, *([np.nan] * (t.size - 1))])
    assert not any("seen only" in n for n in fit_battle(red_hidden, "square").notes)


def test_a_law_without_aicc_gets_no_akaike_weight() -> None:
    """review15fit D13: 3 rows (n = 4): Helmbold (k = 3) has no AICc; its AIC, without the
    small-sample penalty, took 0.986 of the weight though it is the square law plus w."""
    df = pd.DataFrame({"day": [0, 1, 2], "red": [10000, 9620, 9250], "blue": [8000, 7700, 7420]})
    res, _, _ = fit_laws_report(read_battle(df), ["square", "linear", "logarithmic", "helmbold"])
    by = {r.law: r for r in res}
    assert np.isnan(by["helmbold"].aicc)
    assert np.isnan(by["helmbold"].akaike_weight)
    assert by["helmbold"].to_dict()["akaike_weight"] is None
    total = sum(by[law].akaike_weight for law in ("square", "linear", "logarithmic"))
    assert total == pytest.approx(1.0)

"""A law the engine cannot follow on a series is skipped, never aborting the others
(review15fit D4: a requested square-law fit died because the unrequested power law, fitted
only to choose the error model's reference, crashed the engine).

The fixture ``fixtures/iwo_crash.csv`` is synthetic (review15fit's ``iwo_synth.py`` seed 1021:
an Iwo Jima-like square-law battle from ``solve_ivp`` with red's rate 0.0106 and blue's
0.0544, log-normal day-to-day loss variation sd 0.2, 1% measurement noise, rounded to 100;
blue seen only at day 0 and at its annihilation on day 34).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.errors import ForceratioError, InputError
from forceratio.fitting import daily, fit_battle, read_battle
from forceratio.fitting.daily import fit_laws_report
from forceratio.fitting.estimate import Objective, Solution
from tests.fitting.test_fit import synthetic

runner = CliRunner()
CRASH = Path(__file__).parent / "fixtures" / "iwo_crash.csv"
TRUTH = {"red_rate": 0.0106, "blue_rate": 0.0544}


def test_square_fit_of_the_file_where_power_crashes_the_engine() -> None:
    """Before the fix: ForceratioError "integrator: 2 battles not finished" from the power
    law's plain least squares, though only square was asked for."""
    r = fit_battle(str(CRASH), "square")
    assert r.converged
    for name, true in TRUTH.items():
        lo, hi = getattr(r, f"{name}_ci")
        assert lo is not None
        assert hi is not None
        assert lo <= true <= hi, (name, lo, hi)


def _break(law: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the engine fail for every fit of ``law`` (as power's does on CRASH), fast."""
    real = daily.best_of  # type: ignore[attr-defined]

    def best_of(obj: Objective, starts: list[np.ndarray]) -> Solution:
        if obj.spec.law == law:
            raise ForceratioError("integrator: 2 battles not finished (test)")
        return real(obj, starts)

    monkeypatch.setattr(daily, "best_of", best_of)


def test_a_failing_law_is_skipped_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    _break("power", monkeypatch)
    b = read_battle(synthetic(0.02, 0.03, noise=0.01, seed=1, days=12))
    results, _, failed = fit_laws_report(b, ["square", "helmbold", "power"])
    assert [r.law for r in results] == ["square", "helmbold"]
    assert list(failed) == ["power"]
    assert "power could not be fitted" in failed["power"]
    assert "2 battles not finished" in failed["power"]
    # an unrequested law that fails is not named
    _, _, failed = fit_laws_report(b, ["square"])
    assert failed == {}
    # the one requested law failing is one clear error naming the law
    with pytest.raises(InputError, match=r"^law: power could not be fitted"):
        fit_battle(b, "power")


def test_the_command_reports_a_failed_law(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _break("power", monkeypatch)
    path = tmp_path / "s.csv"
    synthetic(0.02, 0.03, noise=0.01, seed=1, days=12).to_csv(path, index=False)
    res = runner.invoke(app, ["fit", str(path), "--law", "all", "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [f["law"] for f in out["fits"]] == ["square", "linear", "logarithmic", "helmbold"]
    assert out["skipped"] == ["power"]
    assert "power could not be fitted" in out["skipped_reasons"]["power"]
    res = runner.invoke(app, ["fit", str(path), "--law", "all"])
    assert res.exit_code == 0
    assert "Skipped: power could not be fitted" in res.stdout
    res = runner.invoke(app, ["fit", str(path), "--law", "power"])
    assert res.exit_code == 2
    assert "--law: power could not be fitted" in res.stderr

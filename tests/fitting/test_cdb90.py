"""CDB90 validation: strict parsing, the traps PROVENANCE.md names, Helmbold's parameter on
a worked example, and the numbers the package carries from it."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio import data
from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.fitting import cdb90

runner = CliRunner()
ROOT = cdb90.default_path()
needs_data = pytest.mark.skipif(ROOT is None, reason="../shared/data/cdb90 not present")


def test_helmbold_advantage_on_a_hand_example() -> None:
    df = pd.DataFrame(
        {"a0": [1000.0], "ac": [400.0], "d0": [800.0], "dc": [200.0], "year": [1944], "wina": [1.0]}
    )
    out = cdb90.advantage(df)
    expect = 0.5 * math.log((1000**2 - 600**2) / (800**2 - 600**2))
    assert out["V"].iloc[0] == pytest.approx(expect)
    assert out["V_lin"].iloc[0] == pytest.approx(math.log(2.0))
    assert out["era"].iloc[0] == "1939-1945"


@needs_data
def test_loads_every_battle_with_the_patched_outcomes() -> None:
    assert ROOT is not None
    df = cdb90.load(ROOT)
    assert len(df) == 660
    # the tidy battles.csv blanks the defender wins; the patched table keeps them
    assert int((df["wina"] == -1).sum()) > 200
    assert set(df["wina"].dropna().unique()) <= {-9.0, -1.0, 0.0, 1.0}


@needs_data
def test_text_in_a_strength_fails_loudly(tmp_path: Path) -> None:
    assert ROOT is not None
    copy = tmp_path / "cdb90"
    shutil.copytree(ROOT, copy)
    bell = copy / "data" / "belligerents.csv"
    bell.chmod(0o644)
    lines = bell.read_text().splitlines()
    lines[1] = lines[1].replace('"11300",1,"11300"', '"11300",1,"11,300 men"')
    bell.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"row 2, column intst: not a number"):
        cdb90.load(copy)
    res = runner.invoke(app, ["validate", "cdb90", "--path", str(copy)])
    assert res.exit_code == 2
    assert "column intst" in res.stderr


@needs_data
def test_validation_tables_and_the_carried_ratio(tmp_path: Path) -> None:
    assert ROOT is not None
    v = cdb90.validate(ROOT)
    s = v.scores.set_index("era")
    assert s.loc["all", "battles"] == s.drop(index="all")["battles"].sum()
    for col in ("base_log_loss", "force_ratio_log_loss", "square_log_loss"):
        assert np.isfinite(s[col]).all()
    assert v.eastern_quantiles["n"] >= 15
    # the modifiers table carries the median and the quartiles
    mod = data.load("modifiers")
    row = mod[mod["source"] == "cdb90"].iloc[0]
    assert float(row["value"]) == pytest.approx(v.eastern_quantiles["q50"], abs=5e-4)
    assert float(row["low"]) == pytest.approx(v.eastern_quantiles["q25"], abs=5e-4)
    assert float(row["high"]) == pytest.approx(v.eastern_quantiles["q75"], abs=5e-4)
    out = tmp_path / "V.md"
    res = runner.invoke(app, ["validate", "cdb90", "--write", str(out), "--format", "json"])
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert obj["battles"] == 660
    assert "Eastern Front" in out.read_text()


@needs_data
def test_committed_validation_md_is_current(tmp_path: Path) -> None:
    assert ROOT is not None
    repo = Path(__file__).resolve().parents[2]
    out = tmp_path / "VALIDATION.md"
    runner.invoke(app, ["validate", "cdb90", "--path", str(ROOT), "--write", str(out)])
    fresh = out.read_text().split("Do not edit by hand.", 1)[1]
    committed = (repo / "VALIDATION.md").read_text().split("Do not edit by hand.", 1)[1]
    assert fresh == committed


def test_the_12_june_quality_range_is_cdb90_over_the_calibrated_ratio() -> None:
    from forceratio import scenarios
    from forceratio.scenarios.compare import Session

    mod = data.load("modifiers")
    row = mod[mod["source"] == "cdb90"].iloc[0]
    s = Session()
    cal = s.calibration_for(s.prepare("strike-12june-strip"))
    assert cal is not None
    ratio = cal.values["german_rate"] / cal.values["soviet_rate"]
    lo, hi = scenarios.load_scenario("strike-12june-strip").uncertainty["modifiers.quality.Germany"]
    assert lo == pytest.approx(float(row["low"]) / ratio, abs=0.01)
    assert hi == pytest.approx(float(row["high"]) / ratio, abs=0.01)

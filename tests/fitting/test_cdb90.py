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
from forceratio.fitting import cdb90, cdb90_report

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


def copy_cdb90(tmp_path: Path) -> Path:
    """A writable copy of the CDB90 folder under ``tmp_path`` (the shared one is read-only)."""
    assert ROOT is not None
    copy = tmp_path / "cdb90"
    shutil.copytree(ROOT, copy)
    for f in copy.rglob("*"):
        f.chmod(0o755 if f.is_dir() else 0o644)
    return copy


def _one_line(res: object) -> str:
    err = str(getattr(res, "stderr", ""))
    assert getattr(res, "exit_code", None) == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err


@needs_data
def test_a_file_as_path_or_a_folder_as_a_table_is_one_line(tmp_path: Path) -> None:
    """review13 D-validate-path: NotADirectoryError / IsADirectoryError tracebacks."""
    a_file = tmp_path / "good.csv"
    a_file.write_text("day,red,blue\n")
    err = _one_line(runner.invoke(app, ["validate", "cdb90", "--path", str(a_file)]))
    assert "--path" in err
    copy = copy_cdb90(tmp_path)
    bell = copy / "data" / "belligerents.csv"
    bell.unlink()
    bell.mkdir()
    err = _one_line(runner.invoke(app, ["validate", "cdb90", "--path", str(copy)]))
    assert "belligerents.csv" in err
    assert "directory" in err


@needs_data
def test_a_strength_beyond_the_engines_range_is_refused_and_nothing_written(
    tmp_path: Path,
) -> None:
    """review13 D-validate-huge: 1e308 men overflowed the square law (a NaN log loss, rc 0,
    and --write wrote it)."""
    copy = copy_cdb90(tmp_path)
    bell = copy / "data" / "belligerents.csv"
    lines = bell.read_text().splitlines()
    assert lines[1].startswith('1,0,"DU ARMY')  # battle 1's defender, file line 2
    lines[1] = lines[1].replace('"11300",1,"11300"', '"1e308",1,"1e308"')
    bell.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"belligerents.csv: row 2, column intst: 1e\+308"):
        cdb90.load(copy)
    out = tmp_path / "V.md"
    err = _one_line(
        runner.invoke(app, ["validate", "cdb90", "--path", str(copy), "--write", str(out)])
    )
    assert "row 2, column intst" in err
    assert not out.exists()


@needs_data
def test_cdb90_rows_are_the_files_lines(tmp_path: Path) -> None:
    """As in every user CSV (review13 D-fit-row): two blank lines above the bad cell move
    its row from 2 to 4, the file's line."""
    copy = copy_cdb90(tmp_path)
    bell = copy / "data" / "belligerents.csv"
    lines = bell.read_text().splitlines()
    lines[1] = lines[1].replace('"11300",1,"11300"', '"11300",1,"11,300 men"')
    bell.write_text("\n".join([lines[0], "", "", *lines[1:]]) + "\n")
    with pytest.raises(InputError, match=r"row 4, column intst: not a number"):
        cdb90.load(copy)


@needs_data
def test_validation_tables_and_the_carried_ratio(tmp_path: Path) -> None:
    assert ROOT is not None
    v = cdb90_report.validate(ROOT)
    s = v.scores.set_index("era")
    assert s.loc["all", "battles"] == s.drop(index="all")["battles"].sum()
    for col in ("base_log_loss", "force_ratio_log_loss", "square_log_loss"):
        assert np.isfinite(s[col]).all()
    # the modifiers table carries the square-law median and the range over the laws
    mod = data.load("modifiers")
    row = mod[mod["source"] == "cdb90"].iloc[0]
    assert float(row["value"]) == pytest.approx(v.carried["value"], abs=5e-4)
    assert float(row["low"]) == pytest.approx(v.carried["low"], abs=5e-4)
    assert float(row["high"]) == pytest.approx(v.carried["high"], abs=5e-4)
    out = tmp_path / "V.md"
    res = runner.invoke(app, ["validate", "cdb90", "--write", str(out), "--format", "json"])
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert obj["battles"] == 660
    assert "Eastern Front" in out.read_text()


@needs_data
def test_reinforcements_and_total_strength_are_used() -> None:
    """Issue 14: rerp joins the strength engaged, str is used where its code says it is the
    initial strength or the total engaged; Pogoreloye Gorodishche's square-law edge falls
    from 16.2 (reinforcements ignored) to 6.2."""
    assert ROOT is not None
    df = cdb90.advantage(cdb90.load(ROOT))
    assert int(df["usable"].sum()) == 650
    # README's split (review18a: "512 from the initial strengths alone" matched no count;
    # 512 was the usable count before rerp and str were used)
    u = df[df["usable"]]
    a, d = u["a_strength_from"], u["d_strength_from"]
    assert int(((a == "intst") & (d == "intst")).sum()) == 457
    assert int((a.str.startswith("intst") & d.str.startswith("intst")).sum()) == 518
    src = cdb90_report.strength_sources(df)
    assert src["str (code 3)"] == 237
    assert src["intst + rerp"] == 85
    ef, left = cdb90.eastern_front(df)
    row = ef.set_index("isqno").loc[491]
    assert row["edge_square"] == pytest.approx(6.186, abs=1e-3)
    assert len(ef) == 27  # with 512-515, labelled "WORLD WAR II (OKINAWA)" (docs/cdb90.md)
    assert {512, 513, 514, 515} <= set(ef["isqno"])
    why = left.set_index("isqno")["reason"]
    assert list(why.index) == [510, 637]
    assert "ROM" in why[510]  # "GER & ROM": Romanians are not Germans
    assert why[637] == "strengths or casualties"  # Targul Frumos: no casualties recorded


@needs_data
def test_every_battle_has_an_era_and_exclusions_add_up() -> None:
    assert ROOT is not None
    df = cdb90.advantage(cdb90.load(ROOT))
    assert (df["era"] != "unknown").all()
    assert df.set_index("isqno").loc[429, "year"] == 1944
    pred = cdb90.predict_winner(df)
    assert len(df) - sum(cdb90_report.exclusions(df).values()) == len(pred)


def test_edge_per_law_on_a_hand_example() -> None:
    e = cdb90.edge(s0=1000.0, sc=600.0, g0=500.0, gc=100.0)
    assert e["square"] == pytest.approx((1000**2 - 400**2) / (500**2 - 400**2))
    assert e["linear"] == pytest.approx(6.0)
    assert e["logarithmic"] == pytest.approx(math.log(1000 / 400) / math.log(500 / 400))
    assert math.isnan(cdb90.edge(1000.0, 1000.0, 500.0, 100.0)["logarithmic"])


def test_paired_bootstrap_finds_a_real_difference_and_not_a_null_one() -> None:
    rng = np.random.default_rng(0)
    n = 400
    y = rng.integers(0, 2, n).astype(float)
    good = np.where(y == 1, 0.8, 0.2)
    pred = pd.DataFrame(
        {
            "era": "1939-1945",
            "y": y,
            "p_base": 0.5,
            "p_force_ratio": 0.5,
            "p_square": good,
            "p_linear": np.where(rng.random(n) < 0.5, 0.6, 0.4),
        }
    )
    c = cdb90_report.comparisons(pred).set_index(["battles", "comparison"])
    assert c.loc[("all", "square v base"), "significant_bonferroni"]
    assert not c.loc[("all", "force_ratio v base"), "significant_95"]


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
    for name in ("strike-12june-strip", "strike-12june-north", "sokolov-152v100"):
        lo, hi = scenarios.load_scenario(name).uncertainty["modifiers.quality.Germany"]
        assert lo == pytest.approx(float(row["low"]) / ratio, abs=0.01)
        assert hi == pytest.approx(float(row["high"]) / ratio, abs=0.01)

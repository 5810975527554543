"""The reconstructed strip and north tables: built from their parts, consistent with each
other and with the sources' own totals, and Meltyukhov's missing cells kept empty."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio import data
from forceratio.cli.app import app
from forceratio.data.ratios import force_ratios, format_ratio

ROOT = Path(__file__).resolve().parents[2]
CATS = ("divisions", "personnel", "guns_mortars", "tanks")
runner = CliRunner()


def _fig(df: pd.DataFrame, formation: str, category: str, as_of: str = "1941-06-22") -> float:
    rows = df[(df["formation"] == formation) & (df["category"] == category)]
    rows = rows[rows["as_of"] == as_of]
    assert len(rows) == 1, (formation, category, as_of, len(rows))
    return float(rows["value"].iloc[0])


def test_shipped_tables_equal_the_build_script_output() -> None:
    spec = importlib.util.spec_from_file_location("build_tables", ROOT / "scripts/build_tables.py")
    assert spec is not None
    assert spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["build_tables"] = mod
    spec.loader.exec_module(mod)
    tables = ROOT / "src/forceratio/data/tables"
    for name, text in mod.render().items():
        assert (tables / f"{name}.csv").read_text(encoding="utf-8") == text, name


def test_meltyukhov_cells_stay_empty_and_flagged() -> None:
    df = data.load("strip")
    cells = df[df["formation"].str.startswith("Meltyukhov's strip table")]
    assert len(cells) == 15
    assert cells["value"].isna().all()
    assert (cells["verified"] == "no").all()
    assert cells["note"].str.contains("NOT RETRIEVED").all()


def test_table_55_printed_ratios_agree_with_its_figures_except_the_flagged_misprint() -> None:
    df = data.load("strip")
    printed = df[df["formation"].str.startswith("Table 55 printed ratio")]
    assert len(printed) == 4
    su = "4th Army (Western Special MD), Brest sector"
    de = "parts of 4th Army (XXXXIII AK) + 2nd Panzer Group, Brest sector"
    for rec in printed.to_dict(orient="records"):
        computed = _fig(df, de, str(rec["category"])) / _fig(df, su, str(rec["category"]))
        agrees = abs(computed - float(rec["value"])) < 0.1
        assert agrees != ("MISPRINT" in str(rec["note"])), rec


def test_army_group_centre_splits_into_strip_and_north_without_loss() -> None:
    """Strip part + 9th Army estimate + 3rd Panzer Group = the Army Group Centre total, and
    the Western Front's strip and north parts add up to ZapOVO."""
    strip, north = data.load("strip"), data.load("north")
    for cat in CATS:
        agc = _fig(strip, "Army Group Centre, West direction", cat)
        parts = (
            _fig(strip, "Army Group Centre in the strip (4th Army, 2nd Panzer Group)", cat)
            + _fig(north, "9th Army (and AGC reserves north of Ostroleka)", cat)
            + _fig(north, "3rd Panzer Group (Army Group Centre)", cat)
        )
        assert parts == pytest.approx(agc, abs=1.0)
    for cat in (*CATS, "aircraft"):
        zapovo = _fig(strip, "Western Special MD (ZapOVO), West direction", cat)
        parts = _fig(strip, "Western Front in the strip (4th, 10th Armies and reserves)", cat)
        parts += _fig(north, "Western Front north of the strip (3rd Army's sector)", cat)
        assert parts == pytest.approx(zapovo, abs=1.0)


def test_strip_contains_its_sourced_parts_and_sits_inside_the_directions() -> None:
    df = data.load("strip")
    for cat in CATS:
        su = _fig(df, "Red Army forces in the Ostroleka-Carpathians strip", cat)
        de = _fig(df, "German forces in the Ostroleka-Carpathians strip", cat)
        assert su >= _fig(df, "South-Western Front (ex-Kiev Special MD)", cat)
        assert su >= _fig(df, "4th Army (Western Special MD), Brest sector", cat)
        assert de >= _fig(
            df, "parts of 4th Army (XXXXIII AK) + 2nd Panzer Group, Brest sector", cat
        )
        assert su <= _fig(df, "Western Special MD (ZapOVO), West direction", cat) + _fig(
            df, "South-Western Front (ex-Kiev Special MD)", cat
        )


SHARES = {"personnel": (28.1, 100.0), "guns_mortars": (28.1, 100.0), "tanks": (5.9, 81.6),
          "aircraft": (81.6, 100.0)}  # fmt: skip
#: the article's division share (unverified) is the value for men and guns; None = not found
CENTRAL: dict[str, float | None] = {
    "personnel": 81.6,
    "guns_mortars": 81.6,
    "tanks": None,
    "aircraft": None,
}


@pytest.mark.parametrize(
    ("name", "formation"),
    [
        ("strip", "German forces in the Ostroleka-Carpathians strip"),
        ("north", "German forces north of Ostroleka"),
    ],
)
def test_twelfth_of_june_applies_a_share_per_category_and_sector(name: str, formation: str) -> None:
    """Each category has its own share present on 12 June in each sector's table: not found,
    so an empty, unverified value with its bounds; the 12 June strength is the 22 June one
    times the midpoint of the bounds (tanks well below men); divisions keep the article's
    division share."""
    df = data.load(name)
    rows = df[df["formation"] == f"{formation}: share present on 12 June"].set_index("category")
    assert set(rows.index) == set(SHARES)
    for cat, central in CENTRAL.items():
        got = float(rows["value"].to_dict()[cat])
        if central is None:
            assert np.isnan(got)
        else:
            assert got == central
    assert (rows["verified"] == "no").all()
    assert rows["note"].str.startswith("NOT FOUND").all()
    for cat, (lo, hi) in SHARES.items():
        assert (rows.loc[cat, "low"], rows.loc[cat, "high"]) == (lo, hi)
        d22 = _fig(df, formation, cat)
        d12 = _fig(df, formation, cat, "1941-06-12")
        c = CENTRAL[cat]
        share = c if c is not None else (lo + hi) / 2
        assert d12 == pytest.approx(share / 100 * d22, abs=0.5)
    mids: dict[str, float] = {}
    for cat, (lo, hi) in SHARES.items():
        c = CENTRAL[cat]
        mids[cat] = c if c is not None else (lo + hi) / 2
    assert mids["tanks"] < mids["personnel"] < mids["aircraft"]
    div = df[(df["category"] == "share_present") & df["formation"].str.startswith("German div")]
    row816 = div.iloc[0]
    assert (row816["low"], row816["value"], row816["high"]) == (28.1, 81.6, 100.0)
    assert _fig(df, formation, "divisions", "1941-06-12") == pytest.approx(
        0.816 * _fig(df, formation, "divisions"), abs=5e-4
    )


def test_soviet_twelfth_of_june_is_present_plus_in_transit() -> None:
    """Present on 12 June + in transit = the 22 June strength, per category; the part in
    transit ranges down to zero (if all of Donets' 54 ZapOVO divisions were there)."""
    df = data.load("strip")
    for cat in (*CATS, "aircraft"):
        d22 = _fig(df, "Red Army forces in the Ostroleka-Carpathians strip", cat)
        present = _fig(df, "Red Army forces in the Ostroleka-Carpathians strip", cat, "1941-06-12")
        transit = df[
            (
                df["formation"] == "Red Army forces in transit to the strip on 12 June "
                "(ZapOVO's larger count)"
            )
            & (df["category"] == cat)
        ].iloc[0]
        assert present + float(transit["value"]) == pytest.approx(d22, abs=1.0)
        assert present < d22
        assert float(transit["low"]) == 0.0
    note = df[df["formation"] == "Red Army forces in the Ostroleka-Carpathians strip"]
    note12 = note[note["as_of"] == "1941-06-12"]["note"]
    assert note12.str.contains("CHECKED").all()
    assert note12.str.contains("holds for the 44-division reading only").all()


def test_assumptions_agree_across_tables_and_carry_a_range() -> None:
    strip, north = data.load("strip"), data.load("north")
    a, b = strip[strip["source"] == "assumption"], north[north["source"] == "assumption"]
    valued = [x[x["value"].notna()].reset_index(drop=True) for x in (a, b)]
    assert len(valued[0]) == 3
    pd.testing.assert_frame_equal(valued[0], valued[1])
    assert (valued[0]["low"] < valued[0]["value"]).all()
    assert (valued[0]["value"] < valued[0]["high"]).all()
    assert valued[0]["note"].str.startswith("ASSUMPTION").all()
    # the tank share present on 12 June: an assumption's bounds, the same in both sectors
    for x in (a, b):
        tanks = x[x["value"].isna()]
        assert list(tanks["category"]) == ["tanks"]
        assert (float(tanks["low"].iloc[0]), float(tanks["high"].iloc[0])) == (5.9, 81.6)


def test_timeline_trains_add_up() -> None:
    df = data.load("timeline")
    trains = {str(r["category"]): float(r["value"]) for r in df.to_dict(orient="records")}
    assert (
        trains["trains_arrived"] + trains["trains_en_route"] + trains["trains_not_loaded"]
        == trains["trains_total"]
    )


@pytest.mark.parametrize(
    ("soviet", "german", "text"),
    [(7, 20.5, "1 : 2.9"), (1514, 679, "2.2 : 1"), (100, 100, "1 : 1.0"), (0, 5, "—")],
)
def test_format_ratio(soviet: float, german: float, text: str) -> None:
    assert format_ratio(soviet, german) == text


def test_ratios_prefer_meltyukhovs_cells_when_a_user_table_fills_them(tmp_path: Path) -> None:
    df = pd.read_csv(
        ROOT / "src/forceratio/data/tables/strip.csv", dtype=str, keep_default_na=False
    )
    cells = df["formation"].str.startswith("Meltyukhov's strip table") & (df["side"] != "both")
    df.loc[cells, "value"] = "10"
    df.loc[cells & (df["side"] == "USSR"), "value"] = "25"
    df.loc[cells, "as_of"] = "1941-06-12"
    path = tmp_path / "strip.csv"
    df.to_csv(path, index=False)
    out = force_ratios(data.load("strip", path), "strip", "1941-06-12")
    assert set(out["basis"]) == {"Meltyukhov's table"}
    assert set(out["ratio"]) == {"2.5 : 1"}
    result = runner.invoke(
        app, ["data", "ratios", "strip", "--table", f"strip={path}", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert {r["ratio"] for r in json.loads(result.stdout)} == {"2.5 : 1"}


def test_ratios_cli_json_and_bad_input() -> None:
    result = runner.invoke(
        app, ["data", "ratios", "strip", "--date", "1941-06-22", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["category"] for r in rows] == [
        "divisions",
        "personnel",
        "guns_mortars",
        "tanks",
        "aircraft",
    ]
    tanks = rows[3]
    assert tanks["ratio"] == format_ratio(tanks["soviet"], tanks["german"])
    for args, needle in (
        (["data", "ratios", "strip", "--date", "1941-06-31"], "--date: impossible date"),
        (["data", "ratios", "strip", "--date", "1941-6-3"], "--date: expected YYYY-MM-DD"),
        # ISO's basic and week forms, which date.fromisoformat reads, are not YYYY-MM-DD
        (["data", "ratios", "strip", "--date", "19410622"], "--date: expected YYYY-MM-DD"),
        (["data", "ratios", "strip", "--date", "1941-W25-7"], "--date: expected YYYY-MM-DD"),
        (["compare", "barbarossa-22june", "barbarossa-22june"], "NAMES: barbarossa-22june given"),
        (["data", "ratios", "timeline"], "no force totals"),
        (["data", "ratios", "strip", "--table", "nosuch=x.csv"], "unknown table"),
    ):
        bad = runner.invoke(app, args)
        assert bad.exit_code == 2
        assert needle in bad.stderr
        assert "Traceback" not in bad.output


def check_refuses_value(tmp_path: Path, table: str, df: pd.DataFrame, i: int) -> str:
    """``data check --table`` given ``df`` as ``table``: exit 2, the line naming row ``i``'s
    value (the file's line ``i + 2``, after the header); stderr returned."""
    path = tmp_path / f"{table}.csv"
    df.to_csv(path, index=False)
    result = runner.invoke(app, ["data", "check", "--table", f"{table}={path}"])
    assert result.exit_code == 2, result.output
    assert f"row {i + 2}, column value" in result.stderr
    return result.stderr


def test_tampered_derivation_fails_naming_row_and_column(tmp_path: Path) -> None:
    df = pd.read_csv(
        ROOT / "src/forceratio/data/tables/strip.csv", dtype=str, keep_default_na=False
    )
    i = int(df.index[df["source"] == "derived"][0])
    df.at[i, "value"] = str(float(str(df.at[i, "value"])) + 0.7)  # still inside low..high
    assert "derivation gives" in check_refuses_value(tmp_path, "strip", df, i)

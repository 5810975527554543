"""Issue 12: each correction of the 1941 record (sources-notes-3.md part A) holds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio import data, scenarios
from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.scenarios.forces import side_rows
from forceratio.scenarios.schema import CATEGORIES
from tests.data.test_reconstruction import check_refuses_value

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "reference" / "1941"
TABLES = ROOT / "src/forceratio/data/tables"
runner = CliRunner()


def _row(df: pd.DataFrame, formation: str, category: str) -> pd.Series:
    rows = df[(df["formation"] == formation) & (df["category"] == category)]
    assert len(rows) == 1, (formation, category, len(rows))
    return rows.iloc[0]


def _sector(prep: scenarios.Prepared, name: str, side: str) -> np.ndarray:
    return np.asarray(prep.forces[side][prep.sectors.index(name)].value)


# ------------------------------------------------------------------ A1: 3rd Panzer Group
def test_third_panzer_group_fights_in_the_west_sector() -> None:
    """The West sector is Army Group Centre whole (the Bialystok-Minsk infobox's men, tanks
    and aircraft, Donets' guns); the North-West is Army Group North alone, every category
    from Donets' direction table (audit 2026-12-04 H1: no more 655,000 - 265,000), and the
    3rd Panzer Group is in no North-West part (only the swept transfer moves it)."""
    prep = scenarios.load("barbarossa-22june")
    strip, north = data.load("strip"), data.load("north")
    ops = data.load("operations_1941")
    west = _sector(prep, "West (Belorussian operation)", "Germany")
    nw = _sector(prep, "North-West (Baltic operation)", "Germany")
    infobox = ops[
        (ops["formation"] == "Belorussian strategic defensive operation (Bialystok-Minsk)")
        & (ops["side"] == "Germany")
    ]
    for k, cat in enumerate(CATEGORIES):
        if cat == "guns_mortars":
            want = float(_row(strip, "Army Group Centre, West direction", cat)["value"])
        else:
            want = float(infobox[infobox["category"] == cat]["value"].iloc[0])
        assert west[k] == pytest.approx(want)  # Army Group Centre whole
        agn = float(
            _row(north, "Army Group North (16th, 18th Armies, 4th Panzer Group)", cat)["value"]
        )
        assert nw[k] == pytest.approx(agn)  # Army Group North alone
    scn = scenarios.load_scenario("barbarossa-22june")
    for sector in scn.sectors:
        for part in sector.forces["Germany"]:
            assert part.formation != "3rd Panzer Group (Army Group Centre)"
            assert part.scale == 1


def test_third_panzer_group_share_is_sweepable_and_moves_it_between_sectors() -> None:
    """share = 1 puts the whole 3rd Panzer Group back in the Baltic sector (the old
    placement); per-sample shares equal separate runs; the total never changes."""
    from forceratio.scenarios.build import build

    prep = scenarios.load("barbarossa-22june")
    north = data.load("north")
    pz3 = np.array(
        [
            float(_row(north, "3rd Panzer Group (Army Group Centre)", c)["value"])
            if c != "aircraft"
            else 0.0
            for c in CATEGORIES
        ]
    )
    shares = np.array([0.0, 0.25, 1.0])
    b = build(prep, samples={"transfers.pz3_north.share": shares})
    de = (b.initial["Germany"] + b.struck["Germany"]).reshape(3, b.s, -1)
    nw, west = (
        prep.sectors.index("North-West (Baltic operation)"),
        prep.sectors.index("West (Belorussian operation)"),
    )
    for i, sh in enumerate(shares):
        assert de[i, nw] == pytest.approx(_sector(prep, prep.sectors[nw], "Germany") + sh * pz3)
        assert de[i, west] == pytest.approx(_sector(prep, prep.sectors[west], "Germany") - sh * pz3)
        assert de[i].sum(axis=0) == pytest.approx(de[0].sum(axis=0))
        one = build(prep, samples={"transfers.pz3_north.share": [sh]})
        assert np.array_equal(one.initial["Germany"], b.initial["Germany"].reshape(3, b.s, -1)[i])
    with pytest.raises(InputError, match=r"transfers.pz3_north.share"):
        build(prep, samples={"transfers.pz3_north.share": [1.5]})
    with pytest.raises(InputError, match=r"transfer .pz3_north.: unknown sector .Nowhere."):
        scenarios.load("barbarossa-22june", sets=["transfers.pz3_north.to=Nowhere"])


# ------------------------------------------------------------------ A3, A4: one basis
def test_guns_carry_their_basis_and_the_other_basis_as_a_range() -> None:
    for name in ("strip", "north"):
        df = data.load(name)
        guns = df[(df["category"] == "guns_mortars") & (df["side"] != "both")]
        guns = guns[guns["unit"] != "percent"]  # the share of guns present on 12 June
        assert guns["unit"].str.contains("guns and mortars|guns only|artillery").all(), name
    strip = data.load("strip")
    for formation in (
        "South-Western Front (ex-Kiev Special MD)",
        "German forces opposite the South-Western Front (6th, 17th Armies, 1st Panzer Group)",
    ):
        row = _row(strip, formation, "guns_mortars")
        assert row["unit"] == "guns only (as printed)"
        assert row["low"] < row["high"]
        assert "BASIS" in row["note"]
        men = _row(strip, formation, "personnel")
        assert men["low"] < men["high"]
        assert "BASIS" in men["note"]
    # the SW Front's guns restated on the direction tables' basis: 58 x 26,580 / 91.5
    swf = _row(strip, "South-Western Front (ex-Kiev Special MD)", "guns_mortars")
    assert swf["high"] == round(58 * 26580 / 91.5)
    agc = _row(strip, "Army Group Centre, West direction", "personnel")
    assert (agc["low"], agc["value"]) == (750000, 1455900)
    agn = _row(
        data.load("north"), "Army Group North (16th, 18th Armies, 4th Panzer Group)", "personnel"
    )
    assert (agn["low"], agn["value"], agn["high"]) == (700000, 787500, 800000)


def test_unlike_bases_widen_the_strip_totals() -> None:
    """The bases' ranges flow into the reconstructed totals (every corner evaluated)."""
    strip = data.load("strip")
    rows = strip[
        (strip["formation"] == "German forces in the Ostroleka-Carpathians strip")
        & (strip["category"] == "personnel")
        & (strip["as_of"] == "1941-06-22")
    ]
    de = rows.iloc[0]
    assert de["low"] < de["value"] < de["high"]


# ------------------------------------------------------------------ A5: ZapOVO
def test_zapovo_carries_both_readings() -> None:
    strip = data.load("strip")
    div = _row(strip, "Western Special MD (ZapOVO), West direction", "divisions")
    men = _row(strip, "Western Special MD (ZapOVO), West direction", "personnel")
    assert (div["low"], div["value"], div["high"]) == (44, 54, 54)
    assert (men["low"], men["value"], men["high"]) == (671165, 791445, 791445)
    assert "21st Army" in div["note"]
    share = _row(
        strip,
        "share of the ZapOVO count (Donets' 54 divisions) present on 12 June",
        "share_present",
    )
    assert share["value"] == pytest.approx(44 / 54, abs=5e-4)
    assert share["high"] == 1.0


# ------------------------------------------------------------------ A6: midpoints
@pytest.mark.parametrize(
    ("table", "formation", "category"),
    [
        ("division_equivalents", "panzer division, 1941 organisation", "tanks"),
        ("modifiers", "division engagements (Dupuy's verities)", "daily_casualty_rate"),
        ("modifiers", "air war, 22 June 1941 (Soviet per German aircraft lost)", "exchange_ratio"),
        ("outcome_22june", "advance on the South-West axis (Soviet withdrawal)", "depth"),
        ("outcome_22june", "advance on the North-West axis", "depth"),
    ],
)
def test_midpoints_are_derived_not_read(table: str, formation: str, category: str) -> None:
    row = _row(data.load(table), formation, category)
    assert row["verified"] == "no"
    assert "midpoint" in row["derivation"]
    assert row["value"] == pytest.approx((row["low"] + row["high"]) / 2)


def test_a_row_with_a_derivation_cannot_be_verified(tmp_path: Path) -> None:
    header = ",".join(data.COLUMNS)
    p = tmp_path / "t.csv"
    p.write_text(
        f"{header}\nboth,x,cev,2,1,3,percent,1941-06-22,article,p. 1,yes,midpoint = (1 + 3) / 2,\n"
    )
    with pytest.raises(InputError, match="column verified"):
        data.load("modifiers", p)
    p.write_text(
        f"{header}\nboth,x,cev,2.5,1,3,percent,1941-06-22,article,p. 1,no,midpoint = (1 + 3) / 2,\n"
    )
    with pytest.raises(InputError, match="derivation gives 2"):
        data.load("modifiers", p)


# ------------------------------------------------------------------ A7, A8
def test_kursk_figures_say_south() -> None:
    df = data.load("modifiers")
    kursk = df[df["formation"].str.contains("Kursk")]
    assert len(kursk) == 3
    assert kursk["formation"].str.contains("southern face").all()


def test_budnitsky_to_10_july_is_day_19_like_halder_to_3_july_on_day_12() -> None:
    scn = scenarios.load_scenario("barbarossa-22june")
    start = dt.date(1941, 6, 22)
    days = {r.label: r.day for r in scn.records}
    assert days["German losses to 3 July (Halder)"] == (dt.date(1941, 7, 3) - start).days + 1
    budnitsky = days["German killed and wounded to 10 July (Budnitsky)"]
    assert budnitsky == (dt.date(1941, 7, 10) - start).days + 1 == 19


# ------------------------------------------------------------------ A9: URLs
RESTORED = ("budnitsky", "runov", "ruwiki_lvov", "neizvestnye", "halder", "volkogonov")


def test_restored_urls_are_there_and_come_from_the_reference_notes() -> None:
    src = data.sources().set_index("key")
    for key in RESTORED:
        url = str(src.loc[key, "url"])
        assert url.startswith("http"), key
        assert url.rstrip("/").count("/") > 2, f"{key}: a domain root is not a page"
    assert src.loc["volkogonov", "url"] == "https://biography.wikireading.ru/aHu5oc6agF"
    assert str(src.loc["volkogonov", "url"]) != str(src.loc["dodonov", "url"])
    if REFERENCE.is_dir():  # CI clones main with ../shared beside it
        notes = "".join(p.read_text(encoding="utf-8") for p in REFERENCE.iterdir())
        for key in RESTORED:
            assert str(src.loc[key, "url"]) in notes, key


# ------------------------------------------------------------------ A10: the air strike
def test_air_strike_fraction_has_the_same_districts_above_and_below() -> None:
    df = data.load("outcome_22june")
    frac = df[df["category"] == "destroyed_fraction"].iloc[0]
    districts = [
        "Baltic Special MD (PribOVO), aircraft (direction tables)",
        "Western Special MD (ZapOVO), aircraft (direction tables)",
        "Kiev Special MD + Odessa MD, aircraft (direction tables)",
    ]
    total = sum(float(_row(df, f, "aircraft")["value"]) for f in districts)
    ground = float(
        _row(df, "66 border airfields, 22 June", "aircraft_destroyed_on_ground")["value"]
    )
    assert frac["value"] == pytest.approx(ground / total, abs=5e-4)
    assert f"{ground:g} / {total:g}" in frac["derivation"]
    air = _row(df, "aircraft shot down in the air, 22 June", "aircraft_lost_in_air")
    assert air["verified"] == "yes"
    for name in ("barbarossa-22june", "strike-12june-strip"):
        scn = scenarios.load_scenario(name)
        assert scn.modifiers.air_strike.destroyed_fraction == pytest.approx(frac["value"])


# ------------------------------------------------------------------ A11: records and sectors
def test_baltic_record_is_on_the_sector_basis_with_its_reinforcements() -> None:
    """The sector's men with the North-Western Front's reinforcements exceed the operation's
    count, so the record is Krivosheev's total, not scaled down (record audit); the low end
    of its range is the scaling by the 22 June men alone."""
    prep = scenarios.load("barbarossa-22june")
    df = data.load("outcome_22june")
    k = CATEGORIES.index("personnel")
    men = _sector(prep, "North-West (Baltic operation)", "USSR")[k]
    i = [s.name for s in prep.scenario.sectors].index("North-West (Baltic operation)")
    men_in_all = men + sum(float(a.amount.value[k]) for a in prep.arrivals["USSR"][i])
    op = float(_row(df, "Baltic strategic defensive operation", "initial_strength")["value"])
    irr = float(_row(df, "Baltic strategic defensive operation", "irrecoverable_losses")["value"])
    san = float(_row(df, "Baltic strategic defensive operation", "sanitary_losses")["value"])
    baltic = next(f for r, f in prep.records if r.label.startswith("Baltic operation"))
    assert men_in_all > op
    assert float(baltic.value[0]) == pytest.approx((irr + san) * min(1.0, men_in_all / op))
    scaled = _row(
        df,
        "Baltic strategic defensive operation, North-Western Front and Baltic Fleet (unscaled)",
        "total_losses",
    )
    assert scaled["high"] == irr + san
    assert scaled["low"] == pytest.approx((irr + san) * men / op, abs=0.5)


def test_lvov_record_and_sector_count_the_same_men_within_half_a_percent() -> None:
    prep = scenarios.load("barbarossa-22june")
    df = data.load("outcome_22june")
    men = _sector(prep, "South-West (Lvov-Chernovtsy operation)", "USSR")[
        CATEGORIES.index("personnel")
    ]
    op = float(
        _row(df, "Lvov-Chernovtsy strategic defensive operation", "initial_strength")["value"]
    )
    cover = _row(df, "Lvov-Chernovtsy record coverage: sector men / operation men", "coverage")
    assert cover["value"] == pytest.approx(men / op, abs=5e-4)
    assert abs(men / op - 1) < 0.005
    assert "18th Army" in cover["note"]


# ------------------------------------------------------------------ A13: readiness
def test_equipment_readiness_modifiers_are_sourced() -> None:
    df = data.load("modifiers")
    ready = _row(df, "tanks of the western border districts, combat-ready", "readiness")
    assert ready["value"] == pytest.approx(0.825, abs=5e-4)
    new = _row(
        df, "T-34 and KV tanks of the western border districts and fleets", "share_new_types"
    )
    assert new["value"] == pytest.approx(1475 / 12782, abs=5e-4)
    german = _row(df, "German tanks in the East, combat-ready on 22 June", "readiness")
    assert np.isnan(german["value"])
    assert "NOT FOUND" in german["note"]
    assert (
        _row(df, "1st Panzer Group (Army Group South), medium tanks", "share_new_types")["verified"]
        == "no"
    )


# ------------------------------------------------------------------ operations_1941
def test_operations_table_has_seven_soviet_and_four_german_loss_records() -> None:
    df = data.load("operations_1941")
    su = df[(df["side"] == "USSR") & (df["category"] == "irrecoverable_losses")]
    ops_su = {f.split(":")[0] for f in su.dropna(subset=["value"])["formation"]}
    assert len(ops_su) >= 7, ops_su
    german_cats = ("killed", "wounded", "missing", "total_losses", "casualties")
    de = df[(df["side"] == "Germany") & df["category"].isin(german_cats)].dropna(subset=["value"])
    assert de["formation"].nunique() >= 4
    prisoners = df[(df["category"] == "prisoners")].dropna(subset=["value"])
    assert prisoners["formation"].nunique() >= 4
    irr = df[df["category"] == "irrecoverable_losses"].set_index("formation")["value"]
    assert irr["Smolensk strategic defensive operation"] == 486171  # the anchors
    assert irr["Kiev strategic defensive operation"] == 616304


def test_operations_gaps_stay_empty_and_every_figure_cites_a_source() -> None:
    df = data.load("operations_1941")
    gaps = df[df["value"].isna()]
    assert len(gaps) >= 5
    assert (gaps["verified"] == "no").all()
    assert gaps["note"].str.contains("NOT FOUND").all()
    keys = set(data.sources()["key"])
    assert set(df["source"]) <= keys
    urls = data.sources().set_index("key")["url"]
    # Krivosheev's book was read through the copies each row's locator names
    for key in set(df["source"]) - {"derived", "krivosheev"}:
        assert str(urls[key]).startswith("http"), key
    assert (df[df["source"] == "krivosheev"]["locator"] != "").all()


def test_printed_totals_are_checked_against_their_parts(tmp_path: Path) -> None:
    df = pd.read_csv(TABLES / "operations_1941.csv", dtype=str, keep_default_na=False)
    kiev = df[(df["formation"] == "Kiev strategic defensive operation") & (df["side"] == "Germany")]
    got = {c: int(v) for c, v in zip(kiev["category"], kiev["value"], strict=True) if v}
    # en-wiki's 5,018 missing (the copy first read had 5,008): the parts add to the total
    assert got["killed"] + got["wounded"] + got["missing"] == got["total_losses"] == 128_670
    i = int(
        df.index[
            (df["formation"] == "Smolensk strategic defensive operation")
            & (df["category"] == "total_losses")
            & (df["side"] == "USSR")
        ][0]
    )
    df.at[i, "value"] = "759000"
    line = check_refuses_value(tmp_path, "operations_1941", df, i)
    assert "irrecoverable_losses + sanitary_losses" in line


def test_data_show_lists_the_operations() -> None:
    res = runner.invoke(app, ["data", "show", "operations_1941", "--format", "csv"])
    assert res.exit_code == 0, res.output
    for op in ("Smolensk", "Kiev", "Uman", "Vyazma-Bryansk", "Moscow", "Dubno-Brody", "Leningrad"):
        assert op in res.stdout


@pytest.mark.parametrize(
    "name", ["smolensk-1941", "kiev-1941", "uman-1941", "leningrad-1941", "vyazma-1941"]
)
def test_operation_scenarios_take_each_side_from_its_own_rows(name: str) -> None:
    prep = scenarios.load(name)
    df = data.load("operations_1941")
    # the operation's own rows: every scenario takes the Germans from them (Leningrad's
    # Soviets start from the North-Western Front's row, the rest joining)
    op = str(prep.scenario.sectors[0].forces["Germany"][0].formation)
    k = CATEGORIES.index("personnel")

    def personnel(formation: str, side: str) -> float:
        return float(df["value"].iloc[side_rows(df, formation, "personnel", side)[0]])

    for side in ("USSR", "Germany"):
        got = float(prep.forces[side][0].value[k])
        want = personnel(op, side)
        if name == "leningrad-1941" and side == "USSR":
            # 272,000 at the start; the rest of the 517,000 of 10 July and the 34th Army join
            got += sum(float(a.amount.value[k]) for a in prep.arrivals[side][0])
            want += personnel(f"{op}: 34th Army", side)
        assert got == want
    sides = {r.side for r, _ in prep.records}
    # Vyazma-Bryansk: German losses NOT FOUND, the Soviet record a lower bound (prisoners)
    assert sides == ({"USSR"} if name == "vyazma-1941" else {"USSR", "Germany"})
    start, end = (dt.date.fromisoformat(d) for d in (prep.scenario.date or "", "1941-12-31"))
    assert prep.scenario.duration_days <= (end - start).days


def test_a_not_found_strength_stops_a_scenario_unless_left_out(tmp_path: Path) -> None:
    """Smolensk's Soviet aircraft are NOT FOUND: a part that takes them fails with one line;
    the built-in scenario leaves them out by name."""
    raw = scenarios.export("smolensk-1941").replace(
        'categories = ["personnel", "tanks", "guns_mortars"]', ""
    )
    p = tmp_path / "s.toml"
    p.write_text(raw, encoding="utf-8")
    with pytest.raises(InputError, match="aircraft is empty in the table"):
        scenarios.load(str(p))
    prep = scenarios.load("smolensk-1941")
    assert float(prep.forces["USSR"][0].value[CATEGORIES.index("aircraft")]) == 0.0
    with pytest.raises(InputError, match="unknown category 'ships'"):
        scenarios.load("smolensk-1941", sets=['sectors.0.forces.USSR.0.categories=["ships"]'])


def test_a_record_takes_its_own_side_rows_of_an_operation() -> None:
    """Kiev's total_losses exists for both sides; a Soviet record takes the Soviet one."""
    sets = [
        'records.0.parts=[{ table = "operations_1941", formation = "Kiev strategic defensive '
        'operation", category = "total_losses" }]',
        'records.1.parts=[{ table = "operations_1941", formation = "Kiev strategic defensive '
        'operation", category = "total_losses" }]',
    ]
    prep = scenarios.load("kiev-1941", sets=sets)
    got = {r.side: float(f.value[0]) for r, f in prep.records}
    assert got == {"USSR": 700544.0, "Germany": 128670.0}


def test_leningrad_german_record_carries_the_sources_range_and_its_contradicting_floor() -> None:
    """The en-wiki 60,000 is the only figure for exactly the operation; a chronology's Army
    Group North 80,000 to 22 August less the Baltic operation, plus Sinyavino, is a floor
    above it (research of 2026-12-03): the row must say it is contested, with its range."""
    df = data.load("operations_1941")
    ger = df[(df["side"] == "Germany") & (df["category"] == "casualties")].set_index("formation")
    row = ger.loc["Leningrad strategic defensive operation"]
    assert (row["value"], row["low"], row["high"]) == (60000, 60000, 190000)
    assert "CONTESTED" in row["note"]
    baltic = df[
        (df["side"] == "Germany") & (df["formation"] == "Baltic strategic defensive operation")
    ].set_index("category")["value"]
    value = ger["value"].astype(float)
    to_22_august = value["Army Group North from 22 June (cumulative)"]
    part = value["Leningrad strategic defensive operation: Army Group North 10 July-22 August"]
    assert part == to_22_august - float(baltic["killed"]) - float(baltic["wounded"])
    sinyavino = value["Leningrad strategic defensive operation: part of the 16th Army at Sinyavino"]
    floor = value["Leningrad strategic defensive operation: Army Group North, a floor"]
    assert floor == part + sinyavino
    assert floor > value["Leningrad strategic defensive operation"]
    # the siege article's "1941: 85,371" does not claim 22 June as its start
    agn = df[df["formation"] == "Army Group North, 1941"].iloc[0]
    assert agn["as_of"] == "1941-12-31"
    assert "NOT stated" in agn["note"]

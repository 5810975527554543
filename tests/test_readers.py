"""Real-world input files (review21a): read as the clean file reads them, or refused in one
line naming the file, row and column.  The oracle of every "read right" case is the clean
file (or the built-in table) read by the same function: the same numbers, nothing added.
"""

from __future__ import annotations

import gzip
import json
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
from forceratio.fitting.data import Battle, read_battle
from forceratio.scenarios import load_scenario
from forceratio.sweeps.store import MANIFEST, ChunkStore

runner = CliRunner()
TABLES = Path(data.__file__).parent / "tables"
CLEAN = "day,red,blue\n0,2000,900\n1,1850,860\n2,1710,825\n3,1580,792\n4,1460,761\n"


def _battle(tmp_path: Path, raw: bytes, name: str = "b.csv") -> Battle:
    p = tmp_path / name
    p.write_bytes(raw)
    return read_battle(p)


def _same(a: Battle, b: Battle) -> None:
    for x, y in ((a.t, b.t), (a.red, b.red), (a.blue, b.blue)):
        np.testing.assert_array_equal(x, y)


def _refused(tmp_path: Path, raw: bytes, *said: str) -> str:
    p = tmp_path / "bad.csv"
    p.write_bytes(raw)
    with pytest.raises(InputError) as exc:
        read_battle(p)
    msg = str(exc.value)
    assert "\n" not in msg, msg
    assert str(p) in msg, msg
    for s in said:
        assert s in msg, msg
    return msg


# ------------------------------------------------------------------- H1: dot thousands
def test_dot_thousands_in_a_comma_file_is_refused_not_read_as_decimals(tmp_path: Path) -> None:
    """Before: 2.000 read as 2 men, red_rate x1000, exit 0."""
    dots = CLEAN.replace("2000", "2.000").replace("1850", "1.850").replace("1710", "1.710")
    dots = dots.replace("1580", "1.580").replace("1460", "1.460")
    p = tmp_path / "h1.csv"
    p.write_text(dots)
    res = runner.invoke(app, ["fit", str(p), "--format", "json"])
    assert res.exit_code == 2, res.output
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert "row 2, column red: '2.000'" in err, err
    assert "may be 2000 (a dot between thousands) or 2," in err, err
    # 1.850 beside 2.25 can only be a decimal: read as 1.85
    text = "day,red,blue\n0,2.25,0.9\n1,1.850,0.86\n2,1.71,0.825\n"
    np.testing.assert_array_equal(_battle(tmp_path, text.encode()).red, [2.25, 1.85, 1.71])


def test_dot_thousands_in_a_dataframe_of_text_is_refused() -> None:
    """Before: forceratio.fit(df) with the text '10.000' read ten men."""
    df = pd.DataFrame({"day": ["0", "1", "2"], "red": ["10.000", "9.500", "9.100"]})
    df["blue"] = ["8.000", "7.900", "7.700"]
    with pytest.raises(InputError, match=r"row 2, column red: '10.000' in a table may be 10000"):
        read_battle(df)


def test_dot_thousands_in_a_table_is_refused(tmp_path: Path) -> None:
    """Before: strip.csv personnel 71.349 read as 71.349 men; data check said ok."""
    lines = (TABLES / "strip.csv").read_text().splitlines(keepends=True)
    assert ",personnel,71349," in lines[17]
    lines[17] = lines[17].replace(",personnel,71349,", ",personnel,71.349,")
    p = tmp_path / "t.csv"
    p.write_text("".join(lines))
    res = runner.invoke(app, ["data", "check", "--table", f"strip={p}"])
    assert res.exit_code == 2, res.output
    err = res.stderr.strip()
    assert err.startswith(f"forceratio: error: --table strip={p}: row 18, column value"), err
    assert "write 71349" in err, err


def _cdb(tmp_path: Path) -> Path:
    root = cdb90.default_path()
    if root is None:
        pytest.skip("no CDB90 folder next to the checkout")
    for t in cdb90.TABLES:
        (tmp_path / t).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / t, tmp_path / t)
    return tmp_path


def test_dot_thousands_in_cdb90_is_refused(tmp_path: Path) -> None:
    """Before: belligerents' "11.300" read as 11.3 men, winner predictions changed, exit 0."""
    root = _cdb(tmp_path)
    bell = root / "data/belligerents.csv"
    text = bell.read_text()
    assert '"DU ARMY OF THE STATES GENERAL","MAURICE OF NASSAU","11300"' in text
    bell.write_text(text.replace('"MAURICE OF NASSAU","11300"', '"MAURICE OF NASSAU","11.300"', 1))
    with pytest.raises(InputError, match=r"belligerents.csv: row 2, column str: '11.300'"):
        cdb90.load(root)


def test_cdb90_skips_rows_with_no_cell_filled(tmp_path: Path) -> None:
    """L2, before: "row 1322, column isqno: expected a whole number: ''"."""
    root = _cdb(tmp_path)
    clean = cdb90.load(root)
    bell = root / "data/belligerents.csv"
    bell.write_text(bell.read_text() + "," * 33 + "\n" + "," * 33 + "\n")
    pd.testing.assert_frame_equal(cdb90.load(root), clean)


# ------------------------------------------------------------------ M1: the manifest
def test_a_manifest_not_utf8_is_one_line_and_a_bom_is_read(tmp_path: Path) -> None:
    """Before: UnicodeDecodeError traceback; a BOM: 'Unexpected UTF-8 BOM'."""
    found = {"spec": {"a": 1}, "chunk": 4}
    (tmp_path / MANIFEST).write_bytes(b"\xef\xbb\xbf" + json.dumps(found).encode())
    assert ChunkStore(tmp_path, "--from").manifest() == found
    (tmp_path / MANIFEST).write_bytes(json.dumps(found).encode("utf-16"))
    with pytest.raises(InputError, match=r"^--from: unreadable manifest .*not UTF-8"):
        ChunkStore(tmp_path, "--from").manifest()


# ---------------------------------------------- M2, M4, L2, L3: one reading of the bytes
def test_cr_only_lines_read_as_the_clean_file(tmp_path: Path) -> None:
    """Excel for Mac's "CSV (Macintosh)": every built-in table has a ';' in a note.  Before:
    'the header is one column holding semicolons: separate the columns with commas'."""
    clean = _battle(tmp_path, CLEAN.encode(), "clean.csv")
    _same(_battle(tmp_path, CLEAN.replace("\n", "\r").encode()), clean)
    sokolov = (TABLES / "sokolov.csv").read_text()
    assert ";" in sokolov
    p = tmp_path / "cr.csv"
    p.write_text(sokolov.replace("\n", "\r"), newline="")
    pd.testing.assert_frame_equal(data.load("sokolov", p), data.load("sokolov"))


def test_utf16_with_a_bom_is_read_and_other_encodings_are_named(tmp_path: Path) -> None:
    """Before: '(byte 0: invalid start byte)', 'contains NUL bytes', '(byte 1: ...)'."""
    clean = _battle(tmp_path, CLEAN.encode(), "clean.csv")
    _same(_battle(tmp_path, CLEAN.replace(",", "\t").encode("utf-16")), clean)
    _refused(tmp_path, CLEAN.encode("utf-16-le"), "UTF-16 text without a byte-order mark")
    _refused(tmp_path, gzip.compress(CLEAN.encode()), "gzip-compressed")
    cp1252 = "day,red,blue,attacker\n0,100,80,\n1,90,75,ré\n".encode("cp1252")
    _refused(tmp_path, cp1252, "line 3, column 10", "save it as UTF-8")


def test_empty_rows_and_an_excel_sep_line_read_as_the_clean_file(tmp_path: Path) -> None:
    """Before: 'row 7, column day: empty'; 'row 2: 3 cells where the header names 2'."""
    clean = _battle(tmp_path, CLEAN.encode(), "clean.csv")
    _same(_battle(tmp_path, (CLEAN + ",,\n,,\n").encode()), clean)
    semi = "sep=;\n" + CLEAN.replace(",", ";")
    _same(_battle(tmp_path, semi.encode()), clean)


# ------------------------------------------------- M5, L1, L3, L4: tables as the fit reads
def _table(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "strip.csv"
    p.write_text(text)
    return p


def test_tables_read_like_the_fit_reads(tmp_path: Path) -> None:
    """Before: 'unknown column(s): Unnamed: 13'; 'missing column(s): side' for 'Side ';
    'separate the columns with commas' for a ';' file; ',,' rows refused."""
    builtin = data.load("strip")
    text = (TABLES / "strip.csv").read_text()
    lines = text.splitlines()
    variants = {
        "trailing empty column": "\n".join(x + "," for x in lines) + "\n",
        "header case and spaces": text.replace("side,formation", "Side ,Formation", 1),
        "empty rows": text + ",,,,,,,,,,,,\n",
    }
    for name, variant in variants.items():
        got = data.load("strip", _table(tmp_path, variant))
        pd.testing.assert_frame_equal(got, builtin, obj=name)
    semi = pd.read_csv(TABLES / "strip.csv", dtype=str, keep_default_na=False)
    for c in ("value", "low", "high"):
        semi[c] = semi[c].str.replace(".", ",")
    p = tmp_path / "semi.csv"
    semi.to_csv(p, sep=";", index=False)
    pd.testing.assert_frame_equal(data.load("strip", p), builtin)


def test_table_header_problems_name_what_is_in_the_file(tmp_path: Path) -> None:
    text = (TABLES / "strip.csv").read_text()
    rnames = "\n".join(f'"{i}",{x}' if i else f'"",{x}' for i, x in enumerate(text.splitlines()))
    with pytest.raises(InputError, match="column 1 has no name but holds values") as exc:
        data.load("strip", _table(tmp_path, rnames))
    assert "Unnamed" not in str(exc.value)
    with pytest.raises(InputError, match="unknown column 'valeu'; did you mean 'value'"):
        data.load("strip", _table(tmp_path, text.replace(",value,", ",valeu,", 1)))
    p = _table(tmp_path, text.replace("USSR", "Soviet", 1))
    with pytest.raises(InputError, match=rf"^tables strip={p}: row \d+, column side"):
        data.load("strip", p)


# -------------------------------------------------------------------------------- L5
def test_a_bare_point_in_set_reads_as_vary_reads_it() -> None:
    """Before: "breakpoints.Germany: Input should be a valid number, got '.5'"."""
    a = load_scenario("strike-12june-strip", "breakpoints.Germany=.5")
    assert a == load_scenario("strike-12june-strip", "breakpoints.Germany=0.5")


@pytest.mark.parametrize("day", ["16.12.1944", "12/16/1944"])
def test_a_local_date_names_the_iso_form(tmp_path: Path, day: str) -> None:
    """Before: "not a number: '16.12.1944'"."""
    text = f"day,red,blue\n{day},100,80\n{day},90,70\n"
    _refused(tmp_path, text.encode(), "row 2, column day", "YYYY-MM-DD")


def test_a_scenario_file_is_named_as_given(tmp_path: Path) -> None:
    """L4, before: 'misspelt_key.toml: duraton_days: ...' (the basename alone)."""
    from forceratio.scenarios import export

    folder = tmp_path / "mine"
    folder.mkdir()
    p = folder / "misspelt_key.toml"
    p.write_text(export("strike-12june-strip").replace("duration_days", "duraton_days", 1))
    with pytest.raises(InputError, match=rf"^{p}: duraton_days: unknown key"):
        load_scenario(str(p))

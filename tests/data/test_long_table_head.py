"""A long ``--table`` with a bad cell near its top is refused from its first rows, before the
file is read whole: a bad cell in row 3 of a 200 MB table was refused after 5 minutes and
3 GB (every cell parsed, then checked column by column), 60 MB after 97 s and 1 GB.

Oracles: the refusal of the same rows as a short file (the whole-file check, unchanged) and
a reader of the whole file that fails the test if called; for the guards, the whole-file
check of the same long file (no refusal the whole file would not make)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from forceratio import data
from forceratio.data.schema import validate
from forceratio.errors import InputError
from forceratio.io import tables

HEADER = "side,formation,category,value,low,high,unit,as_of,source,locator,verified,derivation,note"
ROW = "USSR,Formation {i},personnel,{v},,,persons,1941-06-22,krivosheev,,no,,row {i}"
BAD = "USSR,Formation 1,personnel,12x,,,persons,1941-06-22,krivosheev,,no,,the bad cell"


def _table(path: Path, lines: list[str], sep: str = ",") -> Path:
    path.write_text("\n".join(x.replace(",", sep) for x in lines) + "\n", encoding="utf-8")
    return path


def _long(n_bytes: int) -> list[str]:
    rows, size, i = [HEADER, ROW.format(i=0, v=1000), BAD], 0, 2
    while size < n_bytes:
        rows.append(ROW.format(i=i, v=1000 + i))
        size += len(rows[-1]) + 1
        i += 1
    return rows


def _refusal(path: Path) -> str:
    with pytest.raises(InputError) as exc:
        data.load("strip", path)
    return str(exc.value)


def test_a_bad_cell_in_row_3_is_refused_before_the_file_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _long(3 * tables.HEAD_BYTES)
    short = _refusal(_table(tmp_path / "t.csv", lines[:3]))
    assert short.endswith("row 3, column value: not a number: '12x'"), short
    big = _table(tmp_path / "t.csv", lines)
    assert big.stat().st_size > 3 * tables.HEAD_BYTES

    def whole(*_: object) -> str:
        raise AssertionError("the whole file was read")

    monkeypatch.setattr(tables, "read_user_text", whole)
    assert _refusal(big) == short


def test_a_long_table_without_a_bad_row_reads_as_the_whole_file_check(tmp_path: Path) -> None:
    """Guard: a semicolon file with decimal commas (its first rows under a dot would be
    refused), and a quoted note across lines, read as before."""
    rows = [HEADER.replace(",", ";")]
    i = 0
    while sum(len(r) + 1 for r in rows) < 2 * tables.HEAD_BYTES:
        note = f'"a note\non two lines; {i}"' if i % 7 == 3 else f"row {i}"
        rows.append(f"USSR;F {i};share;{i % 90},5;;;percent;1941-06-22;krivosheev;;no;;{note}")
        i += 1
    path = tmp_path / "semi.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    got = data.load("strip", path)
    keys = set(data.sources()["key"])
    want = validate(tables.read_user_csv(path, "x", separators=",;\t"), "x", keys)
    pd.testing.assert_frame_equal(got, want)
    assert got["value"].iloc[1] == 1.5


def test_a_quote_open_at_the_cut_is_left_to_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guard: cut inside a quoted cell spanning lines, the first rows are not read alone
    (they would be a row cut short), and the whole file's check names the bad cell."""
    rest = ROW.format(i=0, v=1000).split(",", 2)[2]
    # a quote opened in the second cell, closed 3 lines on: cut between, a row of 2 cells
    rows = [HEADER, 'USSR,"Formation 0', "", "still the name", f'end",{rest}', BAD]
    rows += [ROW.format(i=i, v=1000 + i) for i in range(2, 40)]
    path = _table(tmp_path / "q.csv", rows)
    text = path.read_text()
    monkeypatch.setattr(tables, "HEAD_BYTES", text.index("still") + 3)
    assert tables.csv_head(path, "x", ",;\t") is None
    assert _refusal(path).endswith("row 6, column value: not a number: '12x'")

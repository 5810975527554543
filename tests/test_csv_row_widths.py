"""A user CSV row with fewer cells than its header (a file cut short, a row missing a
separator) is refused naming the row, as one with more cells is: before, pandas filled
the missing cells as empty, read as "not seen", so a file truncated inside a number
(``2,17`` for ``2,1710``) fitted 17 men."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from forceratio import data
from forceratio.errors import InputError
from forceratio.fitting.data import read_battle

HEAD = "day,red,blue\n0,2000,900\n1,1850,860\n"
TABLES = Path(data.__file__).parent / "tables"


@pytest.mark.parametrize(
    ("tail", "row", "cells"),
    [("2,17", 4, 2), ("2,1710\n3,1580,792\n", 4, 2), ("2\n", 4, 1)],
)
def test_a_short_row_of_a_series_is_refused(
    tmp_path: Path, tail: str, row: int, cells: int
) -> None:
    """Oracle: the header's width, 3 columns; the row counted as the file's line."""
    p = tmp_path / "cut.csv"
    p.write_text(HEAD + tail, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_battle(p)
    assert exc.value.field == f"{p}: row {row}", exc.value
    assert f"{cells} cells where the header names 3 columns" in exc.value.problem
    # not refused: the cell written empty (not seen), a row of empty cells however many
    p.write_text(HEAD + "2,1710,\n,\n3,1580,792\n", encoding="utf-8")
    got = read_battle(p)
    np.testing.assert_array_equal(got.t, [0, 1, 2, 3])
    assert np.isnan(got.blue[2])


def test_a_short_row_of_a_table_is_refused(tmp_path: Path) -> None:
    """Oracle: the shipped table, its last row with its last two cells (and their
    separators) cut off, refused on that row's line; the file whole still reads."""
    lines = (TABLES / "strip.csv").read_text(encoding="utf-8").splitlines()
    p = tmp_path / "strip.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(data.load("strip", p)) == len(lines) - 1
    cut = lines[-1].rsplit(",", 2)[0]
    assert cut.count(",") == lines[0].count(",") - 2
    p.write_text("\n".join([*lines[:-1], cut]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"row {len(lines)}: malformed CSV: 11 cells where"):
        data.load("strip", p)

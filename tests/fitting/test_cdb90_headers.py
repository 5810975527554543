"""hgen22 item 4: CDB90 tables are read as every user CSV is: header names matched whatever
their case and surrounding spaces (:func:`forceratio.io.tables.column_name`), the delimiter
detected among comma, semicolon and tab.  Oracle: a copy whose headers are re-cased or
whose delimiter is changed (the same cells) loads to the very same battles as the
published folder.  The shared data are only read."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from forceratio.errors import InputError
from forceratio.fitting import cdb90
from tests.fitting.test_cdb90 import copy_cdb90

ROOT = cdb90.default_path()
pytestmark = pytest.mark.skipif(ROOT is None, reason="../shared/data/cdb90 not present")


def _rewrite(path: Path, header: Callable[[str], str], sep: str) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow([header(h) for h in rows[0]])
    writer.writerows(rows[1:])
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.mark.parametrize(
    ("header", "sep"),
    [
        (str.upper, ","),  # belligerents' isqno as ISQNO ...
        (lambda h: f" {h.lower()} ", ","),  # ... and the patched table's ISQNO as isqno
        (str, ";"),  # a spreadsheet's semicolons
        (str.swapcase, "\t"),
    ],
)
def test_recased_headers_and_other_delimiters_load_the_same_battles(
    tmp_path: Path, header: Callable[[str], str], sep: str
) -> None:
    assert ROOT is not None
    want = cdb90.load(ROOT)
    copy = copy_cdb90(tmp_path)
    for table in cdb90.tables(copy):
        _rewrite(table, header, sep)
    pd.testing.assert_frame_equal(cdb90.load(copy), want)


def test_a_missing_column_is_still_named(tmp_path: Path) -> None:
    copy = copy_cdb90(tmp_path)
    battles = copy / "data" / "battles.csv"
    _rewrite(battles, lambda h: "conflict" if h == "war" else h.upper(), ";")
    with pytest.raises(InputError, match=r"missing column\(s\): war"):
        cdb90.load(copy)

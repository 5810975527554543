"""A long ``--table`` is checked in time linear in its rows: each row's check of a fraction
took ``out.iloc[i]``, which copies the frame's attrs (a line number per row), so a table
of 30,000 rows (12 MB, within the 64 MB input limit) took 92 s before
its first refusal, a time growing with the square of the rows; it takes seconds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from forceratio import data
from tests.cli.refusals import refused

STRIP = Path(data.__file__).parent / "tables" / "strip.csv"
ROWS = 45_000
#: Seconds allowed: about 5 s measured with the fix on a loaded machine; minutes without.
BOUND = 60.0


def test_a_45000_row_table_is_refused_in_seconds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head, *body = STRIP.read_text(encoding="utf-8").splitlines()
    rows = [body[i % len(body)] for i in range(ROWS)]
    big = tmp_path / "strip.csv"
    big.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    start = time.perf_counter()
    line = refused(capsys, ["data", "show", "strip", "--table", f"strip={big}"])
    took = time.perf_counter() - start
    assert f"row {len(body) + 2}, column formation: repeats row 2's figure" in line, line
    assert took < BOUND, f"{took:.0f} s for {ROWS:,} rows"

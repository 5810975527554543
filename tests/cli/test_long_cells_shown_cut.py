"""A cell too long to be a number is named in the refusal, not echoed whole: a value of
10**400 (401 digits) made a 493-character error line (``fit FILE``, ``--table``); the
scenario file's reader already cut such a value."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.refusals import refused

HUGE = str(10**400)


@pytest.mark.parametrize("cell", [HUGE, "-" + HUGE, "x" * 300, "1e" + "9" * 300])
def test_a_long_cell_is_cut_in_the_refusal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cell: str
) -> None:
    src = tmp_path / "series.csv"
    src.write_text(f"day,red,blue\n0,{cell},800\n1,950,740\n2,905,685\n")
    line = refused(capsys, ["fit", str(src)])
    assert "row 2, column red: not a " in line, line
    assert f"({len(cell):,} characters)" in line, line
    assert cell[:20] in line, line  # its start, as written
    assert len(line) < 200, line


def test_a_short_cell_is_still_shown_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "series.csv"
    src.write_text("day,red,blue\n0,inf,800\n1,950,740\n2,905,685\n")
    line = refused(capsys, ["fit", str(src)])
    assert line.endswith("row 2, column red: not a finite number: 'inf'"), line

"""A series too long for the fit is refused before the work it cannot use: past the rows a
fit reads, before the file's cells are split (2 million rows took 2.3 GB, then were refused);
past the observations it takes, before any cell is parsed or any rise checked (100,000 rows
took 61 s to be refused).  And the refusals' words: "every 3rd row", an ``NA`` cell told to
be left empty, every unknown column named."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from forceratio.errors import InputError
from forceratio.fitting import data as data_mod
from forceratio.fitting import read_battle
from forceratio.io import tables
from tests.cli.refusals import refused


def _series(path: Path, rows: int) -> Path:
    lines = ["day,red,blue"] + [f"{d},{1_000_000 - d},{900_000 - d}" for d in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _never(*args: object, **kwargs: object) -> None:
    raise AssertionError("reached: the refusal should have come first")


def test_too_many_rows_are_refused_before_the_cells_are_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _series(tmp_path / "long.csv", 100_000)
    monkeypatch.setattr(pd, "read_csv", _never)
    monkeypatch.setattr(tables, "_check_widths", _never)
    with pytest.raises(InputError) as err:
        read_battle(path)
    text = str(err.value)
    assert f"100,000 rows, above the {data_mod.MAX_ROWS:,}" in text
    step = int(re.search(r"keep every (\d+)th row", text).group(1))  # type: ignore[union-attr]
    kept = math.ceil(100_000 / step)
    assert f"({kept:,} rows)" in text
    assert 2 * (kept - 1) <= data_mod.MAX_OBSERVATIONS  # the advice fits the limit


def test_too_many_observations_are_refused_before_any_cell_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _series(tmp_path / "s.csv", 3_001)
    monkeypatch.setattr(data_mod, "_cell", _never)
    monkeypatch.setattr(data_mod, "check_rises", _never)
    with pytest.raises(InputError, match=r"6,000 observations .* keep every 3rd row \(1,001 rows"):
        read_battle(path)


@pytest.mark.parametrize(
    ("n", "word"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                    (13, "13th"), (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th")],
)  # fmt: skip
def test_ordinals(n: int, word: str) -> None:
    assert data_mod.ordinal(n) == word


@pytest.mark.parametrize("mark", ["NA", "n/a", "nan", "#N/A"])
def test_a_missing_value_mark_is_told_to_be_an_empty_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mark: str
) -> None:
    path = tmp_path / "na.csv"
    path.write_text(f"day,red,blue\n0,100,90\n1,{mark},80\n2,95,70\n", encoding="utf-8")
    line = refused(capsys, ["fit", str(path)])
    assert "row 3, column red" in line
    assert "leave the cell empty" in line
    path.write_text("day,red,blue\n0,100,90\n1,,80\n2,95,70\n", encoding="utf-8")
    assert read_battle(path).n_obs == 3  # the empty cell: not seen


def test_every_unknown_column_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cols.csv"
    pd.DataFrame(
        {"day": [0, 1], "red": [10, 9], "blue": [8, 7], "red_los": [0, 1], "comment": ["", "x"]}
    ).to_csv(path, index=False)
    line = refused(capsys, ["fit", str(path)])
    assert "'red_los' (did you mean 'red_losses'?)" in line
    assert "'comment'" in line

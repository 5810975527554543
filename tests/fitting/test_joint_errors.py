"""The joint fit's refusals name the file the user gave, not "data" (hcov23, a review note):
a battle too short for the law, the same series twice, and DataFrames by their place.

Before: ``fit a.csv five.csv --law helmbold`` said "--law: helmbold needs more observations
... the data give 5", naming neither file; a copy said "data: battle 2 (copy)".  Oracle: the
files are hand-written here, so which one is at fault is known.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.fitting import read_battle
from forceratio.fitting.joint import fit_battles

runner = CliRunner()
EXAMPLE = Path(__file__).parents[2] / "examples" / "a.csv"
#: 3 rows, blue unseen on the last: 5 observations, the initial strengths included, where
#: helmbold has 5 parameters (two rates, w, two initial strengths); square has 4 and fits.
FIVE = "day,red,blue\n0,12000,9000\n1,11797,8794\n2,11345,\n"


def _line(args: list[str]) -> str:
    res = runner.invoke(app, args)
    assert res.exit_code == 2, (res.exit_code, res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr
    return lines[0]


def test_a_battle_too_short_for_the_law_is_named_by_its_file(tmp_path: Path) -> None:
    short = tmp_path / "five.csv"
    short.write_text(FIVE)
    line = _line(["fit", str(EXAMPLE), str(short), "--law", "helmbold"])
    assert line.startswith(f"forceratio: error: file 2 ({short}): helmbold needs more"), line
    assert "this battle gives 5" in line
    assert "the data give" not in line
    assert "--law:" not in line


def test_the_same_series_twice_names_both_files(tmp_path: Path) -> None:
    copy = tmp_path / "copy.csv"
    copy.write_text(EXAMPLE.read_text())
    line = _line(["fit", str(EXAMPLE), str(copy), "--law", "square"])
    assert f"file 2 ({copy}): the same series as file 1 ({EXAMPLE})" in line
    assert "data:" not in line


def test_frames_are_named_by_their_place() -> None:
    """A DataFrame's ``where`` is "data" for every frame: its place in the list tells which."""
    good = read_battle(pd.read_csv(EXAMPLE))
    short = read_battle(pd.read_csv(io.StringIO(FIVE)))
    with pytest.raises(InputError) as err:
        fit_battles([good, short], "helmbold")
    assert err.value.field == "battle 2"
    with pytest.raises(InputError) as err:
        fit_battles([good, good], "square")
    assert err.value.field == "battle 2"
    assert err.value.problem.startswith("the same series as battle 1:")
    with pytest.raises(InputError) as err:
        fit_battles([good], "square")
    assert err.value.field == "battles"

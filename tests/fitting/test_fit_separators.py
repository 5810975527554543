"""Semicolon- and tab-separated series, and decimal commas (review15hostile: ``fit`` refused
every file not separated by commas; a European spreadsheet writes ``;`` and ``52,5``).

The oracle: the same synthetic battle (square law, :mod:`tests.fitting.synth`) written with
``,``, ``;`` and tab, with decimal points and with decimal commas, must read to the same
numbers; a number that could be read two ways is refused naming its row and column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.fitting import fit_battle, read_battle
from tests.cli.refusals import refused
from tests.fitting.synth import series

runner = CliRunner()


def _frame() -> pd.DataFrame:
    df = series(0.02, 0.03, days=10, red_arrivals={3: 1500.0}, noise=0.01, seed=4)
    df["blue_losses"] = ""
    return df.round(2)


def _write(df: pd.DataFrame, path: Path, sep: str, decimal: str) -> Path:
    df.to_csv(path, index=False, sep=sep, decimal=decimal)
    return path


@pytest.mark.parametrize(("sep", "decimal"), [(";", "."), ("\t", "."), (";", ","), ("\t", ",")])
def test_semicolons_tabs_and_decimal_commas_read_as_the_comma_file(
    tmp_path: Path, sep: str, decimal: str
) -> None:
    """Before: 'the header is one column holding semicolons' (exit 2)."""
    df = _frame()
    ref = read_battle(_write(df, tmp_path / "ref.csv", ",", "."))
    other = read_battle(_write(df, tmp_path / "other.csv", sep, decimal))
    for name in ("t", "red", "blue", "red_in", "blue_in"):
        np.testing.assert_array_equal(getattr(other, name), getattr(ref, name))
    comma = [n for n in other.notes if n.startswith("numbers: read with decimal commas")]
    assert len(comma) == (decimal == ",")


def test_the_command_fits_a_european_file_as_the_comma_file(tmp_path: Path) -> None:
    df = _frame()
    a = _write(df, tmp_path / "a.csv", ",", ".")
    b = _write(df, tmp_path / "b.csv", ";", ",")
    assert "," in b.read_text().splitlines()[2]  # the decimal commas are really there
    res = runner.invoke(app, ["fit", str(b), "--law", "square", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert fit_battle(a).red_rate == pytest.approx(fit_battle(b).red_rate, rel=1e-12)
    assert fit_battle(b).red_rate == pytest.approx(0.02, rel=0.05)


def test_thousands_dots_with_decimal_commas_and_thousands_commas_with_tabs(
    tmp_path: Path,
) -> None:
    path = tmp_path / "eu.csv"
    path.write_text("day;red;blue\n0;12.000;8.000,5\n1;11.500,25;7.900\n")
    b = read_battle(path)
    assert list(b.red) == [12000.0, 11500.25]
    assert list(b.blue) == [8000.5, 7900.0]
    path.write_text('day\tred\tblue\n0\t12,000\t8,000.5\n1\t11,500.25\t"7,900"\n')
    b = read_battle(path)
    assert list(b.red) == [12000.0, 11500.25]
    assert list(b.blue) == [8000.5, 7900.0]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (  # a thousands comma or three decimals, and nothing else says which
            "day;red;blue\n0;10,000;900\n1;9000;800\n",
            "row 2, column red: '10,000' in a semicolon-separated file may be 10000 or 10",
        ),
        (
            "day\tred\tblue\n0\t10000\t900\n1\t9000\t8.500\n",
            "row 3, column blue: '8.500' in a tab-separated file may be 8500 or 8.5",
        ),
        (  # both marks in one file
            "day;red;blue\n0;100,5;90\n1;90.5;80\n",
            "row 3, column red: '90.5' writes a decimal point where '100,5' (row 2, column red)",
        ),
        (  # a decimal comma in a comma-separated file stays refused
            'day,red,blue\n0,"52,5",8\n1,50,7\n',
            "row 2, column red: not a number: '52,5' (a decimal comma?",
        ),
        (  # a dot that is no thousands group in a decimal-comma file
            "day;red;blue\n0;1.5,5;90\n1;90;80,5\n",
            "row 2, column red: not a number: '1.5,5'",
        ),
        ("day|red|blue\n0|100|90\n1|90|80\n", "a bar-separated file (the header is one column"),
        ("day;red,blue\n0;100,90\n", "splits into 2 columns at commas and semicolons alike"),
    ],
)
def test_what_cannot_be_read_one_way_is_one_line_naming_the_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, needle: str
) -> None:
    path = tmp_path / "d.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=None) as info:
        read_battle(path)
    assert needle in str(info.value)
    assert needle in refused(capsys, ["fit", str(path)])


def test_row_numbers_stay_the_file_lines_in_a_semicolon_file(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("day;red;blue\n0;100;90\n\n1;90;x\n")
    with pytest.raises(InputError, match="row 4, column blue: not a number: 'x'"):
        read_battle(path)

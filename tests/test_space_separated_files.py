"""A space-separated file (the ACSDB Ardennes series as stored, ``fitting/fixtures/
ardennes_acsdb.md``) is refused naming it so, by every reader of user tables: before, the fit
said "missing column(s): day, red, blue; its header is one column,
day_forcesallies_casualtiesallies_forcesgermans_casualtiesgermans: ... (not spaces)", its
spaces turned into underscores, and ``--table`` "unknown column
'side_formation_category_...'".  A file of a delimiter no reader takes (bars) is named the
same way.  Oracle: the fixture's own description (space-separated, 5 columns)."""

from __future__ import annotations

from pathlib import Path

import pytest

from forceratio import data
from forceratio.errors import InputError
from forceratio.fitting import read_battle
from forceratio.fitting.cdb90 import SEPARATORS
from forceratio.io.tables import csv_text
from tests.cli.refusals import refused

ACSDB = Path(__file__).parent / "fitting" / "fixtures" / "ardennes_acsdb.txt"
WAYS = "separate the columns with commas, semicolons or tabs"
TABLE = (
    "side formation category value low high unit as_of source locator verified derivation "
    "note\nUSSR Front personnel 100 - - persons 1941-06-22 krivosheev - no - -\n"
)


def test_the_acsdb_series_is_named_a_space_separated_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = refused(capsys, ["fit", str(ACSDB)])
    assert line == (
        f"forceratio: error: {ACSDB}: a space-separated file (its header and row 2 split at "
        f"spaces into 5 cells each): {WAYS}"
    )


def test_every_reader_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "strip.txt"
    path.write_text(TABLE.replace(" ", "   "))  # aligned columns: runs of spaces
    said = "a space-separated file (its header and row 2 split at spaces into 13 cells each)"
    line = refused(capsys, ["data", "show", "strip", "--table", f"strip={path}"])
    assert f"{said}: {WAYS}" in line
    cdb90 = lambda p: csv_text(p, str(p), SEPARATORS)  # noqa: E731  (as CDB90's tables)
    for read in (read_battle, lambda p: data.load("strip", p), cdb90):
        with pytest.raises(InputError, match="a space-separated file"):
            read(path)


def test_a_bar_separated_file_is_named_so(tmp_path: Path) -> None:
    path = tmp_path / "bars.csv"
    path.write_text("day|red|blue\n0|100|90\n1|90|80\n")
    with pytest.raises(InputError) as exc:
        csv_text(path, "f", ",;\t")
    assert str(exc.value) == (
        f"f: a bar-separated file (the header is one column holding bars): {WAYS}"
    )


@pytest.mark.parametrize(
    "text",
    [
        "red losses\n12\n",  # one column whose name has a space: not a space-separated file
        "day red blue\n0 100 90 extra\n",  # the row splits otherwise: not said to be one
    ],
)
def test_a_header_with_spaces_alone_is_not_called_space_separated(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "one.csv"
    path.write_text(text)
    csv_text(path, "f", ",;\t")  # the readers then name the columns

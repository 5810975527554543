"""Too few rows for any law is the data's fault, not the law's (review18b 4: ``fit(df.head(2))``
blamed ``law:``).  The oracle is a count: two rows give 4 observations (two sides, the first
row included) and the smallest laws (square, linear, logarithmic) have 4 parameters (two
rates and two initial strengths), so none can be fitted whatever the law; with 3 rows (6
observations) square can, and a law with 6 parameters (power) is still the law's fault."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import forceratio
from forceratio.cli import run as cli_run
from forceratio.errors import InputError

ROWS = pd.DataFrame({"day": [0, 1, 2], "red": [1000.0, 950, 905], "blue": [800.0, 760, 724]})


@pytest.mark.parametrize("law", ["square", "power", "all"])
def test_two_rows_blame_the_data(law: str) -> None:
    with pytest.raises(InputError) as err:
        forceratio.fit(ROWS.head(2), law)
    assert err.value.field == "data"
    assert err.value.problem.startswith("too few observations to fit any law: 4 ")
    assert "(square, linear or logarithmic) have 4 parameters" in err.value.problem


def test_a_law_with_more_parameters_than_the_data_is_still_the_laws_fault() -> None:
    with pytest.raises(InputError, match=r"^law: power needs more observations than its 6"):
        forceratio.fit(ROWS, "power")


def test_the_command_line_names_its_argument(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = f"{tmp_path}/two.csv"
    ROWS.head(2).to_csv(path, index=False)
    assert cli_run(["fit", path]) == 2
    err = capsys.readouterr().err.strip()
    # the file, as its other problems name it (review22a L6; before: DATA, the argument)
    assert err.startswith(f"forceratio: error: {path}: too few observations to fit any"), err

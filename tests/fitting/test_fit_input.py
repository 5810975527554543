"""fit() from Python names its arguments (``law``, ``arrivals``, ``data``), not the
command's options; the command line still prints ``--law`` (review of the Python API)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from forceratio import InputError, fit
from forceratio.cli.app import app
from forceratio.fitting import fit_battle, fit_laws, read_battle
from tests.fitting.test_fit import synthetic

runner = CliRunner()


@pytest.mark.parametrize(
    ("kwargs", "field", "problem"),
    [
        ({"law": "foo"}, "law", "unknown law 'foo'; choose square, .*, power or all"),
        ({"law": 3}, "law", "unknown law 3"),
        ({"arrivals": "x"}, "arrivals", "must be one of after-observation, in-observation"),
        ({"arrivals": None}, "arrivals", "must be one of .*got None"),
    ],
)
def test_fit_names_the_python_argument(kwargs: dict[str, Any], field: str, problem: str) -> None:
    """These were refused as ``--law`` and ``--arrivals``."""
    with pytest.raises(InputError, match=f"^{field}: {problem}") as err:
        fit(synthetic(0.02, 0.03, days=6), **kwargs)
    assert err.value.field == field


@pytest.mark.parametrize("data", [5, None, [1, 2, 3]])
def test_data_that_is_not_a_table_or_a_path_is_refused(data: Any) -> None:
    """These were a raw TypeError from pathlib/os."""
    with pytest.raises(InputError, match=r"^data: expected a DataFrame or a CSV path"):
        fit(data)


def test_too_few_observations_name_law_in_python_and_the_option_on_the_command_line(
    tmp_path: Path,
) -> None:
    few = synthetic(0.02, 0.03, days=2, arrival=None)
    with pytest.raises(InputError, match=r"^law: power needs more observations than its 6"):
        fit(few, law="power")
    path = tmp_path / "few.csv"
    few.to_csv(path, index=False)
    res = runner.invoke(app, ["fit", str(path), "--law", "power"])
    assert res.exit_code == 2
    assert "forceratio: error: --law: power needs more observations than its 6" in res.stderr
    res = runner.invoke(app, ["fit", str(path), "--law", "nonsense"])
    assert res.exit_code == 2
    want = (
        "--law: unknown law 'nonsense'; choose square, linear, logarithmic, helmbold, power or all"
    )
    assert want in res.stderr


def test_fit_laws_and_fit_battle_check_their_arguments() -> None:
    b = read_battle(synthetic(0.02, 0.03, days=6))
    with pytest.raises(InputError, match=r"^laws: expected a list of laws, got 'square'"):
        fit_laws(b, "square")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^b: expected a Battle \(read_battle\(data\)\)"):
        fit_laws(synthetic(0.02, 0.03, days=6), ["square"])  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^law: unknown law 'all'"):
        fit_battle(b, "all")
    assert fit_battle(b, "square").law == "square"


def test_all_is_offered_only_where_it_is_taken() -> None:
    """fit_battle refuses "all" but its message offered it (review14c)."""
    data = synthetic(0.02, 0.03, days=6)
    with pytest.raises(InputError, match=r"choose square, linear, logarithmic, helmbold, power$"):
        fit_battle(data, law="nonsense")
    with pytest.raises(InputError, match=r"helmbold, power or all$"):
        fit(data, law="nonsense")

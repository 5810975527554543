"""fitting's refusals name the Python argument (``refits``, ``seed``, ``arrivals``, ``rises``,
``shared``, ``likelihood``, ``law``) when called from Python, and the command's option
(``--bootstrap``, ``--seed``, ...) on the command line, through ``cli.errors.cli_field``
(hapi18's leftover: before, the library raised them as ``--bootstrap``, ``--arrivals``...)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.fitting import fit_battle, read_battle
from forceratio.fitting.casualties import fit_casualties
from forceratio.fitting.joint import fit_battles
from forceratio.fitting.model import law_spec
from tests.fitting.synth import series

runner = CliRunner()
IWO = Path(__file__).parent / "fixtures" / "iwo_1.csv"


def _plain() -> Any:
    return series(0.02, 0.03, days=8, noise=0.01, seed=1)  # both sides seen every day


@pytest.mark.parametrize(
    ("call", "field", "problem"),
    [
        (lambda: fit_battle(IWO, "square", refits=5), "refits", "must be 0 \\(off\\) or 10"),
        (lambda: fit_battle(IWO, "square", refits=True), "refits", "must be 0"),
        (lambda: fit_battle(IWO, "square", refits=10, seed=-1), "seed", "must be an integer"),
        (lambda: fit_battle(_plain(), "square", refits=10), "refits", "applies only to a side"),
        (lambda: fit_battle(IWO, "helmbold", refits=10), "refits", "the bootstrap refits only"),
        (lambda: read_battle(_plain(), arrivals="x"), "arrivals", "must be one of after-obs"),
        (lambda: read_battle(_plain(), rises="x"), "rises", "must be one of note, arrivals"),
        (lambda: law_spec("foo"), "law", "unknown law 'foo'"),
        (
            lambda: fit_casualties(read_battle(_plain()), "square", "x"),
            "likelihood",
            "must be gaussian, poisson or negbin",
        ),
        (
            lambda: fit_battles(
                [read_battle(_plain(), "a"), read_battle(series(0.02, 0.03, days=8), "b")],
                "square",
                ("z",),
            ),
            "shared",
            "z is not a parameter of the square law",
        ),
    ],
)
def test_python_errors_name_the_argument(call: Any, field: str, problem: str) -> None:
    with pytest.raises(InputError, match=f"^{field}: {problem}") as err:
        call()
    assert err.value.field == field
    assert "--" not in str(err.value).split(":")[0]


def _cli(tmp_path: Path, *args: str) -> str:
    res = runner.invoke(app, ["fit", *args])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    return lines[0]


def test_the_command_line_names_the_options(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    _plain().to_csv(plain, index=False)
    other = tmp_path / "other.csv"
    series(0.02, 0.03, days=8).to_csv(other, index=False)
    for args, needle in (
        ([str(IWO), "--bootstrap", "5"], "error: --bootstrap: must be 0 (off) or 10"),
        ([str(plain), "--bootstrap", "10"], "error: --bootstrap: applies only to a side"),
        ([str(IWO), "--law", "helmbold", "--bootstrap", "10"], "error: --bootstrap: the boot"),
        ([str(plain), str(other), "--shared", "z"], "error: --shared: z is not a parameter"),
    ):
        assert needle in _cli(tmp_path, *args), args

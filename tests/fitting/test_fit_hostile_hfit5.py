"""Findings of the outside hostile-input review of ``forceratio fit`` (hfit5): a date that
does not exist, options that would be ignored, loss columns that contradict the strengths and
the same battle given twice are each refused in one line naming the field (exit 2).

The series are small hand-written CSVs or synthetic square-law battles from ``solve_ivp``
(:mod:`tests.fitting.synth`), so every impossible value is impossible by construction.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.fitting import FIT_LAWS, bootstrap, fit_battle, read_battle
from forceratio.fitting.estimate import Objective
from forceratio.fitting.model import law_spec

runner = CliRunner()


def _refused(args: list[str], *needles: str) -> str:
    """The one line of a refusal (exit 2, no traceback, no warning), holding ``needles``."""
    res = runner.invoke(app, args)
    assert res.exit_code == 2, (res.exit_code, res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr and "Warning" not in res.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_a_date_that_does_not_exist_is_named_as_such(tmp_path: Path) -> None:
    """Before: "'1941-02-29' among dates: give every day as a date (YYYY-MM-DD)", though it
    was one. 1941 is not a leap year (divisible by neither 4 nor 400)."""
    path = tmp_path / "baddate.csv"
    path.write_text(
        "day,red,blue\n1941-02-27,100,90\n1941-02-28,98,88\n1941-02-29,96,86\n1941-03-01,94,84\n"
    )
    line = _refused(["fit", str(path)], "row 4, column day: 1941-02-29: no such date")
    assert "among dates" not in line
    path.write_text("day,red,blue\n1941-02-27 12:00,100,90\n1941-02-28 25:00,98,88\n")
    _refused(["fit", str(path)], "row 3, column day: 1941-02-28 25:00: no such time of day")


EXAMPLES = Path(__file__).parents[2] / "examples"
GOOD = EXAMPLES / "battle.csv"  # both sides seen every day, neither annihilated
#: Engel's configuration: blue's column is empty between its first row and its 0.
IWO = Path(__file__).parent / "fixtures" / "iwo_1.csv"


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        # before: the bootstrap was silently skipped (both sides observed) and exit 0
        ([str(GOOD), "--bootstrap", "10"], ("--bootstrap: applies only to a side seen only",)),
        # before: helmbold's intervals stayed the profile's while its note said --bootstrap 199
        (
            [str(IWO), "--law", "helmbold", "--bootstrap", "10"],
            ("--bootstrap: the bootstrap refits only square, linear, logarithmic", "helmbold"),
        ),
        (
            [str(EXAMPLES / "a.csv"), str(EXAMPLES / "b.csv"), "--bootstrap", "10"],
            ("--bootstrap: a joint fit of several files takes no bootstrap",),
        ),
        (
            [str(GOOD), "--likelihood", "poisson", "--bootstrap", "10"],
            ("--bootstrap: --likelihood poisson takes no bootstrap",),
        ),
        # README: a --seed where nothing is random is refused, not ignored
        ([str(GOOD), "--seed", "5"], ("--seed: nothing here is random", "--bootstrap")),
        # before: with one file --shared zz was ignored (with two: "not a parameter")
        ([str(GOOD), "--shared", "zz"], ("--shared: applies only to several files",)),
        (
            [str(EXAMPLES / "a.csv"), str(EXAMPLES / "b.csv"), "--likelihood", "negbin"],
            ("--likelihood: negbin fits one file",),
        ),
    ],
)
def test_an_option_the_fit_would_ignore_is_refused(args: list[str], needles: tuple[str]) -> None:
    _refused(["fit", *args], *needles)


def test_the_bootstrap_from_python_is_refused_where_no_fit_would_use_it() -> None:
    with pytest.raises(InputError, match="applies only to a side seen only"):
        fit_battle(GOOD, "square", refits=10)
    with pytest.raises(InputError, match="refits only square, linear, logarithmic"):
        fit_battle(IWO, "power", refits=10)


def test_only_a_law_the_bootstrap_takes_is_advised_to_ask_for_it() -> None:
    """Before: helmbold's and power's notes advised "--bootstrap 199", which they ignore."""
    b = read_battle(IWO)
    for law in FIT_LAWS:
        (note,) = bootstrap.profile_notes(Objective(b, law_spec(law), None))
        assert note.startswith("blue is seen only at the start and at its annihilation")
        assert ("--bootstrap 199" in note) == (law in ("square", "linear", "logarithmic")), law

"""Findings of the outside hostile-input review of ``forceratio fit`` (hfit5): a date that
does not exist, options that would be ignored, loss columns that contradict the strengths and
the same battle given twice are each refused in one line naming the field (exit 2).

The series are small hand-written CSVs or synthetic square-law battles from ``solve_ivp``
(:mod:`tests.fitting.synth`), so every impossible value is impossible by construction.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from forceratio.cli.app import app

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

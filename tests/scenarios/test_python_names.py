"""From Python a refused argument is named as the function spells it (README, "Limits":
"naming the argument as the function spells it"), the same check naming the option from the
command line (review18b 2: ``scenarios.load("nope")`` said ``SCENARIO``, ``export`` ``NAME``,
``compare(tables=...)`` ``--table``, ``run(samples=...)`` ``--vary``, ``figure`` ``--kind``;
``load(name, "path=value")`` read the one text a character at a time).  The oracle of the
Python side: the field is a parameter of the function called (``inspect.signature``)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import forceratio
from forceratio import scenarios
from forceratio.cli import run as cli_run
from forceratio.errors import InputError
from forceratio.plots import figure
from forceratio.scenarios.run import run

NAME = "strike-12june-strip"


def _prep_run(**kwargs: Any) -> Any:
    return run(scenarios.load(NAME), calibration={}, **kwargs)


CASES: list[tuple[str, Callable[..., Any], dict[str, Any], str, str]] = [
    # (label, function, arguments, the argument named, the start of the problem)
    ("load", scenarios.load, {"name_or_path": "nope"}, "name_or_path", "no built-in scenario"),
    ("export", scenarios.export, {"name": "nope"}, "name", "unknown scenario 'nope'"),
    ("load sets", scenarios.load, {"name_or_path": NAME, "sets": ["x"]}, "sets", "expected"),
    (
        "compare tables",
        forceratio.compare,
        {"names": [NAME], "tables": {"strip": "/nope.csv"}, "posterior": 0},
        "tables",
        "file not found",
    ),
    (
        "run samples",
        run,
        {"prep": None, "samples": {"modifiers.quality.Germny": np.array([1.0])}},
        "samples",
        "unknown parameter 'modifiers.quality.Germny'",
    ),
    ("figure kind", figure, {"kind": "traj", "scenario": NAME}, "kind", "unknown kind 'traj'"),
]


@pytest.mark.parametrize(("label", "func", "kwargs", "arg", "problem"), CASES)
def test_a_python_error_names_the_functions_argument(
    label: str, func: Callable[..., Any], kwargs: dict[str, Any], arg: str, problem: str
) -> None:
    assert arg in inspect.signature(func).parameters  # the oracle: the function's own name
    if kwargs.get("prep", 0) is None:
        kwargs = {**kwargs, "prep": scenarios.load(NAME), "calibration": {}}
    with pytest.raises(InputError) as err:
        func(**kwargs)
    assert err.value.field.split()[0] == arg, str(err.value)
    assert problem in err.value.problem or problem in str(err.value), str(err.value)


def test_one_text_is_one_set_wherever_sets_are_taken() -> None:
    """One ``"path=value"`` text is one override, in ``load`` as in ``compare``."""
    one = "modifiers.quality.Germany=2"
    for prep in (scenarios.load(NAME, one), scenarios.load(NAME, [one])):
        assert prep.scenario.modifiers.quality["Germany"] == 2.0
    from forceratio.scenarios.session import Session

    assert Session().prepare(NAME, one).scenario.modifiers.quality["Germany"] == 2.0
    with pytest.raises(InputError, match=r"^sets: expected dotted.path=value, got 'nope'$"):
        scenarios.load(NAME, "nope")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["run", "nope"], "SCENARIO: no built-in scenario or file 'nope'"),
        (["compare", "nope"], "SCENARIO: no built-in scenario or file 'nope'"),
        (["scenarios", "export", "nope"], "NAME: unknown scenario 'nope'"),
        (["run", NAME, "--set", "x"], "--set: expected dotted.path=value, got 'x'"),
        (["run", NAME, "--table", "strip=/nope.csv"], "--table strip=/nope.csv: file not found"),
        (["sweep", NAME, "--vary", "nosuch.path=0:1"], "--vary: unknown parameter 'nosuch.path'"),
    ],
)
def test_the_command_line_names_its_options_as_before(
    args: list[str], line: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The same checks, printed by the CLI under its options' names, as they were."""
    if args[0] == "sweep":
        args = [*args, "--out", str(tmp_path / "never")]
    assert cli_run(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"forceratio: error: {line}"), err

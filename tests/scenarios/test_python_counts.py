"""``compare()`` and ``run()`` from Python apply the command line's rule on replications and
seeds (README, "Seeds and replications, one rule": ``--replications`` is a whole number from
1 to 100,000 wherever it appears; from Python the rule is the same), refused before any
work starts (review18b 1: ``compare(..., replications=10**6)`` ran for 12 minutes at 3.2 GB,
``replications=0`` was taken as none, ``run(..., seed=3)`` without replications ignored the
seed)."""

from __future__ import annotations

from typing import Any, NoReturn

import pytest

import forceratio
from forceratio import scenarios
from forceratio.cli import run as cli_run
from forceratio.errors import InputError
from forceratio.scenarios import run as run_module
from forceratio.scenarios.session import Session

NAME = "strike-12june-strip"


def _no_work(*args: Any, **kwargs: Any) -> NoReturn:
    raise AssertionError("the work started before the arguments were checked")


@pytest.mark.parametrize(
    ("reps", "problem"),
    [
        (10**6, "Input should be less than or equal to 100000"),
        (100_001, "Input should be less than or equal to 100000"),
        (0, "Input should be greater than or equal to 1"),
        (-3, "Input should be greater than or equal to 1"),
        (2.5, "must be a whole number, got 2.5"),
    ],
)
def test_compare_refuses_replications_outside_the_rule(
    reps: object, problem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Session, "prepare", _no_work)
    with pytest.raises(InputError) as err:
        forceratio.compare([NAME], replications=reps)  # type: ignore[arg-type]
    assert str(err.value) == f"replications: {problem}"


def test_run_refuses_replications_outside_the_rule_and_a_lone_seed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prep = scenarios.load(NAME)
    monkeypatch.setattr(run_module, "build", _no_work)
    for reps in (10**6, 0):
        with pytest.raises(InputError, match=r"^replications: Input should be"):
            run_module.run(prep, calibration={}, replications=reps)
    with pytest.raises(InputError) as err:
        run_module.run(prep, calibration={}, seed=3)
    assert str(err.value) == "seed: a seed applies only with replications"
    # the same seed with replications is taken (the bound's edge included)
    with pytest.raises(AssertionError, match="work started"):
        run_module.run(prep, calibration={}, replications=100_000, seed=3)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1000000", "Input should be less than or equal to 100000"),
        ("0", "Input should be greater than or equal to 1"),
    ],
)
def test_the_command_line_says_what_it_said(
    value: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI calls the same rule (its option's callback); its line is unchanged."""
    assert cli_run(["compare", NAME, "--replications", value]) == 2
    assert capsys.readouterr().err.strip() == f"forceratio: error: --replications: {problem}"

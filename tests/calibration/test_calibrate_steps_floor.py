"""``calibrate --steps``'s floor: the help said ``x>=100`` while every value below 349 was
refused by the sampler in terms of its own fields (``n_steps``, ``burn``, ``thin``; probe32
item 1).  The floor, its refusal and its help now come from the sampler's constants."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceratio.calibration.sampling import MIN_KEPT
from forceratio.cli.app import app
from forceratio.cli.calibrate_sampler import FEWEST_STEPS, fewest_steps
from forceratio.scenarios.record_fit import POSTERIOR
from tests.cli.refusals import refused

runner = CliRunner()


def test_the_floor_is_the_first_step_count_the_sampler_accepts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Oracle: the sampler's own check (``_plan``) on the record's problem, stepped by hand
    over the counts around the floor, with the command's burn-in of a fifth (at most 500)."""
    from forceratio.calibration.sampling import _plan
    from forceratio.errors import InputError
    from forceratio.scenarios import record_fit
    from forceratio.scenarios.session import Session

    problem = record_fit.inputs(Session({}).table).problem
    thin = POSTERIOR["options"]["thin"]

    def accepted(n: int) -> bool:
        try:
            _plan(problem, 48, n, min(500, n // 5), thin, 600, 3, 0.5)
        except InputError:
            return False
        return True

    floor = fewest_steps()
    assert accepted(floor)
    assert not accepted(floor - 1)
    assert (floor - min(500, floor // 5)) // thin == MIN_KEPT
    assert floor == FEWEST_STEPS  # the help's number


@pytest.mark.parametrize("steps", ["100", str(FEWEST_STEPS - 1), "0", "-1"])
def test_below_the_floor_is_one_line_naming_steps(
    steps: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FORCERATIO_CACHE_DIR", str(tmp_path))

    def reached(*args: object, **kwargs: object) -> None:
        raise AssertionError("the sampler was reached before the refusal")

    monkeypatch.setattr("forceratio.calibration.sampling.find_mode", reached)
    line = refused(capsys, ["calibrate", "--no-loo", "--steps", steps])
    assert line.startswith(f"forceratio: error: --steps: at least {FEWEST_STEPS} steps"), line
    for field in ("n_steps", "burn=", "thin="):  # the sampler's fields, not options
        assert field not in line


def test_the_help_states_the_floor() -> None:
    res = runner.invoke(app, ["calibrate", "--help"], env={"COLUMNS": "300"}, terminal_width=300)
    text = " ".join(res.output.split())
    assert f"at least {fewest_steps()}" in text
    assert "x>=100" not in text

"""``forceratio calibrate``'s sampler and check sizes out of range: each is one line
naming its option, exit status 2, and nothing run (no mode search, no sampler step, no
prior draw).  A billion walkers is refused by its memory before any array is made."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.refusals import refused


@pytest.fixture(autouse=True)
def nothing_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh cache (no fit found there) and the memory limit fixed; the work a
    calibration does (the mode, emcee's steps, the prior draws) fails the test if reached."""
    monkeypatch.setenv("FORCERATIO_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "8G")

    def reached(*args: object, **kwargs: object) -> None:
        raise AssertionError("the calibration's work was reached before the refusal")

    for name in (
        "forceratio.calibration.sampling.find_mode",
        "forceratio.calibration.sampling._stage",
        "forceratio.calibration.prior_predictive.prior_draws",
    ):
        monkeypatch.setattr(name, reached)


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--walkers", "0"], "--walkers"),
        (["--walkers", "-4"], "--walkers"),
        (["--walkers", "1"], "--walkers"),
        (["--steps", "0"], "--steps"),
        (["--steps", "-1"], "--steps"),
        (["--walkers", str(10**9)], "--walkers x --steps"),
        (["--walkers", str(10**30)], "--walkers x --steps"),
        (["--prior-predictive", "--draws", "0"], "--draws"),
        (["--prior-predictive", "--draws", "-3"], "--draws"),
        (["--seed", "-1"], "--seed"),
        (["--prior-predictive", "--seed", "-1"], "--seed"),
    ],
)
def test_out_of_range_sizes_are_one_line_naming_the_option(
    args: list[str], option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = refused(capsys, ["calibrate", "--no-loo", *args])
    assert line.startswith(f"forceratio: error: {option}:"), line
    assert "Traceback" not in line


def test_a_billion_walkers_is_refused_by_memory(capsys: pytest.CaptureFixture[str]) -> None:
    """The oracle is the limit set above: the estimate is said against 8G."""
    line = refused(capsys, ["calibrate", "--no-loo", "--walkers", str(10**9)])
    assert "1,000,000,000 walkers x" in line
    assert "FORCERATIO_MAX_MEMORY=8G" in line

"""Options that do not apply to the chosen figure or search are refused in one line naming
them, not ignored with rc 0 (review15hostile D14): ``plot --kind ratios --x foo``,
``plot --kind fit ... --replications 5``, ``plot SCENARIO --kind fit``, and
``threshold --vary X=lo:hi:n`` (the ``:n`` of a grid)."""

from __future__ import annotations

from pathlib import Path

import pytest

from forceratio.cli import run
from tests.cli.refusals import refused

SCN = "strike-12june-strip"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--kind", "ratios", "--x", "foo"],
         "--x: does not apply to --kind ratios (only to --kind sweep); drop it"),
        (["--kind", "trajectory", "--samples", "3", "--seed", "1"],
         "--samples, --seed: do not apply to --kind trajectory; drop them"),
        (["--kind", "distribution", "--outcome", "attacker_margin"],
         "--outcome: does not apply to --kind distribution (only to --kind sweep, tornado)"),
        (["--kind", "tornado", "--replications", "5"],
         "--replications: does not apply to --kind tornado (only to --kind distribution)"),
    ],
)  # fmt: skip
def test_plot_refuses_options_its_kind_ignores(
    args: list[str], words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.png"
    line = refused(capsys, ["plot", SCN, *args, "--out", str(out)])
    assert line.startswith(f"forceratio: error: {words}"), line
    assert not out.exists()


def test_plot_fit_refuses_a_scenario_and_scenario_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    series = tmp_path / "s.csv"
    series.write_text("day,red,blue\n0,100,80\n")
    out = str(tmp_path / "x.png")
    line = refused(capsys, ["plot", "--kind", "fit", "--from", str(series), "--replications",
                            "5", "--out", out])  # fmt: skip
    assert "--replications: does not apply to --kind fit (only to --kind distribution)" in line
    line = refused(capsys, ["plot", SCN, "--kind", "fit", "--from", str(series), "--out", out])
    assert line.startswith("forceratio: error: SCENARIO: does not apply to --kind fit")
    line = refused(capsys, ["plot", "--kind", "fit", "--from", str(series), "--uncalibrated",
                            "--out", out])  # fmt: skip
    assert "--uncalibrated: does not apply to --kind fit" in line
    assert not Path(out).exists()


def test_plot_defaults_still_apply_where_the_option_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--seed 0 and --replications 200 are the defaults: the same figure either way."""
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    assert run(["plot", "sokolov-152v100", "--kind", "distribution", "--out", str(a)]) == 0
    assert run(["plot", "sokolov-152v100", "--kind", "distribution", "--replications", "200",
                "--seed", "0", "--out", str(b)]) == 0  # fmt: skip
    assert a.read_bytes() == b.read_bytes()
    c = tmp_path / "c.png"  # (and the options do act: another seed, another figure)
    assert run(["plot", "sokolov-152v100", "--kind", "distribution", "--seed", "1", "--out",
                str(c)]) == 0  # fmt: skip
    assert c.read_bytes() != a.read_bytes()


def test_threshold_refuses_the_points_of_a_grid(capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, ["threshold", SCN, "--vary", "modifiers.quality.Germany=0.3:20:5"])
    assert line == (
        "forceratio: error: --vary: modifiers.quality.Germany: a threshold takes lo:hi, not "
        "lo:hi:n (it searches the range with 33 grid points, then Brent or bisection); drop ':5'"
    )

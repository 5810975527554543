"""``forceratio battle`` through typer's CliRunner, the error wrapper and a real process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from forceratio.cli import run
from forceratio.cli.app import app

runner = CliRunner()


def test_json_worked_example() -> None:
    res = runner.invoke(
        app,
        [
            "battle",
            "--law",
            "square",
            "--red",
            "1000",
            "--blue",
            "800",
            "--red-rate",
            "0.01",
            "--blue-rate",
            "0.012",
            "--times",
            "0,50",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["winner"] == "red"
    assert out["red_final"] == pytest.approx(481.66, abs=0.005)
    # blue is out at half a man (the end rule), 0.1 day before the continuous model's zero
    assert out["duration"] == pytest.approx(124.03, abs=0.005)
    assert out["end_reason"] == "annihilation"
    assert [p["t"] for p in out["trajectory"]] == [0.0, 50.0]
    assert out["trajectory"][0] == {"t": 0.0, "red": 1000.0, "blue": 800.0}


def test_json_undecided_has_null_duration_and_winner() -> None:
    res = runner.invoke(
        app,
        [
            "battle",
            "--law",
            "linear",
            "--red-rate",
            "1e-5",
            "--blue-rate",
            "1e-5",
            "--t-max",
            "10",
            "--format",
            "json",
        ],
    )
    out = json.loads(res.stdout)
    assert out["winner"] is None
    assert out["duration"] is None
    assert out["end_reason"] == "t_max"


def test_json_with_replications() -> None:
    res = runner.invoke(app, ["battle", "--replications", "300", "--seed", "2", "--format", "json"])
    out = json.loads(res.stdout)
    sto = out["stochastic"]
    assert sto["replications"] == 300
    assert sto["seed"] == 2
    assert 0.0 <= out["p_red_wins"] <= 1.0
    q = sto["red_final"]
    assert q["q05"] <= q["q25"] <= q["q50"] <= q["q75"] <= q["q95"]
    assert abs(q["mean"] - out["red_final"]) < 5 * q["std"] / 300**0.5 + 5


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_other_formats(fmt: str) -> None:
    res = runner.invoke(app, ["battle", "--times", "1,2", "--format", fmt])
    assert res.exit_code == 0
    assert "481.66" in res.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--red", "-5"], "--red"),
        (["--blue", "nan"], "--blue"),
        (["--law", "nonsense"], "--law"),
        (["--red-breakpoint", "1.0"], "--red-breakpoint"),
        (["--blue-breakpoint", "-0.1"], "--blue-breakpoint"),
        (["--red-rate", "abc"], "--red-rate"),
        (["--law", "power", "--p", "1"], "law"),
        (["--seed", "10"], "--seed"),  # (replications without a seed run with seed 0)
        (["--times", "2,1"], "--times"),
        (["--t-max", "0"], "--t-max"),
    ],
)
def test_bad_options_one_line_exit_2(
    args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["battle", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert needle in err
    assert "Traceback" not in err


def test_cli_runner_errors_exit_2() -> None:
    res = runner.invoke(app, ["battle", "--red", "-1"])
    assert res.exit_code == 2
    assert "--red" in res.stderr


def test_real_subprocess() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "forceratio", "battle", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["winner"] == "red"
    bad = subprocess.run(
        [sys.executable, "-m", "forceratio", "battle", "--red", "-3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == ["forceratio: error: --red: must be >= 0, got -3"]


def test_the_command_list_joins_each_wrapped_help_text() -> None:
    """The docstrings are wrapped at 100 characters; ``--help`` must not keep those breaks
    (in typer's rich mode the battle entry stopped at "plus stochastic")."""
    res = runner.invoke(app, ["--help"], env={"COLUMNS": "200"}, terminal_width=200)
    assert res.exit_code == 0, res.output
    battle = next(line for line in res.stdout.splitlines() if "battle " in line)
    assert "plus stochastic replications when asked" in battle, res.stdout

"""The progress bar: drawn on a terminal, never with --no-progress or when stderr is not a
terminal (tested through a real pseudo-terminal); Morris screening from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from tests.cli.terminal import run_on_pty

ARGS = ["sweep", "strike-12june-strip", "--vary", "modifiers.quality.Germany=0.2:1.1",
        "--samples", "1600", "--chunk-size", "200", "--seed", "1"]  # fmt: skip


def stderr_in_pty(args: list[str]) -> str:
    """What the CLI wrote to stderr on a terminal (stdout on a pipe, and not empty)."""
    text, out = run_on_pty(args, stream="stderr")
    assert out  # the results went to stdout
    return text


@pytest.mark.slow
def test_bar_on_a_terminal_and_none_with_no_progress(tmp_path: Path) -> None:
    shown = stderr_in_pty([*ARGS, "--out", str(tmp_path / "a")])
    assert "8/8" in shown  # chunks done of chunks
    assert "━" in shown
    hidden = stderr_in_pty([*ARGS, "--out", str(tmp_path / "b"), "--no-progress"])
    assert "8/8" not in hidden
    assert "━" not in hidden


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "forceratio", *ARGS, "--out", str(tmp_path / "c")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""


def test_morris_from_the_command_line() -> None:
    r = CliRunner().invoke(
        app,
        ["sensitivity", "strike-12june-strip", "--method", "morris", "--trajectories", "8",
         "--format", "json"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    # ranked by mu*; German quality, whose declared range runs from a third to fifteen times
    # the calibrated edge (CDB90 over the whole-record fit), is among the two that matter most
    mu_star = [x["mu_star"] for x in rows]
    assert mu_star == sorted(mu_star, reverse=True)
    assert "modifiers.quality.Germany" in [x["parameter"] for x in rows[:2]]
    assert {"mu", "mu_star", "sigma", "mu_star_ci"} <= set(rows[0])
    bad = CliRunner().invoke(app, ["sensitivity", "strike-12june-strip", "--method", "fast"])
    assert bad.exit_code == 2
    assert "--method" in bad.stderr

"""review20a L1, L2: help strings that promised what the command does not do."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from forceratio.cli.app import app

runner = CliRunner()


def _help(*cmd: str) -> str:
    res = runner.invoke(app, [*cmd, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert res.exit_code == 0, res.output
    return re.sub(r"[\s│]+", " ", res.output)


def test_run_seed_names_only_what_run_draws() -> None:
    """`run` has no --posterior: its --seed seeds the replications only (compare's, which
    has posterior draws, may say so)."""
    text = _help("run")
    assert "--posterior" not in text
    assert "Seed of the stochastic runs" in text
    assert "posterior draws" not in text
    assert "--posterior" in _help("compare")


def test_calibrate_map_does_not_promise_a_minute() -> None:
    """Measured 208 s cold on an unloaded host (session 19), 695 s loaded (review20a)."""
    text = _help("calibrate")
    assert "about a minute" not in text
    assert "several minutes" in text

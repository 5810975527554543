"""``plot --kind tornado`` estimates its Sobol analysis as ``sensitivity
--samples`` does (one :func:`~forceratio.sweeps.sensitivity.sobol_bytes`, through
:func:`~forceratio.limits.analysis_bytes`, sized by the d declared ranges x N samples),
plus the figure.  Its own copy divided by the run count, so ``--samples 0`` (which Sobol
refuses: not a power of 2) ended in a ZeroDivisionError traceback instead of that one line.
A tornado above the limit is refused naming --samples, exit 2, before its runs; the
estimate against the measured peak is tests/sweeps/test_flat_memory.py's (1.04 at
256 samples of strike-12june-strip, 1.07 at 1,024 of kiev-1941, hsim22)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from tests.command_memory import command_peak, refusal_line, run_command


def test_a_tornado_of_0_samples_is_refused_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    args = ["plot", "strike-12june-strip", "--kind", "tornado", "--samples", "0", "--out", str(out)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2, (res.exit_code, res.output, res.exception)
    lines = res.output.strip().splitlines()
    assert lines == ["forceratio: error: --samples: must be a power of 2 >= 8 (Sobol), got 0"]
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/status")
def test_a_tornado_above_the_limit_is_refused_before_its_runs(tmp_path: Path) -> None:
    """256 samples of the strike (its d declared ranges, 256 (d + 2) runs: 20 ranges and
    5,632 runs when written, about 193 MB, estimated at 200 MB) are refused under 150M in one
    line naming --samples, exit 2, having added little more than the command's import (no
    run, no bootstrap), and no figure is drawn.  d is read from ``sweep --list`` so that a
    range declared later does not void the test."""
    listed = CliRunner().invoke(app, ["sweep", "strike-12june-strip", "--list", "--format", "json"])
    d = sum(1 for r in json.loads(listed.output) if r["low"] is not None and r["high"] is not None)
    runs = 256 * (d + 2)  # Saltelli's N (d + 2) runs
    out = tmp_path / "x.png"
    args = ["plot", "strike-12june-strip", "--kind", "tornado", "--samples", "256"]
    ran = run_command([*args, "--out", str(out)], tmp_path, limit="150M")
    refusal_line(ran, f"--samples: the figure and its {runs:,} runs")
    added, asked = command_peak(ran)
    assert added < 0.6 * asked["--samples"], (added, asked)
    assert not out.exists()

"""A refused plot names the option at fault: a column missing from a sweep is the fault
of the option that asked for it (--x, --y, --outcome), not of --from; a folder that makes
no files (/proc) is not "No such file or directory"."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli.refusals import refused


@pytest.fixture
def sweep_file(tmp_path: Path) -> Path:
    g = np.linspace(0.0, 1.0, 4)
    x, y = (a.ravel() for a in np.meshgrid(g, g))
    df = pd.DataFrame({"attrition.german_rate": 0.01 + 0.01 * x, "modifiers.quality.USSR": y})
    df["attacker_margin"] = x - y
    df["attacker_wins"] = x > y
    path = tmp_path / "sweep.parquet"
    df.to_parquet(path)
    return path


@pytest.mark.parametrize("option", ["--x", "--y", "--outcome"])
def test_a_missing_column_blames_the_option_that_named_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sweep_file: Path, option: str
) -> None:
    args = ["plot", "kiev-1941", "--kind", "sweep", "--from", str(sweep_file)]
    line = refused(capsys, [*args, option, "nosuch", "--out", str(tmp_path / "s.png")])
    assert line.startswith(f"forceratio: error: {option}: "), line
    assert "'nosuch'" in line
    known = "attacker_margin" if option == "--outcome" else "modifiers.quality.USSR"
    assert known in line  # what it could have asked for


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="no /proc here")
@pytest.mark.parametrize("command", ["plot", "report"])
def test_a_folder_that_makes_no_files_is_not_called_missing(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    out = ["--kind", "ratios", "--out", "/proc/forbidden.png"]
    args = ["plot", "kiev-1941", *out] if command == "plot" else ["report", "--out", "/proc/x"]
    line = refused(capsys, args)
    assert line.startswith("forceratio: error: --out: cannot write in /proc"), line
    assert "No such file" not in line

"""The sweeps' and ``data ratios``' checks name the Python
argument when called from Python, and the command line prints the same check under its
option (through ``cli_field``): one line, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from forceratio.errors import InputError
from tests.cli.refusals import refused


def _field(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(InputError) as err:
        call(*args, **kwargs)  # type: ignore[operator]
    return err.value.field


def test_data_ratios_names_date_and_name(capsys: pytest.CaptureFixture[str]) -> None:
    from forceratio.data import load as load_table
    from forceratio.data.ratios import force_ratios

    df = load_table("strip")
    assert _field(force_ratios, df, "strip", "1941-13-01") == "date"
    assert _field(force_ratios, df, "modifiers") == "name"
    line = refused(capsys, ["data", "ratios", "strip", "--date", "1941-13-01"])
    assert line.startswith("forceratio: error: --date: impossible date")


def test_prim_and_discover_name_their_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    import pandas as pd

    from forceratio.sweeps.discover import discover, prim

    x = np.random.default_rng(0).uniform(size=(40, 2))
    y = x[:, 0] > 0.5
    assert _field(prim, x, y, ["a", "b"], alpha=0.6) == "alpha"
    assert _field(prim, x, y, ["a", "b"], min_mass=0.0) == "min_mass"
    assert _field(prim, x, y, ["a", "b"], threshold=2.0) == "threshold"
    assert _field(prim, x, y, ["a"]) == "x"
    assert _field(discover, pd.DataFrame({"a": x[:, 0]}), ["b"]) == "params"
    args = ["discover", "smolensk-1941", "--samples", "16", "--no-progress"]
    line = refused(capsys, [*args, "--min-mass", "0"])
    assert line.startswith("forceratio: error: --min-mass: must be in (0, 1)")


def test_morris_and_sobol_name_their_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    from forceratio.sweeps.design import Design, Vary
    from forceratio.sweeps.evaluate import SweepSpec
    from forceratio.sweeps.morris import morris
    from forceratio.sweeps.sensitivity import sobol, threshold

    assert _field(morris, lambda u: u[:, 0], ["a"], r=1) == "r"
    assert _field(morris, lambda u: u[:, 0], [], r=4) == "names"
    spec = SweepSpec("smolensk-1941", Design("random", (), 1, 0), calibration=())
    vary = [Vary("breakpoints.USSR", 0.1, 0.5), Vary("breakpoints.Germany", 0.1, 0.5)]
    assert _field(sobol, spec, vary, samples=10) == "samples"
    assert _field(sobol, spec, vary[:1], samples=16) == "vary"
    assert _field(threshold, spec, vary[0], level=0.9) == "level"
    assert _field(threshold, spec, Vary("breakpoints.USSR", 0.5, 0.5)) == "vary"
    args = ["sensitivity", "smolensk-1941", "--vary", "breakpoints.USSR=0.1:0.5"]
    line = refused(capsys, [*args, "--vary", "breakpoints.Germany=0.1:0.5", "--samples", "10"])
    assert line.startswith("forceratio: error: --samples: must be a power of 2")


def test_posterior_mechanisms_runs_is_sensitivity_posterior(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from forceratio.scenarios.session import Session
    from forceratio.sweeps.mechanisms import crossed_groups, first_order, posterior_mechanisms

    assert _field(posterior_mechanisms, Session(), "strike-12june-strip", runs=5) == "runs"
    assert _field(posterior_mechanisms, Session(), "x", crossed=(1, 4)) == "crossed"
    assert _field(first_order, np.zeros((4, 1)), np.zeros(4)) == "x"
    assert _field(crossed_groups, np.zeros((1, 3))) == "y"
    line = refused(capsys, ["sensitivity", "strike-12june-strip", "--posterior", "5"])
    assert line.startswith("forceratio: error: --posterior: need >= 16 joint runs, got 5")


def test_run_sweep_names_out_and_chunk_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from forceratio.sweeps.design import Design, Vary
    from forceratio.sweeps.evaluate import SweepSpec
    from forceratio.sweeps.runner import run_sweep

    vary = (Vary("breakpoints.USSR", 0.1, 0.5),)
    spec = SweepSpec("smolensk-1941", Design("random", vary, 4, 0), calibration=())
    afile = tmp_path / "a-file"
    afile.write_text("x")
    assert _field(run_sweep, spec, afile) == "out"
    assert _field(run_sweep, spec, tmp_path / "s", chunk_size=0) == "chunk_size"
    assert _field(run_sweep, spec, tmp_path / "s", workers=0) == "workers"
    args = ["sweep", "smolensk-1941", "--vary", "breakpoints.USSR=0.1:0.5", "--samples", "4"]
    line = refused(capsys, [*args, "--out", str(afile), "--no-progress"])
    assert line.startswith("forceratio: error: --out: "), line

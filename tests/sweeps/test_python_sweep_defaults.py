"""The Python sweep API as a notebook calls it (review14, HIGH): a spec without a stated
calibration ran the raw table defaults, and a design varying nothing swept 64 identical
runs and still reported P(attacker wins) = 1.0 with an interval over "64 draws"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forceratio import scenarios
from forceratio.errors import InputError
from forceratio.scenarios.run import run
from forceratio.scenarios.session import Session
from forceratio.sweeps import Design, SweepSpec, Vary, run_sweep

SCN = "strike-12june-strip"


def test_a_sweep_that_varies_nothing_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="vary: nothing varies in this sweep"):
        run_sweep(SweepSpec(SCN, Design.make("sobol", [], 64, 1)), tmp_path / "sw")
    assert not (tmp_path / "sw").exists()  # refused before anything is written


def test_a_spec_without_calibration_runs_the_calibrated_rates(tmp_path: Path) -> None:
    vary = [Vary("modifiers.quality.Germany", 0.5, 4.0)]
    run_sweep(SweepSpec(SCN, Design.make("lhs", vary, 4, 3)), tmp_path / "cal")
    run_sweep(SweepSpec(SCN, Design.make("lhs", vary, 4, 3), calibration=()), tmp_path / "raw")
    cal, raw = pd.read_parquet(tmp_path / "cal"), pd.read_parquet(tmp_path / "raw")
    prep = scenarios.load(SCN)
    q = cal["modifiers.quality.Germany"].to_numpy()
    samples = {"modifiers.quality.Germany": q}
    want = run(prep, samples=samples, calibration=Session().rates(prep)).losses["USSR"][:, 0, 0]
    np.testing.assert_allclose(cal["soviet_losses"], want, rtol=1e-6)
    rawwant = run(prep, samples=samples, calibration={}).losses["USSR"][:, 0, 0]
    np.testing.assert_allclose(raw["soviet_losses"], rawwant, rtol=1e-6)
    assert not np.allclose(want, rawwant, rtol=1e-3)  # the two differ: the test can tell

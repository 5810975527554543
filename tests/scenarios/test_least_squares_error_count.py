"""The single-scenario least squares' RMS log error is taken over the records that count.

A lower bound the model meets carries no error (its residual is clipped to 0), so it is not
one of the records the error is averaged over (``Calibration.counted``, which the report's
sentence "error E over the N records that count" names). Oracle: the RMS of
``log(model / record)`` recomputed by hand over the records that are not a met lower bound.
"""

from __future__ import annotations

import numpy as np
import pytest

from forceratio import scenarios
from forceratio.scenarios.calibrate import calibrate
from forceratio.scenarios.run import run

TRUTH = {"german_rate": 0.02, "soviet_rate": 0.003}


def test_rms_log_error_leaves_out_a_met_lower_bound() -> None:
    prep = scenarios.load("barbarossa-22june")
    clean = run(prep, calibration=TRUTH).record_model[0, 0]
    labels = [r.label for r, _ in prep.records]
    lower = np.array([r.lower_bound for r, _ in prep.records])
    assert lower.sum() == 1
    noisy = clean * np.exp(np.random.default_rng(3).normal(0.0, 0.2, clean.size))
    noisy[lower] = 0.5 * clean[lower]  # far below the model: a bound the fit meets
    cal = calibrate(prep, targets=dict(zip(labels, noisy, strict=True)), leave_one_out=False)
    met = lower & (cal.model >= cal.record)
    assert met.sum() == 1
    by_hand = np.sqrt(np.mean(np.log(cal.model[~met] / cal.record[~met]) ** 2))
    assert cal.rms_log_error == pytest.approx(by_hand, rel=1e-9)
    assert int(cal.counted.sum()) == int((~met).sum())

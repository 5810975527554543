"""The posterior predictive table takes every draw (up to N_PREDICTIVE), in chunks.

Oracle: a model that returns its parameter, so the model's median for the record is the
median of the draws themselves (numpy), and the chunked model calls see each draw once.
A 400-draw subsample (the code before session 20) misses the median of 5,001 skewed draws
by far more than the tolerance here.
"""

from __future__ import annotations

import numpy as np

from forceratio.calibration import CalibratedParameter, Parameters
from forceratio.calibration.priors import Uniform
from forceratio.calibration.result import PREDICTIVE_CHUNK, predictive_table
from tests.calibration import synthetic as syn


def test_the_predictive_median_is_every_draw_median() -> None:
    seen: list[int] = []

    def model(batch: np.ndarray) -> np.ndarray:
        seen.append(batch.shape[0])
        return np.asarray(batch[:, :1])

    prob = syn.one_record(Parameters([CalibratedParameter("x", Uniform(0.0, 100.0))]), model, 0.2)
    draws = np.random.default_rng(1).lognormal(0.0, 1.5, size=(5_001, 1))
    table = predictive_table(prob, draws, np.random.default_rng(2))
    assert float(table["model_q50"].iloc[0]) == float(np.median(draws[:, 0]))
    assert sum(seen) == 5_001  # each draw once
    assert max(seen) <= PREDICTIVE_CHUNK  # in chunks
    lo, hi = np.quantile(draws[:, 0], [0.025, 0.975])
    assert float(table["model_q025"].iloc[0]) == float(lo)
    assert float(table["model_q975"].iloc[0]) == float(hi)

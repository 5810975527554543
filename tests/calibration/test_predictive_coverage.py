"""The posterior predictive intervals (``predictive_table``) cover a new record at their level.

Oracle: a conjugate problem.  A truth x is drawn from its prior (log x ~ N(M0, S0)); three
records and one held-out replicate are drawn around it with log-normal error S (the model
predicts x for every record).  The posterior of log x given the three is normal in closed form,
so exact posterior draws go in, and the replicate's predictive is normal in log with variance
S^2 + the posterior variance.  Over repeated data sets the 95% and 90% predictive intervals
must cover the replicate in the binomial 99.8% band of their level (exact: the truth is a prior
draw), and their log widths must be the closed form's.  The earlier check (>= 10 of 12 records
inside, one data set) passed with the predictive noise halved (review20c, mutant M2).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from forceratio.calibration import (
    CalibratedParameter,
    Parameters,
    Problem,
    Record,
    Records,
)
from forceratio.calibration.priors import LogNormal
from forceratio.calibration.result import predictive_table
from tests.calibration import synthetic as syn

M0, S0, S = 0.0, 1.0, 0.3  # prior of log x; the records' log error
N_OBS, N_SETS, N_DRAWS = 3, 400, 4_000


def _band(n: int, p: float, tail: float = 0.001) -> tuple[int, int]:
    return int(stats.binom.ppf(tail, n, p)), int(stats.binom.isf(tail, n, p))


def _problem(values: np.ndarray) -> Problem:
    def model(batch: np.ndarray) -> np.ndarray:
        return np.repeat(np.asarray(batch[:, :1]), len(values), axis=1)

    recs = [Record(f"r{i}", float(v)) for i, v in enumerate(values[:-1])]
    recs.append(Record("replicate", float(values[-1])))
    return Problem(
        Parameters([CalibratedParameter("x", LogNormal(math.exp(M0), S0))]),
        Records(recs),
        model,
        syn.known_sigma(S),
    )


def test_predictive_intervals_cover_a_replicate_record_at_their_level() -> None:
    rng = np.random.default_rng(2020)
    inside95 = inside90 = 0
    ratios = np.empty(N_SETS)
    v_post = 1.0 / (1.0 / S0**2 + N_OBS / S**2)
    want = 2 * stats.norm.ppf(0.975) * math.sqrt(S**2 + v_post)  # the closed-form log width
    for i in range(N_SETS):
        log_x = rng.normal(M0, S0)  # the truth, a prior draw
        y = np.exp(log_x + S * rng.standard_normal(N_OBS + 1))  # the last one held out
        m_post = v_post * (M0 / S0**2 + np.log(y[:N_OBS]).sum() / S**2)
        draws = np.exp(rng.normal(m_post, math.sqrt(v_post), size=(N_DRAWS, 1)))
        row = predictive_table(_problem(y), draws, rng).iloc[-1]
        new = y[-1]
        inside95 += int(row["q025"] < new < row["q975"])
        inside90 += int(row["q05"] < new < row["q95"])
        ratios[i] = math.log(row["q975"] / row["q025"]) / want
    for got, level in ((inside95, 0.95), (inside90, 0.90)):
        low, high = _band(N_SETS, level)
        assert low <= got <= high, (level, got, low, high)
    # the 2.5% and 97.5% quantiles of 4,000 draws: about 1.5% error in one width, far less in
    # the median of 400 widths
    assert abs(float(np.median(ratios)) - 1.0) < 0.03, np.median(ratios)

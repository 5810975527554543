"""p_attacker_wins over posterior draws: the share of draws the attacker wins, with a
Jeffreys interval; checked against runs of the same draws one at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceratio.calibration import CalibrationResult, posterior_batch
from forceratio.scenarios.posterior_outcome import posterior_outcome
from forceratio.scenarios.run import run
from forceratio.scenarios.session import Session


def _result(draws: np.ndarray, names: tuple[str, ...]) -> CalibrationResult:
    empty = pd.DataFrame()
    return CalibrationResult(
        "map", names, draws, draws[0], draws[0], 0.0, names, {}, empty, empty, empty
    )


def test_probability_is_the_share_of_winning_draws() -> None:
    session = Session()
    prep = session.prepare("uman-1941")
    names = ("attrition.german_rate", "attrition.soviet_rate", "operations.outcome.depth_km")
    rng = np.random.default_rng(3)
    draws = np.column_stack(
        [rng.uniform(0.005, 0.03, 16), rng.uniform(0.001, 0.04, 16), np.full(16, 5000.0)]
    )
    res = _result(draws, names)
    row = posterior_outcome(prep, res, draws=16, seed=2)
    batch = posterior_batch(res, 16, seed=2)
    wins = 0
    for i in range(16):
        one = run(prep, samples={n: [batch[n][i]] for n in names}, operational=True)
        assert one.operations is not None
        wins += one.operations.winner[0, 0] == "Germany"
    assert row["p_attacker_wins"] == wins / 16
    lo, hi = row["p_attacker_wins_ci"]
    assert lo <= row["p_attacker_wins"] <= hi
    assert 0 < wins < 16, wins  # the draws straddle the outcome, so the test can fail
    assert abs(sum(row["decided_by"].values()) - 1.0) < 1e-12

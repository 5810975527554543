"""A scenario's outcome over posterior draws of the whole-record calibration (issue 13):
the probability that the attacker wins under the outcome rule (:mod:`.operations`), its
95% interval (Jeffreys, over the draws), which rule decided, and loss quantiles."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from forceratio.calibration import CalibrationResult, posterior_batch, probability_interval
from forceratio.scenarios.build import Prepared
from forceratio.scenarios.rates import check_draws
from forceratio.scenarios.registry import sweepable
from forceratio.scenarios.run import run
from forceratio.scenarios.schema import CATEGORIES, SIDES

QUANTILES = (0.05, 0.5, 0.95)


def posterior_outcome(
    prep: Prepared, result: CalibrationResult, *, draws: int = 200, seed: int = 0
) -> dict[str, Any]:
    """Run ``prep`` once per posterior draw (one batch) and summarise the outcome:
    ``p_attacker_wins``, ``p_attacker_wins_ci`` [low, high], ``decided_by`` (rule ->
    share of draws), each side's losses at :data:`QUANTILES`
    (``soviet_losses_posterior_q05``...) and ``posterior_duration_days`` [first, last] of
    the days the draws ended on (the quantiles' window)."""
    check_draws(prep)
    batch = posterior_batch(result, draws, seed=seed)
    own = sweepable(prep)  # a drawn parameter the scenario lacks (no capture) has no effect
    samples = {name: batch[name].to_numpy() for name in result.model_names if name in own}
    out = run(prep, samples=samples, operational=True)
    ops = out.operations
    assert ops is not None
    wins = out.attacker_wins[:, 0]
    p, lo, hi = probability_interval(int(wins.sum()), int(wins.size))
    row: dict[str, Any] = {
        "posterior_draws_used": int(wins.size),
        "p_attacker_wins": p,
        "p_attacker_wins_ci": [lo, hi],
        "decided_by": {k: v / wins.size for k, v in Counter(out.decided_by[:, 0]).items()},
        # the draws end on their own days: the quantiles' window
        "posterior_duration_days": [
            float(out.duration[:, 0].min()),
            float(out.duration[:, 0].max()),
        ],
    }
    pk = CATEGORIES.index("personnel")
    for side, key in zip(SIDES, ("soviet", "german"), strict=True):
        q = np.quantile(out.losses[side][:, 0, pk], QUANTILES)
        for qq, v in zip(QUANTILES, q, strict=True):
            row[f"{key}_losses_posterior_q{round(qq * 100):02d}"] = float(v)
        cq = np.quantile(ops.captured[side][:, 0, pk], QUANTILES)
        row[f"{key}_captured_q50"] = float(cq[1])
    return row

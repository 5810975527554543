"""Posterior draws used downstream: parameter batches and summaries over draws.

``compare`` and ``sweep --posterior`` run the engine on a batch of parameter values;
:func:`posterior_batch` picks that batch from a calibration's draws (every model
parameter, the fixed ones at their values), seeded.  A quantity computed per draw is
then summarised by :func:`summarise_over_draws` (mean and an equal-tailed credible
interval, e.g. the per-draw probability that the attacker wins) or, when each draw
gives a yes/no outcome, by :func:`probability_interval` (the posterior probability and
the Jeffreys interval of its Monte Carlo estimate from n draws, Brown, Cai & DasGupta 2001).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.special import betaincinv  # the beta quantile, without importing scipy.stats

from forceratio.arguments import Seed, whole
from forceratio.calibration.result import CalibrationResult
from forceratio.errors import InputError
from forceratio.seeds import generator

FloatArray = NDArray[np.float64]


def posterior_batch(result: CalibrationResult, n: int, *, seed: Seed = 0) -> pd.DataFrame:
    """``n`` posterior draws as a model-parameter batch: a DataFrame with one column per
    model parameter in the model's order (``.to_numpy()`` is the engine's (n, p) batch)
    and ``draw``, the index of the draw used.  Draws are taken without replacement when
    ``n`` <= ``posterior_draws``, with replacement otherwise."""
    whole("n", n, 1)
    total = result.posterior_draws
    rng = generator(seed, "posterior_draws")  # apart from the designs' and runs' streams
    idx = rng.choice(total, size=n, replace=n > total)
    cols: dict[str, FloatArray] = {}
    where = {name: j for j, name in enumerate(result.names)}
    for name in result.model_names:
        if name in where:
            cols[name] = result.draws[idx, where[name]]
        else:
            cols[name] = np.full(n, result.fixed[name])
    frame = pd.DataFrame(cols)
    frame.index = pd.Index(idx, name="draw")
    return frame


@dataclass(frozen=True)
class OverDraws:
    """A quantity over posterior draws: its mean and an equal-tailed interval."""

    mean: float
    median: float
    low: float
    high: float
    level: float
    n_draws: int


def summarise_over_draws(values: ArrayLike, level: float = 0.95) -> OverDraws:
    """Mean, median and the central ``level`` interval of per-draw values, shape (n,)."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        raise InputError("values", "no finite value over the draws")
    if not 0 < level < 1:
        raise InputError("level", f"must be in (0, 1), got {level}")
    lo, med, hi = np.quantile(v, [0.5 - level / 2, 0.5, 0.5 + level / 2])
    return OverDraws(float(v.mean()), float(med), float(lo), float(hi), level, int(v.size))


def probability_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float, float]:
    """Estimate and Jeffreys interval of a probability from ``successes`` of ``n`` draws."""
    if n < 1 or not 0 <= successes <= n:
        raise InputError("successes", f"need 0 <= successes <= n, n >= 1; got {successes}, {n}")
    a, b = successes + 0.5, n - successes + 0.5
    lo = 0.0 if successes == 0 else float(betaincinv(a, b, 0.5 - level / 2))
    hi = 1.0 if successes == n else float(betaincinv(a, b, 0.5 + level / 2))
    return successes / n, lo, hi

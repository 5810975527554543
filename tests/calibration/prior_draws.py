"""Hand-made posterior draws over a chosen share of a prior's support."""

from __future__ import annotations

import numpy as np

from forceratio.calibration import Prior
from forceratio.calibration.contraction import on_log


def draws_between(prior: Prior, a: float, b: float, rng: np.random.Generator, n: int) -> np.ndarray:
    """Draws uniform, on the prior's reading scale (the log for a log-scale prior), over the
    shares ``a`` to ``b`` of its (bounded) support (``n`` of them)."""
    lo, hi = prior.support
    if on_log(prior):
        lo, hi = np.log(lo), np.log(hi)
    x = rng.uniform(lo + a * (hi - lo), lo + b * (hi - lo), n)
    return np.exp(x) if on_log(prior) else x

"""How much a parameter's posterior learned from the records, and whether it sits on a bound.

``contraction = 1 - posterior variance / prior variance`` (Schad, Betancourt & Vasishth
2021; Betancourt's "posterior contraction"): near 1 the records pin the parameter down,
near 0 the posterior is the prior.  Both variances are taken on the scale the prior is
flat or normal on: the log of a positive parameter whose prior is log-uniform, log-normal
or half-normal, the value itself otherwise (uniform, normal).

``prior_bound_end`` ("low", "high") and ``at_prior_bound`` (whether it names one): the
posterior median, 2.5% or 97.5% quantile lies within 1% of the prior's range (on the same
scale) of a finite end of its support: the prior, not the records, limits the parameter
there.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forceratio.calibration.priors import HalfNormal, LogNormal, LogUniform, Prior

FloatArray = NDArray[np.float64]
#: Quantile midpoints the prior's variance is integrated over (the error is O(1/n^2) for a
#: bounded scale, and the tails of an unbounded one are cut at 1/(2n) of mass).
_GRID = 200_001
#: Within this share of the prior's range of a bound counts as at the bound.
BOUND_SHARE = 0.01


def on_log(prior: Prior) -> bool:
    """Whether the parameter is read on its log (a positive prior of the log family)."""
    return isinstance(prior, LogUniform | LogNormal | HalfNormal)


def _scale(prior: Prior, x: ArrayLike) -> FloatArray:
    a = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.log(a)) if on_log(prior) else a


def prior_variance(prior: Prior) -> float:
    """The prior's variance on its reading scale (:func:`on_log`), by its quantiles."""
    u = (np.arange(_GRID) + 0.5) / _GRID
    return float(np.var(_scale(prior, prior.ppf(u))))


def contraction(prior: Prior, draws: ArrayLike) -> float:
    """``1 - var(posterior) / var(prior)`` on the reading scale (NaN: fewer than 2 draws)."""
    d = _scale(prior, draws)
    if d.size < 2:
        return float("nan")
    return float(1.0 - np.var(d, ddof=1) / prior_variance(prior))


def prior_bound_end(prior: Prior, quantiles: ArrayLike) -> str:
    """Which finite end of the prior's support any of ``quantiles`` (e.g. the median, 2.5%
    and 97.5%) lies within :data:`BOUND_SHARE` of the prior's range of (the range: the
    support's when finite, else the prior's central 99.9%; on the log for :func:`on_log`
    priors): "low", "high", "low and high", or "" (neither: the records, not the prior,
    limit the parameter).  The one rule of the ``calibrate`` JSON's ``at_prior_bound`` and
    the report's "at a prior bound" column."""
    lo, hi = prior.support
    ends = [(w, e) for w, e in (("low", lo), ("high", hi))
            if math.isfinite(e) and not (on_log(prior) and e <= 0)]  # fmt: skip
    if not ends:
        return ""
    a, b = (lo, hi) if math.isfinite(lo) and math.isfinite(hi) else prior.interval(0.999)
    if on_log(prior):
        a = max(a, float(prior.ppf(0.0005)))
    s_a, s_b = _scale(prior, [a, b])
    width = float(s_b - s_a)
    q = _scale(prior, quantiles)
    near = [w for w, e in ends if np.any(np.abs(q - _scale(prior, e)) <= BOUND_SHARE * width)]
    return " and ".join(near)


def at_prior_bound(prior: Prior, quantiles: ArrayLike) -> bool:
    """Whether :func:`prior_bound_end` names an end."""
    return bool(prior_bound_end(prior, quantiles))

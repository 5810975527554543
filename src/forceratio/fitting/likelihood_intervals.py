"""Intervals and a convergence check of a maximum-likelihood fit, from its negative
log-likelihood alone (a function of the parameter vector): Wald standard errors from a
central-difference Hessian (:func:`wald_errors`), profile-likelihood interval ends
(:func:`profile_upper`, the other parameters refitted) and whether a point is the optimum
within a fraction of a standard error (:func:`at_optimum`).  Used by the count likelihoods of
:mod:`.casualties`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

FloatArray = NDArray[np.float64]


def exp_or_inf(v: float) -> float:
    """exp(v), infinite (an open interval end) rather than an OverflowError."""
    return math.exp(v) if v < 709.0 else math.inf


def profile_upper(
    nll: Any,
    x: FloatArray,
    i: int,
    lower: list[float],
    upper: list[float],
    ll: float,
    drop: float,
    *,
    down: bool = False,
    reach: float | None = None,
) -> float:
    """The value of parameter ``i`` above ``x[i]`` (below it with ``down``) where the
    profile log-likelihood (the other parameters refitted) falls ``drop`` below ``ll``
    (:func:`.casualties.profile_drop`); +inf (-inf) if it does not within the parameter's range."""
    target = drop - ll
    others = [j for j in range(x.size) if j != i]
    bounds = [(lower[j], upper[j]) for j in others]

    def gap(v: float) -> float:
        def inner(y: FloatArray) -> float:
            full = x.copy()
            full[i], full[others] = v, y
            return float(nll(full))

        if not others:
            return inner(np.zeros(0)) - target
        fit = optimize.minimize(inner, x[others], method="L-BFGS-B", bounds=bounds)
        return float(fit.fun) - target

    end = lower[i] if down else upper[i]
    xtol = 1e-10
    if reach is not None:
        near = max(x[i] - reach, end) if down else min(x[i] + reach, end)
        if gap(near) >= 0:
            end, xtol = near, 1e-6
    if xtol == 1e-10 and gap(end) < 0:
        return -math.inf if down else math.inf
    return float(optimize.brentq(gap, x[i], end, xtol=xtol, rtol=1e-10))


def at_optimum(
    nll: Any,
    x: FloatArray,
    se: FloatArray,
    full: FloatArray | None = None,
    where: list[int] | None = None,
) -> bool:
    """Whether ``x`` is a minimum of ``nll`` to within a thousandth of a standard error: the
    Newton step from it, about gradient x se**2, is under 1e-3 se in every coordinate (the
    gradient by central differences).  ``full`` and ``where``: ``x`` are the coordinates
    ``where`` of the point ``full`` (the others, at a bound, held).  L-BFGS-B reports failure
    when its line search finds no decrease, which on a likelihood of 1e6 happens at the
    optimum itself."""
    if not np.all(np.isfinite(se)):
        return False
    base = np.array(x if full is None else full, dtype=float)
    idx = list(range(x.size)) if where is None else where
    for i, j in enumerate(idx):
        h = 1e-3 * float(se[i])
        up, down = base.copy(), base.copy()
        up[j] += h
        down[j] -= h
        grad = (nll(up) - nll(down)) / (2 * h)
        if abs(grad) * float(se[i]) > 1e-3:
            return False
    return True


def wald_errors(nll: Any, x: FloatArray) -> FloatArray:
    """Standard errors from a central-difference Hessian of the negative log-likelihood;
    infinite where the curvature is not positive (a direction the data do not constrain)."""
    k = x.size
    h = 1e-4 * np.maximum(1.0, np.abs(x))
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(k):
            ei, ej = np.eye(k)[i] * h[i], np.eye(k)[j] * h[j]
            hess[i, j] = (
                nll(x + ei + ej) - nll(x + ei - ej) - nll(x - ei + ej) + nll(x - ei - ej)
            ) / (4 * h[i] * h[j])
    try:
        cov = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        return np.full(k, math.inf)
    d = np.diag(cov)
    out: FloatArray = np.where(d > 0, np.sqrt(np.abs(d)), math.inf)
    return out

"""Rate intervals that carry the uncertainty of the day-to-day variation's size.

The profile intervals (:func:`.estimate.profile_intervals`) take the error model's sizes
(:mod:`.noise`) as known.  From a few weeks of reports the restricted likelihood of the
day-to-day sd ``sigma_p`` is flat from 0 to a few tenths, and its optimum is often 0 when the
truth is not: every interval built on that point then misses.  Here the sizes are integrated
over instead of plugged in: for each ``sigma_p`` of :data:`.noise.PROCESS_GRID` (``sigma_m``
at its restricted-likelihood optimum there), the generalised least-squares estimate of the
parameters, linearised at the fit (one Gauss-Newton step from it, its covariance
``(J' S^-1 J)^-1``), is a normal distribution; the mixture of those normals weighted by
``sigma_p``'s restricted likelihood (a flat prior on 0 .. 2) is, for a linear model with a
flat prior on the parameters, their posterior (the restricted likelihood is the marginal
likelihood of the variance components, Harville 1974, *Biometrika* 61(2):383-385).  Its
2.5% and 97.5% quantiles extend the profile interval where they reach further.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy import linalg, optimize, stats

from forceratio.fitting import noise as noise_mod
from forceratio.fitting.data import Battle
from forceratio.fitting.estimate import Interval, Objective, jacobian
from forceratio.fitting.model import predict

FloatArray = NDArray[np.float64]
NEGLIGIBLE = 1e-6  # a grid point's weight below which it is left out of the mixture


def moments(
    obj: Objective, theta: FloatArray, noise: noise_mod.Noise
) -> tuple[FloatArray, FloatArray, FloatArray] | None:
    """Per grid point of ``sigma_p`` with a weight: the weight, the parameters' linearised
    generalised least-squares means and standard deviations (G, k); ``None`` when ``noise``
    carries no restricted likelihood (too few observations to estimate the sizes)."""
    if noise.process_weights is None or noise.measurement_grid is None:
        return None
    b: Battle = obj.battle
    raw = Objective(b, obj.spec, None, obj.annihilation_sd)
    e, c = raw.raw(theta[None, :])
    n_e = e.shape[1]
    jac = jacobian(raw, theta, np.ones(obj.spec.k, dtype=bool))(theta)
    sr, sb = b.scale
    xs, ys = predict(b, obj.spec, theta)
    mr, mb, _, _ = raw.observed()
    meas, k_obs = noise_mod.shapes(
        np.vstack([xs[0], ys[0]]), np.vstack([b.red_in / sr, b.blue_in / sb]), b.t,
        np.vstack([mr, mb]).astype(float),
    )  # fmt: skip
    keep = np.flatnonzero(noise.process_weights > NEGLIGIBLE)
    means, sds = [], []
    for g in keep:
        sm, sp = float(noise.measurement_grid[g]), float(noise_mod.PROCESS_GRID[g])
        chol = linalg.cholesky(noise_mod.covariance(meas, k_obs, sm, sp), lower=True)
        jw = np.vstack([linalg.solve_triangular(chol, jac[:n_e], lower=True), jac[n_e:]])
        rw = np.concatenate([linalg.solve_triangular(chol, e[0], lower=True), c[0]])
        cov = np.linalg.pinv(jw.T @ jw)
        means.append(theta - cov @ (jw.T @ rw))
        sds.append(np.sqrt(np.clip(np.diag(cov), 0.0, None)))
    w = noise.process_weights[keep]
    return w / w.sum(), np.array(means), np.array(sds)


def quantiles(
    weights: FloatArray, means: FloatArray, sds: FloatArray, level: float = 0.95
) -> tuple[float, float]:
    """The central ``level`` interval of the mixture of normals ``N(means, sds**2)`` with
    ``weights`` (one parameter: 1-d arrays)."""
    sds = np.maximum(sds, 1e-12)

    def cdf(x: float, p: float) -> float:
        return float(np.sum(weights * stats.norm.cdf((x - means) / sds))) - p

    span = 10.0 * float(sds.max())
    lo, hi = float(means.min()) - span, float(means.max()) + span
    tail = (1.0 - level) / 2.0
    return (
        float(optimize.brentq(cdf, lo, hi, args=(tail,), xtol=1e-7)),
        float(optimize.brentq(cdf, lo, hi, args=(1.0 - tail,), xtol=1e-7)),
    )


def widened(
    ivs: list[Interval], obj: Objective, theta: FloatArray, noise: noise_mod.Noise,
    which: tuple[int, ...] = (0, 1),
) -> list[Interval]:  # fmt: skip
    """``ivs`` with the parameters ``which`` (the log-rates) extended to the mixture's
    quantiles where those reach further; an open end stays open."""
    got = moments(obj, theta, noise)
    if got is None:
        return ivs
    w, means, sds = got
    out = list(ivs)
    for i in which:
        if not np.all(np.isfinite(means[:, i])) or not np.all(np.isfinite(sds[:, i])):
            continue
        lo, hi = quantiles(w, means[:, i], sds[:, i])
        iv = ivs[i]
        low = None if iv.low is None else min(iv.low, lo)
        high = None if iv.high is None else max(iv.high, hi)
        if low is not None and not math.isfinite(low):
            low = None
        out[i] = Interval(low, high)
    return out

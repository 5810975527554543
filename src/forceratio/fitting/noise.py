"""The error model of a daily series: measurement noise plus day-to-day loss variation.

Real series carry two kinds of error.  *Measurement* error is independent from one report
to the next, with a standard deviation proportional to the strength reported.  *Loss
variation* (a bad day, a quiet day) is not: a day's extra losses stay in every later
strength, so the deviations of the strengths from the fitted path are a random walk.  A
least-squares fit that treats the second as the first reports intervals far too narrow.

For each side, with m_t its fitted (scaled) strength and L_j its fitted loss over the
interval j of length dt_j days, the covariance of the deviations at observed rows t, s is::

    Sigma[t, s] = sigma_m**2 * m_t**2 * [t == s]  +  sigma_p**2 * sum_{j < min(t, s)} L_j**2 / dt_j

(losses varying by a factor exp(N(0, sigma_p**2)) a day, to first order; the sides taken as
independent, and the knock-on effect of one side's extra losses on the other's ignored).
Counts are written to their last digit, so a reported strength carries a rounding error of
up to half a unit of that digit (±0.5 men for whole numbers): uniform, of variance
unit**2 / 12, independent of the rest.  It is added to every observed entry's measurement
variance (:func:`resolution`, ``rounding=`` of :func:`estimate`), a floor under the
measurement noise: a series that never moves (no losses) was fitted with sigma_m at the
search's floor, 1e-11, and a rate interval that bounded nothing (0 .. 9e-10 men a day).
Where the rounding is all the noise there is (sigma_m's measurement variance below it on
every entry, :attr:`Noise.at_rounding`), the residuals' scale is not estimated below it
(:func:`.estimate.profile_intervals`'s ``scale_floor``).  A sigma_m at the search's floor
is reported as 0 (:attr:`Noise.measurement_zero`: the fit used the rounding alone), and a
sigma_p whose restricted likelihood is flat (no loss to vary) as not estimated.

``sigma_m`` and ``sigma_p`` are estimated by restricted maximum likelihood (REML) from the
residuals of a reference fit (the law with the lowest AICc by plain least squares; sigma_p
at the median of its restricted likelihood, :func:`estimate`), and
every law is then fitted by generalised least squares under that one covariance: the
whitened residuals ``W e`` with ``W = chol(Sigma)**-1``.  Tried on synthetic square-law
battles (tests/fitting), linearising the knock-on effect as well made the intervals no
better and the fit twice as slow.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import linalg, optimize

FloatArray = NDArray[np.float64]
#: The grid of sigma_p over which its restricted likelihood is read (:func:`estimate`'s
#: median, :func:`process_sample`'s draws).
PROCESS_GRID = np.linspace(0.0, 2.0, 81)
LEVEL_FLOOR = 0.02  # measurement sd never below 2% of the reference strength's share
#: :func:`estimate`'s inputs: residuals, levels, arrivals, times, observed rows, Jacobian.
Inputs = tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]


@dataclass(frozen=True)
class Noise:
    """A whitening transform of the stacked residuals (red's observed rows, then blue's)."""

    sigma_measurement: float
    sigma_process: float
    whiten: FloatArray  # (n, n) lower-triangular inverse Cholesky factor
    log_det: float  # log det Sigma
    #: the data's rounding is all the measurement noise there is (see the module's text)
    at_rounding: bool = False
    #: no measurement error found beyond the rounding: ``sigma_measurement`` is the search's
    #: floor (:data:`MEASUREMENT_ZERO`) or, with few rows, not above the rounding's sd; the
    #: whitening's measurement variance is then the rounding's alone (a number, 1e-11, that
    #: was printed as if it were an estimate)
    measurement_zero: bool = False
    #: whether the data say anything of ``sigma_process``: not where the fitted path has no
    #: loss to vary (its restricted likelihood flat over the grid; the value is the prior's
    #: median, 1)
    process_identified: bool = True

    @classmethod
    def identity(cls, n: int, sigma: float, rounding: float = 0.0) -> Noise:
        """The same sd on every entry, not below the rounding's sd ``rounding``."""
        s = max(sigma, rounding, 1e-12)
        at = bool(0 < rounding >= sigma)
        zero = at or sigma <= 1e-12
        return cls(s, 0.0, np.eye(n) / s, 2.0 * n * math.log(s), at, zero)


#: The search's range of log sigma_m (:func:`_fit_reml`, :func:`_measurement_at`).
LOG_MEASUREMENT_BOUNDS = (-25.0, 3.0)
#: An estimate of sigma_m within a factor e of the search's floor, exp(-25) = 1.4e-11: the
#: restricted likelihood still rises toward 0 there, so the estimate is 0 (a relative sd of
#: 1e-11 is a thousandth of a man on a strength of 100 million).
MEASUREMENT_ZERO = math.exp(LOG_MEASUREMENT_BOUNDS[0] + 1.0)

#: The finest digit :func:`resolution` looks for (a millionth of a unit).
DECIMALS = 6


def resolution(values: FloatArray) -> float:
    """The unit of the last digit the finite ``values`` are written to: 1 when all are
    whole numbers, 0.1 with one decimal, ... down to 10**-:data:`DECIMALS`; 0 when they
    carry more decimals (computed values, no rounding to speak of).  Trailing zeros say
    nothing (20000 may be rounded to the thousand): the finest reading is taken, the least
    noise."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    for d in range(DECIMALS + 1):
        x = v * 10.0**d
        if np.all(np.abs(x - np.round(x)) <= 1e-9 * np.maximum(1.0, np.abs(x))):
            return 10.0**-d
    return 0.0


def _shapes(
    levels: FloatArray, arrivals: FloatArray, t: FloatArray, observed: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Measurement variances of the observed entries and the process covariance shape.

    ``levels``, ``arrivals``, ``observed``: (2, T); the observed entries are stacked red's
    rows then blue's.  A side's deviation from the path is the sum of its daily loss
    deviations, each of variance loss_j**2 / dt_j (per unit sigma_p**2)."""
    loss = np.clip(levels[:, :-1] + arrivals[:, :-1] - levels[:, 1:], 0.0, None)
    cum = np.concatenate([np.zeros((2, 1)), np.cumsum(loss**2 / np.diff(t)[None, :], 1)], 1)
    blocks, meas = [], []
    for side in (0, 1):
        idx = np.flatnonzero(observed[side])
        blocks.append(np.minimum.outer(cum[side, idx], cum[side, idx]))
        meas.append(np.maximum(levels[side, idx], LEVEL_FLOOR) ** 2)
    return np.concatenate(meas), linalg.block_diag(*blocks)


def _sigma(
    meas: FloatArray, k_obs: FloatArray, sm: float, sp: float, rounding: FloatArray | float = 0.0
) -> FloatArray:
    out: FloatArray = np.diag(sm**2 * meas + rounding) + sp**2 * k_obs
    out[np.diag_indices_from(out)] += 1e-14
    return out


def _reml(
    resid: FloatArray,
    meas: FloatArray,
    k_obs: FloatArray,
    jac: FloatArray,
    rounding: FloatArray | float = 0.0,
) -> Callable[[FloatArray], float]:
    """The negative restricted log-likelihood of (log sigma_m, log sigma_p), constants off."""

    def nll(z: FloatArray) -> float:
        try:
            c, low = linalg.cho_factor(
                _sigma(meas, k_obs, math.exp(z[0]), math.exp(z[1]), rounding), lower=True
            )
        except linalg.LinAlgError:
            return math.inf
        w = linalg.cho_solve((c, low), resid)
        info = jac.T @ linalg.cho_solve((c, low), jac)
        sign, logdet_info = np.linalg.slogdet(info)
        if sign <= 0:
            return math.inf
        # the restricted likelihood's quadratic form r'(S^-1 - S^-1 J (J' S^-1 J)^-1 J' S^-1)r
        g = jac.T @ w
        quad = float(resid @ w) - float(g @ np.linalg.solve(info, g))
        return float(np.sum(np.log(np.diag(c)))) + 0.5 * (quad + float(logdet_info))

    return nll


def _fit_reml(nll: Callable[[FloatArray], float], s0: float) -> optimize.OptimizeResult:
    # a coarse grid first (the likelihood has a local optimum on each axis), then polish
    grid = [
        (math.log(s0) + dm, dp)
        for dm in (-6.0, -3.0, -1.0, 0.0)
        for dp in np.log([1e-3, 0.03, 0.1, 0.2, 0.4, 0.8, 1.5])
    ]
    start = np.clip(min(grid, key=lambda z: nll(np.array(z))), -25.0, 3.0)
    return optimize.minimize(
        nll, start, method="Nelder-Mead", bounds=[LOG_MEASUREMENT_BOUNDS, (-25.0, 3.0)],
        options={"xatol": 1e-3, "fatol": 1e-6},
    )  # fmt: skip


def estimate(
    resid: FloatArray,
    levels: FloatArray,
    arrivals: FloatArray,
    t: FloatArray,
    observed: FloatArray,
    jac: FloatArray,
    rounding: FloatArray | float = 0.0,
) -> Noise:
    """``sigma_m`` and ``sigma_p`` from one law's residuals (red's observed rows then
    blue's) and Jacobian ``jac`` (n, k) of its fitted path, by restricted likelihood (REML
    counts the parameters fitted, which plain maximum likelihood would not, and a fitted path
    absorbs much of a random walk).  ``sigma_p`` is the median of its restricted likelihood
    (profiled over ``sigma_m``) under a flat prior on 0 .. 2 (:data:`PROCESS_GRID`), not its
    optimum: from a few weeks of reports the optimum is often 0 when the truth is not, and
    every interval built on it then misses (README, fit: the first row is a report too);
    ``sigma_m`` is its profile optimum there.  ``rounding``: each observed entry's
    rounding variance (scaled units), added to its measurement variance."""
    meas, k_obs = _shapes(levels, arrivals, t, observed)
    n = resid.size
    nll = _reml(resid, meas, k_obs, jac, rounding)
    s0 = max(float(np.sqrt(np.mean(resid**2 / meas))), 1e-9)
    best = _fit_reml(nll, s0)
    values, _ = _process_profile(nll)
    sp = _median(values)
    sm = math.exp(_measurement_at(nll, sp, float(best.x[0])))
    chol = linalg.cholesky(_sigma(meas, k_obs, sm, sp, rounding), lower=True)
    whiten = linalg.solve_triangular(chol, np.eye(n), lower=True)
    log_det = 2.0 * float(np.sum(np.log(np.diag(chol))))
    floor = np.broadcast_to(np.asarray(rounding, dtype=float), meas.shape)
    at_rounding = bool(np.all(floor > 0) and np.all(sm**2 * meas <= floor))
    # the restricted likelihood flat over sigma_p's grid (a path with no loss to vary):
    # sp is the prior's median, 1, not an estimate
    said = bool(np.ptp(values) > 1e-3 * values.max())
    return Noise(sm, sp, whiten, log_det, at_rounding, sm <= MEASUREMENT_ZERO, said)


def _measurement_at(nll: Callable[[FloatArray], float], sp: float, guess: float) -> float:
    """log sigma_m at the restricted likelihood's optimum for this ``sp`` (the better of a
    bounded search and ``guess``: the likelihood may have a second optimum on that axis)."""
    z = math.log(max(sp, 1e-9))
    r = optimize.minimize_scalar(
        lambda m: nll(np.array([m, z])), bounds=LOG_MEASUREMENT_BOUNDS, method="bounded",
        options={"xatol": 1e-4},
    )  # fmt: skip
    return float(r.x) if float(r.fun) <= nll(np.array([guess, z])) else guess


def _process_profile(nll: Callable[[FloatArray], float]) -> tuple[FloatArray, FloatArray]:
    """The restricted likelihood's weights over :data:`PROCESS_GRID` (profiled over
    sigma_m, summing to 1) and sigma_m at each grid point's optimum."""
    values, ms = [], []
    for sp in PROCESS_GRID:
        z = math.log(max(float(sp), 1e-9))
        r = optimize.minimize_scalar(
            lambda m, z=z: nll(np.array([m, z])), bounds=LOG_MEASUREMENT_BOUNDS, method="bounded",
            options={"xatol": 1e-4},
        )  # fmt: skip
        values.append(float(r.fun))
        ms.append(float(r.x))
    v = np.array(values)
    w = np.exp(-(v - v[np.isfinite(v)].min()))
    w[~np.isfinite(w)] = 0.0
    return w / w.sum(), np.exp(np.array(ms))


def _median(weights: FloatArray) -> float:
    """The median of sigma_p with ``weights`` spread uniformly over each grid point's cell
    (the first cell cut at 0)."""
    step = float(PROCESS_GRID[1] - PROCESS_GRID[0])
    edges = np.concatenate([[0.0], PROCESS_GRID[:-1] + step / 2, [PROCESS_GRID[-1] + step / 2]])
    cum = np.concatenate([[0.0], np.cumsum(weights)])
    return float(np.interp(0.5, cum, edges))


def process_sample(
    inputs: Inputs, n: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """``n`` draws of (sigma_m, sigma_p) that carry the uncertainty of the day-to-day
    variation's size: sigma_p from its restricted likelihood (profiled over sigma_m) under a
    flat prior on 0 .. 2 (:data:`PROCESS_GRID`, each draw spread uniformly within its grid
    cell), sigma_m at its profile optimum there.  Where the residuals cannot tell loss
    variation from measurement noise (Engel's configuration: REML often puts sigma_p at 0),
    a point estimate understates the variation the unseen side carried."""
    resid, levels, arrivals, t, observed, jac = inputs
    meas, k_obs = _shapes(levels, arrivals, t, observed)
    w, ms = _process_profile(_reml(resid, meas, k_obs, jac))
    pick = rng.choice(PROCESS_GRID.size, size=n, p=w)
    step = float(PROCESS_GRID[1] - PROCESS_GRID[0])
    sp_draw = np.clip(PROCESS_GRID[pick] + rng.uniform(-step / 2, step / 2, n), 0.0, None)
    return ms[pick], sp_draw

"""Likelihoods of the records given the model's predictions, with their own parameters.

:class:`LogNormalLikelihood` (the default) treats ``log(record) - log(model)`` as normal
with a fitted scale sigma (one for every kind, or one per listed kind): a record off by a
factor 1.5 weighs the same whether it counts tanks or men.  :class:`NegativeBinomialLikelihood`
treats a record as a count with mean ``model`` and variance ``model + model^2/phi``
(relative spread about ``1/sqrt(phi)`` for large counts; Poisson as phi -> inf).

A lower-bound record contributes the probability that the truth is at least the record
(a censored term, as in Tobin 1958): ``log Phi((log m - log y) / sigma)`` for the
log-normal, ``log P(N >= y)`` for the count.  Both tend to 0 when the model exceeds the
record (no penalty) and fall like the two-sided term when it falls below.  An upper-bound
record (the figure counts more than the modelled quantity: "missing" bounds "captured") is
the mirror: ``log Phi((log y - log m) / sigma)``, ``log P(N <= y)``, no penalty while the
model stays below the record.  An interval-censored record (a ``low`` and a ``high``) is
the probability of the interval: ``log(Phi((log hi - log m) / sigma) - Phi((log lo - log m)
/ sigma))`` for the log-normal (taken as a difference of log-CDFs in the tail where it is
not lost to rounding), ``log P(lo <= N <= hi)`` for the count.  A record out of the
likelihood (``used`` False) contributes 0: the sum is that of the problem without it.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray
from scipy import special

from forceratio.calibration.parameters import CalibratedParameter
from forceratio.calibration.priors import HalfNormal, LogNormal

FloatArray = NDArray[np.float64]
TINY = 1e-12  # predictions are floored here before taking logs (a model may predict 0)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


def _flags(upper: NDArray[np.bool_] | None, like: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The upper-bound flags, all False when none are given."""
    return np.zeros_like(like, dtype=bool) if upper is None else np.asarray(upper, dtype=bool)


class Observed(NamedTuple):
    """The records as a likelihood sees them, each field per record (m,): values, the
    lower- and upper-bound flags, and kinds (which error scale applies); ``low``/``high``
    an interval's ends (NaN: not an interval; None: no record is)."""

    values: FloatArray
    lower: NDArray[np.bool_]
    upper: NDArray[np.bool_]
    kinds: Sequence[str]
    low: FloatArray | None = None
    high: FloatArray | None = None


def log_interval(a: FloatArray, b: FloatArray) -> FloatArray:
    """``log(Phi(b) - Phi(a))`` for ``a < b``, stable in both tails: on the side of 0
    where the mass lies, by the upper tail (``Phi(-a) - Phi(-b)``) when ``a > 0``."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    flip = a > 0.0
    lo, hi = np.where(flip, -b, a), np.where(flip, -a, b)  # log(Phi(hi) - Phi(lo)), hi <= 0 mostly
    lhi, llo = special.log_ndtr(hi), special.log_ndtr(lo)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(lhi + np.log1p(-np.exp(llo - lhi)))


class Likelihood(ABC):
    """The observation model: log p(records | predictions, nuisance parameters)."""

    @property
    @abstractmethod
    def nuisance(self) -> tuple[CalibratedParameter, ...]:
        """The likelihood's own parameters (an error scale, a dispersion)."""

    def loglik(
        self,
        pred: FloatArray,
        obs: FloatArray,
        lower: NDArray[np.bool_],
        kinds: Sequence[str],
        nuis: FloatArray,
        upper: NDArray[np.bool_] | None = None,
        *,
        low: FloatArray | None = None,
        high: FloatArray | None = None,
        used: NDArray[np.bool_] | None = None,
    ) -> FloatArray:
        """Log-likelihood per row: the sum of the records' terms (:meth:`pointwise`) over
        the records ``used`` (default: all).

        pred : shape (n, m), the model's predictions; obs, lower, kinds : per record (m,);
        nuis : shape (n, len(self.nuisance)); upper : per record (m,), an upper bound
        (default: none); low, high : per record (m,), an interval's ends (NaN: none).
        Returns shape (n,).
        """
        terms = self.pointwise(pred, obs, lower, kinds, nuis, upper, low=low, high=high, used=used)
        return np.asarray(terms.sum(axis=1))

    def pointwise(
        self,
        pred: FloatArray,
        obs: FloatArray,
        lower: NDArray[np.bool_],
        kinds: Sequence[str],
        nuis: FloatArray,
        upper: NDArray[np.bool_] | None = None,
        *,
        low: FloatArray | None = None,
        high: FloatArray | None = None,
        used: NDArray[np.bool_] | None = None,
    ) -> FloatArray:
        """Each record's term (:meth:`terms`) for the records ``used`` (default: all), in
        their order: shape (n, number used); the arguments as :meth:`loglik`'s."""
        keep = np.ones(len(obs), dtype=bool) if used is None else np.asarray(used, dtype=bool)
        k = list(kinds)
        observed = Observed(
            np.asarray(obs)[keep],
            np.asarray(lower, dtype=bool)[keep],
            _flags(upper, lower)[keep],
            [k[j] for j in np.flatnonzero(keep)],
            None if low is None else np.asarray(low, dtype=float)[keep],
            None if high is None else np.asarray(high, dtype=float)[keep],
        )
        return np.asarray(self.terms(np.asarray(pred)[:, keep], observed, nuis))

    def terms(self, pred: FloatArray, observed: Observed, nuis: FloatArray) -> FloatArray:
        """Each record's log-likelihood term, shape (n, m): a point record's density, a
        bound's tail probability (the module's docstring).  A subclass gives these, or
        overrides :meth:`loglik` whole (as one written before this split does)."""
        raise NotImplementedError(f"{type(self).__name__} gives neither terms nor loglik")

    @abstractmethod
    def simulate(
        self, pred: FloatArray, kinds: Sequence[str], nuis: FloatArray, rng: np.random.Generator
    ) -> FloatArray:
        """Observations drawn around ``pred`` (n, m) -- the posterior predictive."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]: ...


def _default_sigma() -> CalibratedParameter:
    return CalibratedParameter(
        "sigma",
        HalfNormal(0.5),
        label="error scale of log records",
        source="weakly informative: half-normal(0.5) on the log error (assumption)",
    )


@dataclass(frozen=True)
class LogNormalLikelihood(Likelihood):
    """Normal errors on log values with a fitted scale.

    sigma : the scale of every kind not in ``by_kind``; by_kind : (kind, scale) pairs.
    """

    sigma: CalibratedParameter = field(default_factory=_default_sigma)
    by_kind: tuple[tuple[str, CalibratedParameter], ...] = ()

    @property
    def nuisance(self) -> tuple[CalibratedParameter, ...]:
        return (self.sigma, *(p for _, p in self.by_kind))

    def _scale_index(self, kinds: Sequence[str]) -> NDArray[np.intp]:
        where = {k: i + 1 for i, (k, _) in enumerate(self.by_kind)}
        return np.array([where.get(k, 0) for k in kinds], dtype=np.intp)

    def terms(self, pred: FloatArray, observed: Observed, nuis: FloatArray) -> FloatArray:
        obs, lower = observed.values, observed.lower
        s = nuis[:, self._scale_index(observed.kinds)]  # (n, m)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # -> -inf: impossible
            u = (np.log(np.maximum(pred, TINY)) - np.log(obs)) / s
            point = -0.5 * u**2 - np.log(s) - _LOG_SQRT_2PI - np.log(obs)
            bound = np.where(lower, special.log_ndtr(u), special.log_ndtr(-u))
            out = np.where(lower | observed.upper, bound, point)
            if observed.low is not None and observed.high is not None:
                inside = np.isfinite(observed.low)
                if inside.any():
                    lm = np.log(np.maximum(pred, TINY))
                    lo = np.where(inside, observed.low, 1.0)
                    hi = np.where(inside, observed.high, 2.0)
                    band = log_interval((np.log(lo) - lm) / s, (np.log(hi) - lm) / s)
                    out = np.where(inside, band, out)
        return np.asarray(out)

    def simulate(
        self, pred: FloatArray, kinds: Sequence[str], nuis: FloatArray, rng: np.random.Generator
    ) -> FloatArray:
        s = nuis[:, self._scale_index(kinds)]
        return np.asarray(pred * np.exp(s * rng.standard_normal(pred.shape)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "lognormal",
            "sigma": self.sigma.to_dict(),
            "by_kind": [[k, p.to_dict()] for k, p in self.by_kind],
        }


def _default_dispersion() -> CalibratedParameter:
    return CalibratedParameter(
        "dispersion",
        LogNormal.from_range(4.0, 400.0),
        label="negative-binomial dispersion phi (relative spread ~ 1/sqrt(phi))",
        source="assumption: relative spread between 5% and 50% (95% range)",
    )


@dataclass(frozen=True)
class NegativeBinomialLikelihood(Likelihood):
    """Counts with mean ``model`` and variance ``model + model^2 / dispersion`` (NB2)."""

    dispersion: CalibratedParameter = field(default_factory=_default_dispersion)

    @property
    def nuisance(self) -> tuple[CalibratedParameter, ...]:
        return (self.dispersion,)

    def terms(self, pred: FloatArray, observed: Observed, nuis: FloatArray) -> FloatArray:
        phi = nuis[:, :1]  # (n, 1)
        lower, up = observed.lower, observed.upper
        mu = np.maximum(pred, TINY)
        y = np.round(observed.values)
        with np.errstate(divide="ignore", invalid="ignore"):
            point = (
                special.gammaln(y + phi)
                - special.gammaln(phi)
                - special.gammaln(y + 1.0)
                + phi * np.log(phi / (phi + mu))
                + y * np.log(mu / (phi + mu))
            )
            if lower.any() or up.any():
                from scipy import stats  # here only: scipy.stats takes ~0.3 s to import

                p = phi / (phi + mu)
                point[:, lower] = stats.nbinom.logsf(y[lower] - 1.0, phi, p[:, lower])
                point[:, up] = stats.nbinom.logcdf(y[up], phi, p[:, up])
            ends = (observed.low, observed.high)
            if ends[0] is not None and ends[1] is not None and np.isfinite(ends[0]).any():
                from scipy import stats

                iv = np.isfinite(ends[0])
                p = phi / (phi + mu)
                lo, hi = np.round(ends[0][iv]), np.round(ends[1][iv])
                a = stats.nbinom.logcdf(lo - 1.0, phi, p[:, iv])
                b = stats.nbinom.logcdf(hi, phi, p[:, iv])
                point[:, iv] = b + np.log1p(-np.exp(a - b))
        return np.asarray(point)

    def simulate(
        self, pred: FloatArray, kinds: Sequence[str], nuis: FloatArray, rng: np.random.Generator
    ) -> FloatArray:
        phi = np.broadcast_to(nuis[:, :1], pred.shape)
        mu = np.maximum(pred, TINY)
        return np.asarray(rng.negative_binomial(phi, phi / (phi + mu)), dtype=float)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "negative_binomial", "dispersion": self.dispersion.to_dict()}

"""Prior distributions as data: a log-density over a batch, draws, and a map to R.

Every prior is a frozen dataclass whose fields are its whole definition (so a prior can
be hashed into a cache key and written back and forth as a dict).  Each one knows its
support and the transform that takes the support to the whole real line, which is where
the optimiser and the sampler move:

==================  ===================================  ===================
support             unconstrained z                      x from z
==================  ===================================  ===================
(-inf, inf)         z = x                                x = z
(low, inf)          z = log(x - low)                     x = low + e^z
(low, high)         z = logit((x - low) / (high - low))  x = low + w expit(z)
==================  ===================================  ===================

A density moved to z picks up ``log |dx/dz|`` (:meth:`Prior.log_jacobian`).

The log-normal and normal priors can be given, as sources give them, by a low/high range
holding a stated probability mass (95 % by default): ``LogNormal.from_range(0.01, 0.03)``
is Dupuy's "1-3 % a day" read as a 95 % range (median 0.0173, log-sd 0.280).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, fields
from functools import cached_property
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from forceratio.arguments import real
from forceratio.errors import InputError

FloatArray = NDArray[np.float64]
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_LOG_SQRT_2_OVER_PI = 0.5 * math.log(2.0 / math.pi)


def _stats() -> Any:
    """scipy.stats, imported on first use: it takes a large part of a second to import, and
    every sweep and comparison imports this module without drawing from a prior."""
    from scipy import stats

    return stats


def _z_of_mass(mass: float) -> float:
    if not 0.0 < mass < 1.0:
        raise InputError("mass", f"must be in (0, 1), got {mass}")
    return float(special.ndtri(0.5 + mass / 2.0))


def _check_range(low: float, high: float, *, positive: bool = False) -> None:
    if not (math.isfinite(low) and math.isfinite(high)) or not low < high:
        raise InputError("prior", f"needs finite low < high, got low={low}, high={high}")
    if positive and low <= 0:
        raise InputError("prior", f"needs low > 0 for a log-scale prior, got {low}")


class Prior(ABC):
    """A one-dimensional prior: log-density, draws, quantiles and the map to R."""

    kind: ClassVar[str]

    @property
    @abstractmethod
    def support(self) -> tuple[float, float]:
        """The open interval (low, high) where the density is positive."""

    @abstractmethod
    def _dist(self) -> Any:
        """The equivalent frozen ``scipy.stats`` distribution (draws and quantiles)."""

    @abstractmethod
    def _logpdf_inside(self, a: FloatArray) -> FloatArray:
        """The log-density in closed form, for points inside the support (hot path)."""

    def logpdf(self, x: ArrayLike) -> FloatArray:
        """Log-density at every element of ``x`` (-inf outside the support)."""
        a = np.asarray(x, dtype=float)
        low, high = self.support
        inside = (a > low) & (a < high)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = self._logpdf_inside(a)
        return np.where(inside, out, -np.inf)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        """``n`` independent draws, shape (n,)."""
        return np.asarray(self._dist().ppf(rng.uniform(size=n)), dtype=float)

    def ppf(self, q: ArrayLike) -> FloatArray:
        """Quantiles (the inverse distribution function)."""
        return np.asarray(self._dist().ppf(np.asarray(q, dtype=float)), dtype=float)

    @cached_property
    def median(self) -> float:
        return float(self._dist().ppf(0.5))

    def interval(self, mass: float = 0.95) -> tuple[float, float]:
        """The central interval holding ``mass`` of the prior."""
        lo, hi = self.ppf([0.5 - mass / 2.0, 0.5 + mass / 2.0])
        return float(lo), float(hi)

    # -- the map to the real line -------------------------------------------------------
    def to_unconstrained(self, x: ArrayLike) -> FloatArray:
        a = np.asarray(x, dtype=float)
        low, high = self.support
        with np.errstate(divide="ignore", invalid="ignore"):
            if math.isinf(low) and math.isinf(high):
                return a.copy()
            if math.isinf(high):
                return np.asarray(np.log(a - low))
            return np.asarray(special.logit((a - low) / (high - low)))

    def from_unconstrained(self, z: ArrayLike) -> FloatArray:
        b = np.asarray(z, dtype=float)
        low, high = self.support
        if math.isinf(low) and math.isinf(high):
            return b.copy()
        if math.isinf(high):
            with np.errstate(over="ignore"):
                return np.asarray(low + np.exp(b))
        return np.asarray(low + (high - low) * special.expit(b))

    def log_jacobian(self, z: ArrayLike) -> FloatArray:
        """``log |dx/dz|`` of :meth:`from_unconstrained` at ``z``."""
        b = np.asarray(z, dtype=float)
        low, high = self.support
        if math.isinf(low) and math.isinf(high):
            return np.zeros_like(b)
        if math.isinf(high):
            return b.copy()
        # d/dz expit(z) = expit(z) expit(-z); log_expit keeps the tails finite
        return np.asarray(math.log(high - low) + special.log_expit(b) + special.log_expit(-b))

    def unconstrained_logpdf(self, z: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The values at ``z`` and the log-density of z (the prior's log-density plus
        :meth:`log_jacobian`), -inf where an overflow reaches the support's edge."""
        x = self.from_unconstrained(z)
        low, high = self.support
        lp = self._logpdf_inside(x) + self.log_jacobian(z)
        return x, np.where((x > low) & (x < high), lp, -np.inf)

    # -- as data --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **asdict(self)}  # type: ignore[call-overload]


@dataclass(frozen=True)
class Uniform(Prior):
    """Flat between ``low`` and ``high``."""

    low: float
    high: float
    kind: ClassVar[str] = "uniform"

    def __post_init__(self) -> None:
        _check_range(self.low, self.high)

    @property
    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def _dist(self) -> Any:
        return _stats().uniform(loc=self.low, scale=self.high - self.low)

    def _logpdf_inside(self, a: FloatArray) -> FloatArray:
        return np.full_like(a, -math.log(self.high - self.low))


@dataclass(frozen=True)
class LogUniform(Prior):
    """Flat in ``log x`` between ``low`` and ``high`` (both > 0)."""

    low: float
    high: float
    kind: ClassVar[str] = "loguniform"

    def __post_init__(self) -> None:
        _check_range(self.low, self.high, positive=True)

    @property
    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def _dist(self) -> Any:
        return _stats().loguniform(self.low, self.high)

    def _logpdf_inside(self, a: FloatArray) -> FloatArray:
        return np.asarray(-np.log(a) - math.log(math.log(self.high / self.low)))


@dataclass(frozen=True)
class Normal(Prior):
    """Normal with mean ``mu`` and standard deviation ``sd``."""

    mu: float
    sd: float
    kind: ClassVar[str] = "normal"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.mu) and math.isfinite(self.sd) and self.sd > 0):
            raise InputError("prior", f"normal needs finite mu and sd > 0, got {self.sd}")

    @classmethod
    def from_range(cls, low: float, high: float, mass: float = 0.95) -> Normal:
        """The normal whose central ``mass`` interval is [low, high]."""
        _check_range(low, high)
        return cls((low + high) / 2.0, (high - low) / (2.0 * _z_of_mass(mass)))

    @property
    def support(self) -> tuple[float, float]:
        return (-math.inf, math.inf)

    def _dist(self) -> Any:
        return _stats().norm(self.mu, self.sd)

    def _logpdf_inside(self, a: FloatArray) -> FloatArray:
        return np.asarray(-0.5 * ((a - self.mu) / self.sd) ** 2 - math.log(self.sd) - _LOG_SQRT_2PI)


@dataclass(frozen=True)
class LogNormal(Prior):
    """``log x`` normal: ``median`` (> 0) and ``sigma``, the standard deviation of log x."""

    median_value: float
    sigma: float
    kind: ClassVar[str] = "lognormal"

    def __post_init__(self) -> None:
        real("median_value", self.median_value)
        real("sigma", self.sigma)
        ok = math.isfinite(self.median_value) and self.median_value > 0
        if not (ok and math.isfinite(self.sigma) and self.sigma > 0):
            raise InputError(
                "prior",
                f"lognormal needs median > 0 and sigma > 0, got {self.median_value}, {self.sigma}",
            )

    @classmethod
    def from_range(cls, low: float, high: float, mass: float = 0.95) -> LogNormal:
        """The log-normal whose central ``mass`` interval is [low, high] (geometric centre)."""
        _check_range(low, high, positive=True)
        return cls(math.sqrt(low * high), math.log(high / low) / (2.0 * _z_of_mass(mass)))

    @property
    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)

    def _dist(self) -> Any:
        return _stats().lognorm(self.sigma, scale=self.median_value)

    def _logpdf_inside(self, a: FloatArray) -> FloatArray:
        la = np.log(a)
        u = (la - math.log(self.median_value)) / self.sigma
        return np.asarray(-0.5 * u**2 - la - math.log(self.sigma) - _LOG_SQRT_2PI)


@dataclass(frozen=True)
class HalfNormal(Prior):
    """Half-normal on x > 0 with scale ``scale`` (a weakly informative prior for a sigma)."""

    scale: float
    kind: ClassVar[str] = "halfnormal"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.scale) and self.scale > 0):
            raise InputError("prior", f"halfnormal needs scale > 0, got {self.scale}")

    @property
    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)

    def _dist(self) -> Any:
        return _stats().halfnorm(scale=self.scale)

    def _logpdf_inside(self, a: FloatArray) -> FloatArray:
        return np.asarray(-0.5 * (a / self.scale) ** 2 - math.log(self.scale) + _LOG_SQRT_2_OVER_PI)


PRIORS: dict[str, type[Prior]] = {
    c.kind: c for c in (Uniform, LogUniform, Normal, LogNormal, HalfNormal)
}


def prior_from_dict(d: dict[str, Any]) -> Prior:
    """Inverse of :meth:`Prior.to_dict`."""
    kind = d.get("kind")
    if kind not in PRIORS:
        raise InputError("prior.kind", f"unknown prior {kind!r}; known: {sorted(PRIORS)}")
    cls = PRIORS[str(kind)]
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: float(v) for k, v in d.items() if k in names})

"""Time-dependent inputs: rate multipliers and reinforcement schedules.

Both are shared-knot, per-scenario-value objects: the knot times are common to the whole
batch (so the integrator can make them step boundaries), the values may differ per
scenario.  Times are in days (the package's unit of time) from the start of the battle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forceratio.arguments import numbers
from forceratio.errors import InputError
from forceratio.simulator.magnitudes import SHARE_RATE_MAX

FloatArray = NDArray[np.float64]


def _knots(field: str, knots: ArrayLike, ndim: tuple[int, ...] = (1,)) -> FloatArray:
    """Knot times checked: ``ndim`` dimensions, non-empty, finite, >= 0 and strictly
    increasing (along the last axis)."""
    k = np.atleast_1d(numbers(field, knots))
    if k.ndim not in ndim or k.shape[-1] == 0:
        raise InputError(field, f"knot times must be non-empty, {' or '.join(map(str, ndim))}-D")
    if not np.all(np.isfinite(k)) or np.any(k < 0):
        raise InputError(field, "knot times must be finite and >= 0")
    if np.any(np.diff(k, axis=-1) <= 0):
        raise InputError(field, "knot times must be strictly increasing")
    return k


@dataclass(frozen=True)
class Multiplier:
    """A piecewise-linear multiplier of one side's kill rates over time.

    Parameters
    ----------
    knots : ndarray, shape (M,) or (N, M)
        Strictly increasing times (days), shared by the batch or one row per scenario.
        Before the first knot the first value holds, after the last knot the last value.
        Shared knots are step boundaries of the whole batch; per-scenario knots are step
        boundaries of their own scenario only (a sweep over a decay time).
    values : ndarray, shape (M,) or (N, M)
        The multiplier at each knot (dimensionless, >= 0), shared or per scenario.
    """

    knots: FloatArray
    values: FloatArray

    def __post_init__(self) -> None:
        knots = _knots("multiplier.knots", self.knots, ndim=(1, 2))
        m = knots.shape[-1]
        values = np.atleast_2d(numbers("multiplier.values", self.values))
        if values.ndim != 2 or values.shape[1] != m:
            raise InputError("multiplier.values", f"expected shape (M,) or (N, M) with M={m}")
        if knots.ndim == 2 and knots.shape[0] not in (1, values.shape[0]) and values.shape[0] != 1:
            raise InputError("multiplier.knots", "knots and values cover different batches")
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise InputError("multiplier.values", "multipliers must be finite and >= 0")
        object.__setattr__(self, "knots", knots)
        object.__setattr__(self, "values", values)
        slope = self.segments()[2]
        if not np.all(np.isfinite(slope)):  # the engine runs on the slopes between knots
            i = np.unravel_index(np.argmin(np.isfinite(slope)), slope.shape)
            raise InputError(
                "multiplier.knots", "knots too close for the change between them: a slope "
                f"of {slope[i]:g} a day, past the largest double (a ramp of {1e-300:g} days "
                "runs, as the step it nearly is)",
            )  # fmt: skip

    @classmethod
    def constant(cls, value: ArrayLike) -> Multiplier:
        """A multiplier that never changes (scalar or one value per scenario)."""
        v = np.atleast_1d(numbers("multiplier.value", value))
        return cls(np.array([0.0]), v[:, None])

    @classmethod
    def linear_decay(cls, start: ArrayLike, days: float, *, begin: float = 0.0) -> Multiplier:
        """``start`` at ``begin``, falling linearly to 1 over ``days`` (Dupuy's surprise
        decay, see ``forceratio.data`` table ``modifiers``)."""
        if not np.isfinite(days) or days <= 0:
            raise InputError("multiplier.days", f"decay length must be > 0, got {days}")
        s = np.atleast_1d(numbers("multiplier.start", start))
        vals = np.stack([s, np.ones_like(s)], axis=1)
        return cls(np.array([begin, begin + days]), vals)

    @property
    def n(self) -> int:
        return int(max(self.values.shape[0], self.knots.shape[0] if self.knots.ndim == 2 else 1))

    def segments(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Segment tables for fast evaluation between knots.

        Returns ``(starts, base, slope)``: segment ``s`` (``s = searchsorted(knots, t,
        'right')``) covers ``[starts[s], next knot)`` where the value is
        ``base[:, s] + slope[:, s] * (t - starts[s])``.  Shapes (M+1,) (or (N, M+1) with
        per-scenario knots), (N, M+1), (N, M+1).
        """
        per_scenario = self.knots.ndim == 2  # each scenario has its own knots
        k2 = self.knots if per_scenario else self.knots[None, :]
        v = self.values
        rows = max(k2.shape[0], v.shape[0])
        k2 = np.broadcast_to(k2, (rows if per_scenario else 1, k2.shape[1]))
        v = np.broadcast_to(v, (rows, v.shape[1]))
        # segment 0, before the first knot, starts at 0 with the first value
        starts = np.concatenate([np.zeros((k2.shape[0], 1)), k2], axis=1)
        base = np.concatenate([v[:, :1], v], axis=1)
        slope = np.zeros_like(base)
        if k2.shape[1] > 1:  # inf where knots are too close (refused on construction)
            with np.errstate(over="ignore"):
                slope[:, 1:-1] = np.diff(v, axis=1) / np.diff(k2, axis=1)
        return (starts if per_scenario else starts[0]), base, slope


@dataclass(frozen=True)
class Reinforcements:
    """Arrivals of fresh strength for one side.

    Two forms, which may be combined: discrete arrivals at given times and constant daily
    arrival rates between knots.  Strength due to arrive is *in transit* until it is due;
    with a ``transit_loss`` k > 0 it is exposed from day 0 (the run's start) and a unit due
    on day t arrives only with probability exp(-k t): the inflow is the schedule times
    exp(-k t), and the rest is lost in transit (:func:`transit_window`).

    Parameters
    ----------
    times : ndarray, shape (M,)
        Times of discrete arrivals (days, strictly increasing); empty (the default) for none.
    amounts : ndarray, shape (M, K) or (N, M, K)
        Strength arriving at each time, per category (empty by default).
    rate_knots : ndarray, shape (L+1,)
        Boundaries of the constant-rate intervals (days); empty (the default) for none.
    rates : ndarray, shape (L, K) or (N, L, K)
        Arrivals per day in each interval, per category (empty by default).
    transit_loss : ndarray, shape (N,) or (1,)
        The share of the strength in transit lost a day (0: none, the default), in
        [0, :data:`~.magnitudes.SHARE_RATE_MAX`].
    """

    times: FloatArray = field(default_factory=lambda: np.zeros(0))
    amounts: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    rate_knots: FloatArray = field(default_factory=lambda: np.zeros(0))
    rates: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    transit_loss: FloatArray = field(default_factory=lambda: np.zeros(1))

    def __post_init__(self) -> None:
        # discrete arrivals: M times, M amounts; daily rates: L + 1 knots, L rates
        for t_name, a_name, shape, extra in (
            ("times", "amounts", "(M, K) or (N, M, K)", 0),
            ("rate_knots", "rates", "(L, K) or (N, L, K)", 1),
        ):
            times = numbers(f"reinforcements.{t_name}", getattr(self, t_name)).reshape(-1)
            values = numbers(f"reinforcements.{a_name}", getattr(self, a_name))
            if times.size:
                times = _knots(f"reinforcements.{t_name}", times)
                values = values[None] if values.ndim == 2 else values
                if values.ndim != 3 or values.shape[1] != times.size - extra:
                    raise InputError(f"reinforcements.{a_name}", f"expected shape {shape}")
            else:
                values = np.zeros((1, 0, values.shape[-1] if values.ndim else 0))
            if not np.all(np.isfinite(values)) or np.any(values < 0):
                raise InputError(f"reinforcements.{a_name}", "arrivals must be finite and >= 0")
            object.__setattr__(self, t_name, times)
            object.__setattr__(self, a_name, values)
        cats = max(self.amounts.shape[-1], self.rates.shape[-1])
        for name in ("amounts", "rates"):  # a form left empty takes the other's categories
            if getattr(self, name).shape[1] == 0:
                object.__setattr__(self, name, np.zeros((1, 0, cats)))
        k = np.atleast_1d(numbers("reinforcements.transit_loss", self.transit_loss))
        if k.ndim != 1 or not k.size:
            raise InputError("reinforcements.transit_loss", "expected shape (N,) or (1,)")
        if not np.all(np.isfinite(k)) or np.any(k < 0) or np.any(k > SHARE_RATE_MAX):
            bad = k[~(np.isfinite(k) & (k >= 0) & (k <= SHARE_RATE_MAX))][0]
            raise InputError(
                "reinforcements.transit_loss",
                f"must be a share a day in [0, {SHARE_RATE_MAX:g}], got {bad:g}",
            )
        object.__setattr__(self, "transit_loss", k)

    @classmethod
    def arrivals(
        cls, times: Sequence[float] | FloatArray, amounts: ArrayLike, transit_loss: ArrayLike = 0.0
    ) -> Reinforcements:
        """Discrete arrivals: ``amounts[..., m, k]`` of category ``k`` at ``times[m]``."""
        a = numbers("reinforcements.amounts", amounts)
        if a.ndim == 1:
            a = a[:, None]
        empty = (np.zeros(0), np.zeros((0, a.shape[-1])))
        k = numbers("reinforcements.transit_loss", transit_loss)
        return cls(numbers("reinforcements.times", times), a, *empty, k)

    @classmethod
    def daily(
        cls, start: float, stop: float, per_day: ArrayLike, transit_loss: ArrayLike = 0.0
    ) -> Reinforcements:
        """Constant arrivals of ``per_day`` (per category, optionally per scenario) from
        ``start`` to ``stop``."""
        if not stop > start:
            raise InputError("reinforcements.daily", f"stop must follow start: {start}..{stop}")
        rates = np.atleast_2d(numbers("reinforcements.per_day", per_day))[:, None, :]
        return cls(np.zeros(0), np.zeros((0, rates.shape[-1])), np.array([start, stop]), rates,
                   numbers("reinforcements.transit_loss", transit_loss))  # fmt: skip

    @property
    def exposed(self) -> bool:
        """Whether any strength in transit is lost on the way (a ``transit_loss`` > 0)."""
        return bool(np.any(self.transit_loss > 0))

    @property
    def n_categories(self) -> int:
        return int(max(self.amounts.shape[-1], self.rates.shape[-1]))


def transit_window(
    lo: FloatArray, hi: FloatArray, t: FloatArray, k: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Per unit of a constant daily rate due from ``lo`` to ``hi``, exposed from day 0 at the
    transit loss rate ``k``: what has arrived by day ``t`` and what was lost in transit by
    then (both in days of the rate; broadcast).  A unit due on day u arrives with
    probability exp(-k u), so with m = clip(t, lo, hi)::

        arrived = int_lo^m exp(-k u) du = exp(-k lo) (1 - exp(-k (m - lo))) / k
        lost    = int_lo^m (1 - exp(-k u)) du + (hi - m) (1 - exp(-k t))

    (the second term: the units not yet due, each exposed for t days).  k = 0 gives
    m - lo and 0.  Discrete arrivals are the limit hi -> lo (:func:`transit_point`)."""
    m = np.clip(t, lo, hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        got = np.exp(-k * lo) * -np.expm1(-k * (m - lo)) / k
    arrived = np.where(k > 0, got, m - lo)
    lost = np.where(k > 0, (m - lo) - arrived + (hi - m) * -np.expm1(-k * np.maximum(t, 0.0)), 0.0)
    return arrived, lost


def transit_point(at: FloatArray, t: FloatArray, k: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per unit due on day ``at`` (a discrete arrival), exposed from day 0 at rate ``k``: the
    share arrived by day ``t`` (exp(-k at) once due) and the share lost by then (1 -
    exp(-k min(t, at)))."""
    arrived = np.where(at <= t, np.exp(-k * at), 0.0)
    return arrived, -np.expm1(-k * np.clip(np.minimum(t, at), 0.0, None))

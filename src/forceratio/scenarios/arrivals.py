"""A scenario's arrivals: strength due evenly over a window of days (``[[sectors.arrivals]]``
and the part of a ``[presence]`` side not there on the scenario's date), as the engine's
:class:`~forceratio.simulator.schedules.Reinforcements` and as arrivals and losses in
transit by a run's day (:func:`arrived_until`, :func:`lost_until`).

Strength in transit may be exposed (``presence.<key>.transit_loss``, a share a day from the
run's start: :func:`~forceratio.simulator.schedules.transit_window`); the engine takes one
exposure per side and row (a sector of a sample), so every arrival of a side in a sector
with a ``[presence]`` entry is exposed at that entry's rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from forceratio.scenarios.forces import Figures
from forceratio.scenarios.schema import CATEGORIES
from forceratio.simulator.schedules import Reinforcements, transit_point, transit_window

FloatArray = NDArray[np.float64]
K = len(CATEGORIES)
#: A window shorter than this (days, a tenth of a second) is an arrival all on its first
#: day: spread over it, 60,000 men would arrive at 6e14 a day (3 to 3.0000000001), a rate
#: the engine refuses, while all at once they are the same men on the same day.
MIN_WINDOW = 1e-6


@dataclass(frozen=True)
class Arrive:
    """Strength arriving evenly from ``start`` to ``end``; ``per_sample`` (N, K) replaces
    ``amount.value`` when it varies with the samples (a swept presence share);
    ``transit`` (N,) the share of it in transit lost a day, per sample (None: not exposed)."""

    start: float
    end: float
    amount: Figures
    per_sample: FloatArray | None = None
    transit: FloatArray | None = None

    def __post_init__(self) -> None:
        if self.end - self.start < MIN_WINDOW:
            object.__setattr__(self, "end", self.start)

    def values(self, n: int) -> FloatArray:
        """The amount per sample, shape (N, K)."""
        if self.per_sample is not None:
            return self.per_sample
        return np.tile(self.amount.value, (n, 1))

    @property
    def exposed(self) -> bool:
        return self.transit is not None and bool(np.any(self.transit > 0))


def reinforcements(
    arrivals: list[list[Arrive]], n: int, s: int
) -> tuple[Reinforcements | None, FloatArray, list[tuple[int, Arrive]]]:
    """A side's arrivals per sector (S lists) as the engine's schedule of N x S rows, its
    knots, and the arrivals flat, each with its sector."""
    flat = [(i, a) for i, arr in enumerate(arrivals) for a in arr]
    if not flat:
        return None, np.zeros(0), []
    # a window of no days (end == start) is a discrete arrival, all of it on that day
    spread = [(i, a) for i, a in flat if a.end > a.start]
    knots = np.unique([x for _, a in spread for x in (a.start, a.end)])
    times = np.unique([a.start for _, a in flat if a.end <= a.start])
    rates = np.zeros((n, s, max(knots.size - 1, 0), K))
    amounts = np.zeros((n, s, times.size, K))
    transit = np.zeros((n, s))
    for i, a in flat:
        if a.end > a.start:
            inside = (knots[:-1] >= a.start) & (knots[1:] <= a.end)
            rates[:, i, inside, :] += (a.values(n) / (a.end - a.start))[:, None, :]
        else:
            amounts[:, i, int(np.searchsorted(times, a.start)), :] += a.values(n)
        if a.exposed:
            transit[:, i] = a.transit
    rates_n = rates.reshape(n * s, -1, K)
    k = transit.reshape(n * s) if np.any(transit > 0) else np.zeros(1)
    reinf = Reinforcements(times, amounts.reshape(n * s, -1, K), knots, rates_n, k)
    return reinf, np.union1d(knots, times), flat


def _delivered(flat: list[tuple[int, Arrive]], n: int, t: FloatArray, lost: bool) -> FloatArray:
    out = np.zeros((*t.shape, K))
    for i, a in flat:
        span = a.end - a.start
        if span <= 0.0:  # a discrete arrival: all of it on its day (exposed: what is left)
            k0 = np.broadcast_to(np.asarray(a.transit if a.exposed else 0.0), (n,))[:, None]
            got = transit_point(np.full(1, a.start), t[:, :, i], k0)
            out[:, :, i] += got[1 if lost else 0][:, :, None] * a.values(n)[:, None, :]
            continue
        if not a.exposed:
            if not lost:
                frac = np.clip((t[:, :, i] - a.start) / span, 0.0, 1.0)
                out[:, :, i] += frac[:, :, None] * a.values(n)[:, None, :]
            continue
        k = np.broadcast_to(np.asarray(a.transit), (n,))[:, None]  # (N, 1)
        lo, hi = np.full(1, a.start), np.full(1, a.end)
        got = transit_window(lo, hi, t[:, :, i], k)
        out[:, :, i] += (got[1 if lost else 0] / span)[:, :, None] * a.values(n)[:, None, :]
    return out


def arrived_until(flat: list[tuple[int, Arrive]], n: int, s: int, t: FloatArray) -> FloatArray:
    """Arrivals per category by day ``t[n, r, sector]`` (a run's own day: its record's day,
    or the day its battle ended if that came first, after which nothing joins it), shape
    (N, R, S, K); where exposed in transit, what came through."""
    return _delivered(flat, n, t, False)


def lost_until(flat: list[tuple[int, Arrive]], n: int, s: int, t: FloatArray) -> FloatArray:
    """Strength lost in transit per category by day ``t[n, r, sector]``, shape (N, R, S, K)
    (zeros where nothing is exposed)."""
    return _delivered(flat, n, t, True)

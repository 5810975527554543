"""The grid the operational quadratures run on (:mod:`.operations`): the days they take
the trajectory on, fixed by the scenario (:func:`quadrature_days`), each cut into
:data:`REFINE` equal parts (:func:`refine`), and a running integral on that grid read on
any recorded day (:func:`on_days`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from forceratio.scenarios.schema import Scenario

FloatArray = NDArray[np.float64]

#: Days between the recorded states the operational quadratures use.
GRID = 1.0
#: Quadrature points per recorded interval.
REFINE = 4


def quadrature_days(scn: Scenario, staged: list[float]) -> set[float]:
    """The days the operational quadratures run on: every :data:`GRID` days from 0, the
    scenario's end and ``staged`` (the days a mobile count changes,
    :func:`.capacity.change_days`): what the scenario fixes, never what a run asks to
    record."""
    grid = {float(t) for t in np.arange(0.0, scn.duration_days, GRID)}
    return grid | {float(scn.duration_days)} | {float(t) for t in staged}


def on_days(a: FloatArray, fine: FloatArray, days: FloatArray) -> FloatArray:
    """A running integral ``a`` (T, ...) on the increasing ``fine`` grid (T,) read on
    ``days`` (D,) within it, (D, ...): a node's own value, a day between two nodes
    linearly between them."""
    j = np.clip(np.searchsorted(fine, days, side="right") - 1, 0, fine.size - 2)
    frac = ((days - fine[j]) / (fine[j + 1] - fine[j])).reshape(-1, *[1] * (a.ndim - 1))
    out: FloatArray = np.where(frac == 0.0, a[j], a[j] + frac * (a[j + 1] - a[j]))
    return out


def refine(days: FloatArray, factor: int) -> tuple[FloatArray, Callable[..., FloatArray] | None]:
    """``factor`` equal sub-intervals in each interval of ``days``: the fine grid, and
    ``to_fine(a)``, ``a`` (..., T0) at ``days`` linearly interpolated to it (``None`` when
    the grid is not refined); ``to_fine(a, time_major=True)`` does the same along the first
    axis of ``a`` (T0, ...), the layout the quadratures use (whole rows of samples at a
    time); ``to_fine(f, back=True)`` is its transpose, weights (..., T) on the fine grid
    summed back onto ``days`` (no matrix product: BLAS threads would compete with the
    engine's)."""
    if days.size < 2 or factor <= 1:
        return days, None
    frac = np.arange(factor) / factor
    fine = np.append(days[:-1, None] + np.diff(days)[:, None] * frac, days[-1])

    def to_fine(a: FloatArray, back: bool = False, time_major: bool = False) -> FloatArray:
        if not back:
            if not time_major:
                return np.moveaxis(to_fine(np.moveaxis(a, -1, 0), time_major=True), 0, -1)
            # each interval's start and end, weighted by the sub-interval's place
            out = np.empty((fine.size, *a.shape[1:]))
            inner = out[:-1].reshape(days.size - 1, factor, *a.shape[1:])
            tmp = np.empty(a[1:].shape)
            for j in range(factor):
                np.multiply(a[:-1], 1.0 - frac[j], out=inner[:, j])
                inner[:, j] += np.multiply(a[1:], frac[j], out=tmp)
            out[-1] = a[-1]
            return out
        f = a[..., :-1].reshape(*a.shape[:-1], days.size - 1, factor)
        out = np.zeros((*a.shape[:-1], days.size))
        out[..., :-1] = np.einsum("...tj,j->...t", f, 1.0 - frac)
        out[..., 1:] += np.einsum("...tj,j->...t", f, frac)
        out[..., -1] += a[..., -1]
        return out

    return fine, to_fine

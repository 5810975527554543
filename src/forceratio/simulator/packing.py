"""A run's packed parameters and the small helpers every kernel uses (moved out of
:mod:`.kernel` so that :mod:`.held`, which :func:`.kernel.rates` calls, can
use them too): ``fire``, the layout of :attr:`.runs.RunTable.par`, a fixed allocation's
renormalised share and a side's weighted strength.  Scalar, compiled with the rest
(:mod:`.compiled`).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: Packed operational flows (:func:`flows`) after the arrival rates: red's capture rate,
#: threshold ratio and width, blue's, red's and blue's transit loss rates (:func:`rates`),
#: red's capture gate and its width, blue's, then the non-combat loss rate of each category.
FLOW_SLOTS = 12


def fire(x: float, p: float) -> float:
    """``x**p``, with a side that has nothing left firing nothing (``0**0`` is 0)."""
    if x <= 0.0:
        return 0.0
    if p == 1.0:
        return x
    if p == 0.0:
        return 1.0
    if p == 0.5:
        return math.sqrt(x)
    return math.exp(p * math.log(x))


def row(rows: int, n: int) -> int:
    """Run ``n``'s row of an input of ``rows`` rows: shared by the batch (1 row) or given
    per run."""
    return n if rows > 1 else 0


def store(out: FloatArray, r: int, y: FloatArray) -> None:
    """``out[r, :] = y`` element by element (numba compiles a slice assignment into far
    more code: a quarter of the engine's compile time went there)."""
    for i in range(y.shape[0]):
        out[r, i] = y[i]


def layout(kr: int, kb: int) -> tuple[int, int, int, int, int, int, int, int]:
    """Offsets of one run's packed parameters (:attr:`.runs.RunTable.par`): kill_r
    (kr x kb), kill_b (kb x kr), w_r, w_b, alloc_r, alloc_b (empty unless fixed), the
    arrival rates in force (kr + kb), and the total length.  Before them: the law's four
    exponents at 0..3, the allocation flags at 4 and 5, and this step's multiplier pieces
    at 6..11 (red's base, slope and start, then blue's).  After them all, two slots: red and
    blue held at their balance (> 0; :func:`.held.settle`), and one: the weighted
    strength the run resolves (:func:`.held.from_zero`; 0: none)."""
    o_kill_r = 12
    o_kill_b = o_kill_r + kr * kb
    o_w_r = o_kill_b + kb * kr
    o_w_b = o_w_r + kr
    o_alloc_r = o_w_b + kb
    o_alloc_b = o_alloc_r + kr * kb
    o_inflow = o_alloc_b + kb * kr
    total = o_inflow + kr + kb + FLOW_SLOTS + kr + kb + 3  # the flows after the arrivals
    return o_kill_r, o_kill_b, o_w_r, o_w_b, o_alloc_r, o_alloc_b, o_inflow, total


def fixed_share(par: FloatArray, o: int, kt: int, j: int, present: FloatArray, off: int) -> float:
    """Target category j's share of one firer's fixed allocation ``par[o:o + kt]``,
    renormalised over the categories jj with ``present[off + jj] > 0`` (0 if none is)."""
    norm = 0.0
    for jj in range(kt):
        if present[off + jj] > 0.0:
            norm += par[o + jj]
    return par[o + j] / norm if norm > 0.0 else 0.0


def side_sum(y: FloatArray, par: FloatArray, o_w: int, lo: int, m: int) -> float:
    """Weighted strength of categories lo..lo+m of ``y`` (weights at ``par[o_w:]``)."""
    s = 0.0
    for i in range(m):
        s += y[lo + i] * par[o_w + i]
    return s

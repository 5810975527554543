"""Closed-form solutions of the single-category laws with constant coefficients.

Each law provides two vectorised functions over N scenarios:

* ``time_to_level(R0, B0, a, b, LR, LB) -> (tR, tB)``: the time at which red falls to
  ``LR`` and blue to ``LB`` if nothing stopped the battle before; ``inf`` when never.
* ``trajectory(R0, B0, a, b, t) -> (R, B)``: strengths at times ``t`` (broadcast).

``a`` is red's per-unit kill rate against blue, ``b`` blue's against red.  All functions
are safe near a draw and at zero rates: they return ``inf`` (never) rather than NaN, and
never raise.  The battle's end is ``min(tR, tB, t_max)`` (see :func:`solve`).

References
----------
Lanchester, F. W. (1916). *Aircraft in Warfare*.  Taylor, J. G. (1983). *Lanchester
Models of Warfare*, ORSA.  The stable forms below are derived in the docstrings.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
LevelTimes = Callable[
    [FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray],
    tuple[FloatArray, FloatArray],
]
Trajectory = Callable[
    [FloatArray, FloatArray, FloatArray, FloatArray, FloatArray], tuple[FloatArray, FloatArray]
]


def _safe_div(num: FloatArray, den: FloatArray, fill: float = np.inf) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = num / den
    return np.where(den > 0, out, fill)


# --------------------------------------------------------------------------------------
# Square law: R' = -b B, B' = -a R.
# With u = sqrt(a) R, v = sqrt(b) B and g = sqrt(a b):  (u + v)' = -g (u + v),
# (u - v)' = g (u - v).  A side with u0 (the other v0) reaches the level U when x = exp(g t)
# solves (u0 - v0) x^2 + 2 U x - (u0 + v0) = 0, whose admissible root in conjugate form is
#     x = (u0 + v0) / (U + sqrt(U^2 + v0^2 - u0^2)),
# finite at an exact draw and never 0/0; a negative radicand means never.  The time is
# log1p(x - 1) / g with x - 1 written without cancellation, so that a side 10^6 times
# weaker than the other still gets its end time to full precision.  The survivor follows
# from the invariant a R^2 - b B^2, its difference of squares factored.
# These two are scalar kernels, compiled with the engine (:mod:`.compiled`).
# --------------------------------------------------------------------------------------


def square_level_time(
    own0: float, other0: float, own_k: float, other_k: float, sa: float, sb: float,
    level: float,
) -> float:  # fmt: skip
    """Days until the side with strength ``own0`` (killing ``own_k`` per unit and day)
    falls to ``level`` under fire from ``other0`` units killing ``other_k``; inf: never.
    ``sa``, ``sb``: the square roots of own_k and other_k (computed once by the caller)."""
    if own0 <= level:
        return 0.0
    if own_k > 0.0 and other_k > 0.0:
        u0, v0, U = sa * own0, sb * other0, sa * level
        rad = U * U + (v0 - u0) * (v0 + u0)
        if rad < 0.0 or U + np.sqrt(rad) <= 0.0:
            return np.inf
        root = np.sqrt(rad)
        xm1 = (u0 - U) * (1.0 + (u0 + U) / (root + v0)) / (U + root)
        return float(max(np.log1p(xm1) / (sa * sb), 0.0))
    if other_k > 0.0 and other0 > 0.0:  # the other side is frozen: a linear decline
        return (own0 - level) / (other_k * other0)
    return np.inf


def square_chunk(
    lo: int, hi: int, R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray,
    LR: FloatArray, LB: FloatArray, t_max: float, t_end: FloatArray, Rf: FloatArray,
    Bf: FloatArray, first: NDArray[np.int8], bad: NDArray[np.int8],
) -> None:  # fmt: skip
    """The square law's outcome for battles lo..hi-1 with levels LR, LB: ``t_end``
    (t_max when undecided), the side that got to its level first (``first``: 1 red,
    2 blue, 3 both, 0 neither) and the other side's strength then; ``bad`` marks a
    negative or non-finite input (nothing else computed for it)."""
    for i in range(lo, hi):
        r0, b0, ai, bi = R0[i], B0[i], a[i], b[i]
        if not (0.0 <= r0 < np.inf and 0.0 <= b0 < np.inf and 0.0 <= ai < np.inf
                and 0.0 <= bi < np.inf):  # fmt: skip
            bad[i] = 1
            continue
        if r0 <= LR[i] or b0 <= LB[i]:  # decided at the start
            first[i] = (1 if r0 <= LR[i] else 0) + (2 if b0 <= LB[i] else 0)
            t_end[i] = 0.0
            continue
        # the invariant a R^2 - b B^2 says which side gets to its level first: only that
        # side's time is needed (differences of squares factored, exact at a draw)
        sa, sb = np.sqrt(ai), np.sqrt(bi)
        u, v = sa * r0, sb * b0
        margin = (u - v) * (u + v) - ai * LR[i] ** 2 + bi * LB[i] ** 2
        if margin > 0.0:
            t, first[i] = square_level_time(b0, r0, bi, ai, sb, sa, LB[i]), 2
        elif margin < 0.0:
            t, first[i] = square_level_time(r0, b0, ai, bi, sa, sb, LR[i]), 1
        else:
            tr = square_level_time(r0, b0, ai, bi, sa, sb, LR[i])
            tb = square_level_time(b0, r0, bi, ai, sb, sa, LB[i])
            t = min(tr, tb)
            first[i] = 3 if tr == tb else (1 if tr < tb else 2)
        if t > t_max:
            t_end[i], first[i] = t_max, 0
            continue
        t_end[i] = t
        if first[i] != 2:  # blue's strength when red reaches its level
            Bf[i] = square_survivor(b0, v, u, bi, ai, LR[i])
        if first[i] != 1:
            Rf[i] = square_survivor(r0, u, v, ai, bi, LB[i])


def square_survivor(
    own0: float, u: float, v: float, own_k: float, other_k: float, other_level: float
) -> float:
    """A side's strength when the other reaches ``other_level``, from the invariant
    own_k * own^2 - other_k * other^2 (exact, no time evaluation); ``u``, ``v``: the
    sides' initial strengths times the square roots of their rates (own first)."""
    if own_k <= 0.0:  # it kills nothing: the other side never gets lower
        return own0
    return float(np.sqrt(max((u - v) * (u + v) + other_k * other_level**2, 0.0) / own_k))


def square_trajectory(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray, t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    sa, sb = np.sqrt(a), np.sqrt(b)
    u0, v0 = sa * R0, sb * B0
    g = sa * sb
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        em, ep = np.exp(-g * t), np.exp(g * t)
        d = u0 - v0
        dterm = np.where(d == 0, 0.0, d * ep)
        u = 0.5 * ((u0 + v0) * em + dterm)
        v = 0.5 * ((u0 + v0) * em - dterm)
        R = np.where(g > 0, u / sa, R0 - b * B0 * t)
        B = np.where(g > 0, v / sb, B0 - a * R0 * t)
    R = np.where(a == 0, np.where(b == 0, R0, R0 - b * B0 * t), R)
    B = np.where(b == 0, np.where(a == 0, B0, B0 - a * R0 * t), B)
    return np.maximum(R, 0.0), np.maximum(B, 0.0)


# --------------------------------------------------------------------------------------
# Linear (area-fire) law: R' = -b R B, B' = -a R B.  With C = a R0 - b B0, the invariant
# gives R = (C + b B)/a, so B' = -B (C + b B) and
#     t_B(L) = [F(C/(b L)) / (b L) - F(C/(b B0)) / (b B0)],   F(x) = log1p(x)/x,
# which is exact, tends to (1/b)(1/L - 1/B0) at C = 0 without cancellation, and requires
# C + b L > 0 (otherwise blue never falls that low).  B(t) = B0 / (1 + a R0 t G(C t)),
# G(x) = expm1(x)/x.  Neither side ever reaches 0 in finite time.
# --------------------------------------------------------------------------------------


def _log1p_over_x(x: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        val = np.log1p(x) / x
    return np.where(np.abs(x) < 1e-10, 1.0 - 0.5 * x, val)


def _expm1_over_x(x: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        val = np.expm1(x) / x
    return np.where(np.abs(x) < 1e-10, 1.0 + 0.5 * x, val)


def _linear_level_time(
    own0: FloatArray, other0: FloatArray, own_k: FloatArray, other_k: FloatArray, level: FloatArray
) -> FloatArray:
    # This side loses at other_k * own * other; C is the other side's "advantage".
    C = other_k * other0 - own_k * own0
    bl = own_k * level
    b0 = own_k * own0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t = _log1p_over_x(C / bl) / bl - _log1p_over_x(C / b0) / b0
        # own_k == 0: the other side is frozen, this side decays exponentially.
        t_frozen = np.log(own0 / level) / (other_k * other0)
    reachable = (level > 0) & (C + bl > 0)
    t = np.where(reachable & np.isfinite(t), np.maximum(t, 0.0), np.inf)
    t_frozen = np.where((level > 0) & (other_k * other0 > 0), t_frozen, np.inf)
    t = np.where(own_k > 0, t, t_frozen)
    return np.where(own0 <= level, 0.0, t)


def linear_time_to_level(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray, LR: FloatArray, LB: FloatArray
) -> tuple[FloatArray, FloatArray]:
    return _linear_level_time(R0, B0, a, b, LR), _linear_level_time(B0, R0, b, a, LB)


def linear_trajectory(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray, t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    C = a * R0 - b * B0
    with np.errstate(over="ignore", invalid="ignore"):
        B = B0 / (1.0 + a * R0 * t * _expm1_over_x(C * t))
        R = R0 / (1.0 + b * B0 * t * _expm1_over_x(-C * t))
    return np.nan_to_num(R, nan=0.0), np.nan_to_num(B, nan=0.0)


# --------------------------------------------------------------------------------------
# Logarithmic law: R' = -b R, B' = -a B (decoupled exponentials, never annihilated).
# --------------------------------------------------------------------------------------


def logarithmic_time_to_level(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray, LR: FloatArray, LB: FloatArray
) -> tuple[FloatArray, FloatArray]:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        tR = np.log(R0 / LR) / b
        tB = np.log(B0 / LB) / a
    tR = np.where((LR > 0) & (b > 0) & np.isfinite(tR), tR, np.inf)
    tB = np.where((LB > 0) & (a > 0) & np.isfinite(tB), tB, np.inf)
    return np.where(R0 <= LR, 0.0, tR), np.where(B0 <= LB, 0.0, tB)


def logarithmic_trajectory(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray, t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    return R0 * np.exp(-b * t), B0 * np.exp(-a * t)


# --------------------------------------------------------------------------------------
# Ancient (constant-rate) law: R' = -b, B' = -a while both sides stand.
# --------------------------------------------------------------------------------------


def ancient_time_to_level(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray, LR: FloatArray, LB: FloatArray
) -> tuple[FloatArray, FloatArray]:
    tR = _safe_div(R0 - LR, b)
    tB = _safe_div(B0 - LB, a)
    return np.where(R0 <= LR, 0.0, tR), np.where(B0 <= LB, 0.0, tB)


def ancient_trajectory(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray, t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    return np.maximum(R0 - b * t, 0.0), np.maximum(B0 - a * t, 0.0)


CLOSED_FORMS: dict[str, tuple[LevelTimes | None, Trajectory]] = {
    "square": (None, square_trajectory),  # levels: the compiled square_chunk
    "linear": (linear_time_to_level, linear_trajectory),
    "logarithmic": (logarithmic_time_to_level, logarithmic_trajectory),
    "ancient": (ancient_time_to_level, ancient_trajectory),
}

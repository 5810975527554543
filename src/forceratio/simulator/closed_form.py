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
# (u - v)' = g (u - v).  Blue reaches the level V = sqrt(b) LB when x = exp(g t) solves
# (u0 - v0) x^2 + 2 V x - (u0 + v0) = 0, whose admissible root in conjugate form is
#     x = (u0 + v0) / (V + sqrt(V^2 + u0^2 - v0^2)),
# finite at an exact draw (u0 = v0) and never 0/0.  A negative radicand means never.
# --------------------------------------------------------------------------------------


def _square_level_time(
    own0: FloatArray, other0: FloatArray, own_k: FloatArray, other_k: FloatArray, level: FloatArray
) -> FloatArray:
    """Time at which the side with strength ``own0`` (hit by ``other_k`` per enemy unit)
    falls to ``level``; ``own_k`` is its own kill rate."""
    u0 = np.sqrt(own_k) * own0  # this side in invariant units
    v0 = np.sqrt(other_k) * other0
    U = np.sqrt(own_k) * level
    g = np.sqrt(own_k * other_k)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rad = U * U + v0 * v0 - u0 * u0
        x = (u0 + v0) / (U + np.sqrt(np.maximum(rad, 0.0)))
        t = np.log(x) / g
    t = np.where((rad >= 0) & np.isfinite(t), np.maximum(t, 0.0), np.inf)
    t = np.where((rad == 0) & (U == 0), np.inf, t)  # exact draw to annihilation: never
    # One rate zero: the other side's strength is frozen, losses are linear in time.
    lin = _safe_div(own0 - level, other_k * other0)
    t = np.where(g > 0, t, lin)
    return np.where(own0 <= level, 0.0, t)


def square_time_to_level(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray, LR: FloatArray, LB: FloatArray
) -> tuple[FloatArray, FloatArray]:
    tR = _square_level_time(R0, B0, a, b, LR)
    tB = _square_level_time(B0, R0, b, a, LB)
    return tR, tB


def square_to_annihilation(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Fast path of the square law when both sides fight to annihilation and both rates
    are > 0: returns ``(duration, red_final, blue_final)``, duration ``inf`` at an exact
    draw.  One ``atanh`` per battle (Lanchester 1916; methods-and-peers.md section 2.1).

    With u = sqrt(a) R0 and v = sqrt(b) B0, the stronger side wins; the battle lasts
    ``atanh(min(u, v) / max(u, v)) / sqrt(a b)`` and the winner keeps
    ``sqrt(|u^2 - v^2|)`` in invariant units.
    """
    u, v = np.sqrt(a) * R0, np.sqrt(b) * B0
    g = np.sqrt(a * b)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.arctanh(np.minimum(u, v) / np.maximum(u, v)) / g
        diff = u * u - v * v
        Rf = np.sqrt(np.maximum(diff, 0.0) / a)
        Bf = np.sqrt(np.maximum(-diff, 0.0) / b)
    return t, Rf, Bf


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


def square_survivor(
    own0: FloatArray,
    other0: FloatArray,
    own_k: FloatArray,
    other_k: FloatArray,
    other_level: FloatArray,
) -> FloatArray:
    """Strength of a side when the other reaches ``other_level``, from the invariant
    ``a R^2 - b B^2 = const`` (exact, no time evaluation)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        sq = own0**2 - (other_k / own_k) * (other0**2 - other_level**2)
        val = np.sqrt(np.maximum(sq, 0.0))
    # own_k = 0 means this side kills nothing: the other side never reaches its level.
    return np.where(own_k > 0, val, own0)


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


CLOSED_FORMS: dict[str, tuple[LevelTimes, Trajectory]] = {
    "square": (square_time_to_level, square_trajectory),
    "linear": (linear_time_to_level, linear_trajectory),
    "logarithmic": (logarithmic_time_to_level, logarithmic_trajectory),
    "ancient": (ancient_time_to_level, ancient_trajectory),
}

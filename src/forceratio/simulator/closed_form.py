"""Closed-form solutions of the single-category laws with constant coefficients.

Each law provides two vectorised functions over N scenarios:

* ``level_time(own0, other0, own_k, other_k, level)``: the days until a side of ``own0``
  units killing ``own_k`` per unit falls to ``level`` above 0 (``inf``: never), if
  nothing stopped the battle before (the square law's is scalar, compiled);
* ``trajectory(R0, B0, a, b, t) -> (R, B)``: strengths at times ``t`` (broadcast).

``a`` is red's per-unit kill rate against blue, ``b`` blue's against red.  All functions
are safe near a draw and at zero rates: they return ``inf`` (never) rather than NaN, and
never raise.  The battle's end is the first side's time to its level, or t_max.

References
----------
Lanchester, F. W. (1916). *Aircraft in Warfare*.  Taylor, J. G. (1983). *Lanchester
Models of Warfare*, ORSA.  The stable forms below are derived in the docstrings.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from forceratio.simulator.magnitudes import RATE_RANGE, STRENGTH_RANGE
from forceratio.simulator.result import ANNIHILATION, BLUE, BREAKPOINT, NONE, RED, T_MAX

FloatArray = NDArray[np.float64]
S_LO, S_HI = STRENGTH_RANGE
K_LO, K_HI = RATE_RANGE
LevelTime = Callable[[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray], FloatArray]
Trajectory = Callable[..., tuple[FloatArray, FloatArray]]


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
        root = np.sqrt(rad) if rad >= 0.0 else -np.inf
        if U + root <= 0.0:
            return np.inf
        x = (u0 + v0) / (U + root)
        if x > 1.5:  # log is the quicker, and exact enough here
            return float(np.log(x) / (sa * sb))
        xm1 = (u0 - U) * (1.0 + (u0 + U) / (root + v0)) / (U + root)
        return float(max(np.log1p(xm1) / (sa * sb), 0.0))
    if other_k > 0.0 and other0 > 0.0:  # the other side is frozen: a linear decline
        return (own0 - level) / (other_k * other0)
    return np.inf


def square_chunk(
    lo: int, hi: int, R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray,
    fr: FloatArray, fb: FloatArray, ann_r: FloatArray, ann_b: FloatArray, t_max: float,
    t_end: FloatArray, duration: FloatArray, Rf: FloatArray, Bf: FloatArray,
    R_init: FloatArray, B_init: FloatArray, winner: NDArray[np.int8], code: NDArray[np.int8],
) -> None:  # fmt: skip
    """The outcome of square-law battles lo..hi-1, inputs checked in the same pass.

    Inputs (length N, or 1 for one value shared by all): strengths, rates, breakpoint
    fractions ``fr``, ``fb`` and annihilation levels in the sides' units; a side is out at
    the larger of its breakpoint and its annihilation level (:mod:`.result`).  Outputs as
    :class:`.result.BattleResult` holds them; ``code`` -1 marks a battle with an input
    out of range (nothing else computed for it), and an undecided battle's strengths at
    t_max are left for the caller (:func:`square_trajectory`)."""
    s = (R0.shape[0] > 1, B0.shape[0] > 1, a.shape[0] > 1, b.shape[0] > 1,
         fr.shape[0] > 1, fb.shape[0] > 1, ann_r.shape[0] > 1, ann_b.shape[0] > 1)  # fmt: skip
    for i in range(lo, hi):
        r0, b0, ai, bi = R0[i * s[0]], B0[i * s[1]], a[i * s[2]], b[i * s[3]]
        f_r, f_b, n_r, n_b = fr[i * s[4]], fb[i * s[5]], ann_r[i * s[6]], ann_b[i * s[7]]
        R_init[i], B_init[i] = r0, b0
        ok = (r0 == 0.0) | ((r0 >= S_LO) & (r0 <= S_HI))  # as .magnitudes checks them
        ok &= (b0 == 0.0) | ((b0 >= S_LO) & (b0 <= S_HI))
        ok &= (ai == 0.0) | ((ai >= K_LO) & (ai <= K_HI))
        ok &= (bi == 0.0) | ((bi >= K_LO) & (bi <= K_HI))
        ok &= (f_r >= 0.0) & (f_r < 1.0) & (f_b >= 0.0) & (f_b < 1.0)
        if not (ok & (n_r >= 0.0) & (n_r < np.inf) & (n_b >= 0.0) & (n_b < np.inf)):
            code[i] = -1
            continue
        LR, LB = max(f_r * r0, n_r), max(f_b * b0, n_b)
        rf, bf, t = r0, b0, 0.0
        if r0 <= LR or b0 <= LB:  # decided at the start
            first = (1 if r0 <= LR else 0) + (2 if b0 <= LB else 0)
        else:
            # the invariant a R^2 - b B^2 says which side gets to its level first: only
            # that side's time is needed (differences of squares factored, exact at a draw)
            sa, sb = np.sqrt(ai), np.sqrt(bi)
            u, v = sa * r0, sb * b0
            margin = (u - v) * (u + v) - ai * LR**2 + bi * LB**2
            if margin > 0.0:
                t, first = square_level_time(b0, r0, bi, ai, sb, sa, LB), 2
            elif margin < 0.0:
                t, first = square_level_time(r0, b0, ai, bi, sa, sb, LR), 1
            else:
                tr = square_level_time(r0, b0, ai, bi, sa, sb, LR)
                tb = square_level_time(b0, r0, bi, ai, sb, sa, LB)
                t = min(tr, tb)
                first = 3 if tr == tb else (1 if tr < tb else 2)
            if first == 1:  # blue's strength when red reaches its level
                bf = square_survivor(b0, v, u, bi, ai, LR)
            elif first == 2:
                rf = square_survivor(r0, u, v, ai, bi, LB)
        if t > t_max:
            t_end[i], duration[i], winner[i], code[i] = t_max, np.nan, NONE, T_MAX
            continue
        t_end[i] = duration[i] = t
        winner[i] = BLUE if first == 1 else (RED if first == 2 else NONE)
        out_r, out_b = (first & 1) != 0, (first & 2) != 0
        bp_r, bp_b = out_r and f_r * r0 > n_r, out_b and f_b * b0 > n_b
        Rf[i] = (LR if bp_r else 0.0) if out_r else rf
        Bf[i] = (LB if bp_b else 0.0) if out_b else bf
        code[i] = BREAKPOINT if bp_r or bp_b else ANNIHILATION


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
    return np.maximum(R, 0.0), np.maximum(B, 0.0)


# --------------------------------------------------------------------------------------
# Linear (area-fire) law: R' = -b R B, B' = -a R B.  With C = a R0 - b B0, the invariant
# gives R = (C + b B)/a, so B' = -B (C + b B) and
#     t_B(L) = [F(C/(b L)) / (b L) - F(C/(b B0)) / (b B0)],   F(x) = log1p(x)/x,
# which is exact, tends to (1/b)(1/L - 1/B0) at C = 0 without cancellation, and requires
# C + b L > 0 (otherwise blue never falls that low).  B(t) = B0 / (1 + a R0 t G(C t)),
# G(x) = expm1(x)/x.  Neither side ever reaches 0 in finite time.


def _over_x(fn: Callable[[FloatArray], FloatArray], x: FloatArray, slope: float) -> FloatArray:
    """``fn(x) / x``, by its series ``1 + slope * x`` near 0 (log1p: -1/2, expm1: 1/2)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        val = fn(x) / x
    return np.where(np.abs(x) < 1e-10, 1.0 + slope * x, val)


def linear_level_time(
    own0: FloatArray, other0: FloatArray, own_k: FloatArray, other_k: FloatArray, level: FloatArray
) -> FloatArray:
    # This side loses at other_k * own * other; C is the other side's "advantage".
    C = other_k * other0 - own_k * own0
    bl, b0 = own_k * level, own_k * own0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t = _over_x(np.log1p, C / bl, -0.5) / bl - _over_x(np.log1p, C / b0, -0.5) / b0
        # own_k == 0: the other side is frozen, this side decays exponentially.
        t_frozen = np.log(own0 / level) / (other_k * other0)
    reachable = (level > 0) & (C + bl > 0)
    t = np.where(reachable & np.isfinite(t), np.maximum(t, 0.0), np.inf)
    t_frozen = np.where((level > 0) & (other_k * other0 > 0), t_frozen, np.inf)
    return np.where(own_k > 0, t, t_frozen)


def linear_trajectory(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray, t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    C = a * R0 - b * B0
    with np.errstate(over="ignore", invalid="ignore"):
        B = B0 / (1.0 + a * R0 * t * _over_x(np.expm1, C * t, 0.5))
        R = R0 / (1.0 + b * B0 * t * _over_x(np.expm1, -C * t, 0.5))
    return np.nan_to_num(R, nan=0.0), np.nan_to_num(B, nan=0.0)


# --------------------------------------------------------------------------------------
# Logarithmic law: R' = -b R, B' = -a B (decoupled exponentials, never annihilated).


def logarithmic_level_time(
    own0: FloatArray, other0: FloatArray, own_k: FloatArray, other_k: FloatArray, level: FloatArray
) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t = np.log(own0 / level) / other_k
    return np.where((level > 0) & (other_k > 0) & np.isfinite(t), t, np.inf)


def logarithmic_trajectory(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray, t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    return R0 * np.exp(-b * t), B0 * np.exp(-a * t)


# --------------------------------------------------------------------------------------
# Ancient (constant-rate) law: R' = -b, B' = -a while both sides stand.


def ancient_level_time(
    own0: FloatArray, other0: FloatArray, own_k: FloatArray, other_k: FloatArray, level: FloatArray
) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(other_k > 0, (own0 - level) / other_k, np.inf)


def ancient_trajectory(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray, t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    return np.maximum(R0 - b * t, 0.0), np.maximum(B0 - a * t, 0.0)


CLOSED_FORMS: dict[str, tuple[LevelTime | None, Trajectory]] = {
    "square": (None, square_trajectory),  # levels: the compiled square_chunk
    "linear": (linear_level_time, linear_trajectory),
    "logarithmic": (logarithmic_level_time, logarithmic_trajectory),
    "ancient": (ancient_level_time, ancient_trajectory),
}

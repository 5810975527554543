"""The engine, written once as scalar kernels: right-hand side, Dormand-Prince step,
dense-output root search, end rule, and the loop that runs one battle to its end.

Every function here works on one run (one scenario) at a time, with plain loops over its
few categories; :mod:`.compiled` compiles them with numba (``nogil``) and runs chunks of
runs on a pool of threads.  A run never looks at another run, so its numbers do not depend
on the batch it is in, its position there, or the chunking.  With ``NUMBA_DISABLE_JIT=1``
the same functions run as plain Python (the tests use that for coverage).

The equations are the general law of :mod:`.laws` with per-category kill rates
(``Side.kill_rates``), weights, fire allocation, time-varying multipliers of each side's
kill rates and arrivals; the method is the Dormand-Prince 5(4) pair of :mod:`.tableau`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from forceratio.simulator.result import ANNIHILATION, BLUE, BREAKPOINT, NONE, RED, T_MAX
from forceratio.simulator.tableau import (
    DRAW_FRACTION,
    ERROR_EXPONENT,
    FIRST_STEP_FRACTION,
    MAX_FACTOR,
    MIN_FACTOR,
    MIN_STEP,
    ROOT_ITERATIONS,
    ROOT_TOLERANCE,
    SAFETY,
    A,
    B,
    C,
    E,
    P,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Kernel status of a run: finished, or stopped because its step fell below the smallest
#: step or it took more than the allowed number of steps.
OK, STEP_TOO_SMALL, TOO_MANY_STEPS = 0, 1, 2


def fire(x: float, p: float) -> float:
    """``x**p``, with a side that has nothing left firing nothing (``0**0`` is 0)."""
    if x <= 0.0:
        return 0.0
    if p == 1.0:
        return x
    if p == 0.0:
        return 1.0
    return float(x**p)


def side_losses(
    out: FloatArray, y: FloatArray, off_t: int, kt: int, off_f: int, kf: int,
    kill: FloatArray, alloc: FloatArray, w: FloatArray, p: float, q: float, m: float,
    scratch: FloatArray,
) -> None:  # fmt: skip
    """Loss rates (units/day, >= 0) of the target side's categories ``y[off_t:off_t+kt]``
    under fire from ``y[off_f:off_f+kf]``, into ``out[off_t:off_t+kt]``.

    ``kill`` (kf, kt) and ``w`` (kt,) are this run's rows; ``alloc`` (kf, kt) a fixed
    allocation renormalised over surviving targets, or empty for allocation in proportion
    to the targets' weighted strength; ``m`` the firing side's multiplier.
    """
    for f in range(kf):
        scratch[f] = fire(y[off_f + f], p)
    total = 0.0
    for j in range(kt):
        x = y[off_t + j]
        if x > 0.0:
            total += x * w[j]
    for j in range(kt):
        x = y[off_t + j]
        wt = x * w[j] if x > 0.0 else 0.0
        inc = 0.0
        if alloc.shape[0] == 0:
            for f in range(kf):
                inc += scratch[f] * kill[f, j]
            if kt == 1:
                val = inc * fire(wt, q)
            elif q == 1.0:
                val = inc * wt
            else:
                share = wt / total if total > 0.0 else 0.0
                val = inc * share if q == 0.0 else inc * share * total**q
        else:
            if x > 0.0:
                for f in range(kf):
                    norm = 0.0
                    for jj in range(kt):
                        if y[off_t + jj] > 0.0:
                            norm += alloc[f, jj]
                    if norm > 0.0:
                        inc += scratch[f] * kill[f, j] * alloc[f, j] / norm
            val = inc * fire(wt, q)
        out[off_t + j] = val * m


def row(a: np.ndarray, n: int) -> int:
    """Run ``n``'s row of an input shared by the batch (1 row) or given per run."""
    return n if a.shape[0] > 1 else 0


def losses(
    t: float, y: FloatArray, out: FloatArray, n: int, kr: int,
    kill_r: FloatArray, kill_b: FloatArray, alloc_r: FloatArray, alloc_b: FloatArray,
    w_r: FloatArray, w_b: FloatArray, exps: FloatArray, piece: FloatArray, scratch: FloatArray,
) -> None:  # fmt: skip
    """Loss rates of every category of run ``n`` at (t, y), into ``out``.

    ``piece`` holds this step's linear pieces of the multipliers: red's base, slope and
    start, then blue's (their knots end steps, so the piece is fixed within a step).
    """
    d = y.shape[0]
    kb = d - kr
    m_r = piece[0] + piece[1] * (t - piece[2])
    m_b = piece[3] + piece[4] * (t - piece[5])
    ab = alloc_b[row(alloc_b, n)] if alloc_b.shape[1] else alloc_b[0]
    ar = alloc_r[row(alloc_r, n)] if alloc_r.shape[1] else alloc_r[0]
    # red's categories are hit by blue's fire (exponents red_p, red_q) ...
    side_losses(out, y, 0, kr, kr, kb, kill_b[row(kill_b, n)], ab, w_r[row(w_r, n)],
                exps[0], exps[1], m_b, scratch)  # fmt: skip
    # ... and blue's by red's
    side_losses(out, y, kr, kb, 0, kr, kill_r[row(kill_r, n)], ar, w_b[row(w_b, n)],
                exps[2], exps[3], m_r, scratch)  # fmt: skip


def rhs(
    t: float, y: FloatArray, out: FloatArray, n: int, kr: int,
    kill_r: FloatArray, kill_b: FloatArray, alloc_r: FloatArray, alloc_b: FloatArray,
    w_r: FloatArray, w_b: FloatArray, exps: FloatArray, piece: FloatArray, inflow: FloatArray,
    scratch: FloatArray,
) -> None:  # fmt: skip
    """dy/dt = arrivals - losses (units/day); ``inflow`` holds this step's arrival rates."""
    losses(t, y, out, n, kr, kill_r, kill_b, alloc_r, alloc_b, w_r, w_b, exps, piece, scratch)
    for i in range(y.shape[0]):
        out[i] = inflow[i] - out[i]


def dopri_step(
    t: float, h: float, y: FloatArray, k: FloatArray, y_new: FloatArray, y_stage: FloatArray,
    atol: FloatArray, rtol: float, n: int, kr: int,
    kill_r: FloatArray, kill_b: FloatArray, alloc_r: FloatArray, alloc_b: FloatArray,
    w_r: FloatArray, w_b: FloatArray, exps: FloatArray, piece: FloatArray, inflow: FloatArray,
    scratch: FloatArray,
) -> float:  # fmt: skip
    """One Dormand-Prince step of length ``h`` from (t, y) with ``k[0]`` = f(t, y) given:
    fills the stages ``k[1..6]`` and ``y_new``, returns the RMS error norm (<= 1: accept)."""
    d = y.shape[0]
    for s in range(1, 7):
        for i in range(d):
            acc = 0.0
            for j in range(s):
                acc += (A[s, j] if s < 6 else B[j]) * k[j, i]
            y_stage[i] = y[i] + h * acc
        if s == 6:
            for i in range(d):
                y_new[i] = y_stage[i]
        rhs(t + (C[s] if s < 6 else 1.0) * h, y_stage, k[s], n, kr, kill_r, kill_b,
            alloc_r, alloc_b, w_r, w_b, exps, piece, inflow, scratch)  # fmt: skip
    norm = 0.0
    for i in range(d):
        err = 0.0
        for j in range(7):
            err += E[j] * k[j, i]
        sc = atol[i] + rtol * max(abs(y[i]), abs(y_new[i]))
        norm += (h * err / sc) ** 2
    return float(np.sqrt(norm / d))


def dense_sum(
    k: FloatArray, y: FloatArray, w: FloatArray, lo: int, m: int, h: float, coef: FloatArray
) -> float:
    """The weighted strength of categories lo..lo+m over the step as a quartic in theta:
    returns its value at theta = 0 and puts the coefficients of theta..theta^4 in coef."""
    s0 = 0.0
    for c in range(4):
        coef[c] = 0.0
    for i in range(m):
        s0 += y[lo + i] * w[i]
        for j in range(7):
            wk = h * k[j, lo + i] * w[i]
            for c in range(4):
                coef[c] += wk * P[j, c]
    return s0


def locate(coef: FloatArray, s0: float, level: float) -> float:
    """Smallest theta in (0, 1] where s0 + sum_m coef[m] theta^(m+1) falls to ``level``:
    Newton's method safeguarded by bisection on [0, 1] (1 if it never gets there)."""
    f_lo = s0 - level
    f_hi = f_lo + coef[0] + coef[1] + coef[2] + coef[3]
    if f_hi > 0.0:
        return 1.0
    lo, hi = 0.0, 1.0
    th = f_lo / (f_lo - f_hi) if f_lo - f_hi > 0.0 else 1.0
    th = min(max(th, 0.0), 1.0)
    for _ in range(ROOT_ITERATIONS):
        val = f_lo + th * (coef[0] + th * (coef[1] + th * (coef[2] + th * coef[3])))
        der = coef[0] + th * (2.0 * coef[1] + th * (3.0 * coef[2] + th * 4.0 * coef[3]))
        if val > 0.0:
            lo = th
        else:
            hi = th
        nt = th - val / der if der != 0.0 else -1.0
        if not (lo < nt < hi):
            nt = 0.5 * (lo + hi)
        if abs(nt - th) <= ROOT_TOLERANCE:
            return nt
        th = nt
    return th


def side_sum(y: FloatArray, w: FloatArray, lo: int, m: int) -> float:
    s = 0.0
    for i in range(m):
        s += y[lo + i] * w[i]
    return s


def end_rule(
    out_r: bool, out_b: bool, bp_r: float, bp_b: float, y: FloatArray, kr: int
) -> tuple[int, int]:
    """Winner and end code when red (``out_r``) and/or blue reached their levels together;
    an annihilated loser's strength is set to 0 (a side at its breakpoint keeps its level).
    """
    winner = NONE if (out_r and out_b) else (BLUE if out_r else RED)
    code = ANNIHILATION
    for side in range(2):
        lost = out_r if side == 0 else out_b
        if not lost:
            continue
        if (bp_r if side == 0 else bp_b) > 0.0:
            code = BREAKPOINT
        else:
            lo, hi = (0, kr) if side == 0 else (kr, y.shape[0])
            for i in range(lo, hi):
                y[i] = 0.0
    return winner, code

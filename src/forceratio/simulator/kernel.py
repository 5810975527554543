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

import math

import numpy as np
from numpy.typing import NDArray

from forceratio.simulator.held import from_zero, settled_rates
from forceratio.simulator.packing import FLOW_SLOTS, fire, fixed_share, layout, side_sum
from forceratio.simulator.result import ANNIHILATION, BLUE, BREAKPOINT, NONE, RED
from forceratio.simulator.tableau import (
    COL_C,
    COL_E,
    COL_P,
    ROOT_ITERATIONS,
    ROOT_TOLERANCE,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Kernel status of a run: finished, or stopped because its step fell below the smallest
#: step or it took more than the allowed number of steps.
OK, STEP_TOO_SMALL, TOO_MANY_STEPS = 0, 1, 2


def rates(t: float, y: FloatArray, out: FloatArray, par: FloatArray, kr: int,
          scratch: FloatArray, net: bool) -> None:  # fmt: skip
    """The right-hand side: dy/dt = arrivals - losses (``net``), or the loss rates alone
    (units/day, >= 0), of every category of one run at (t, y), into ``out``.  Small, so
    that it is inlined into the step: one category a side under proportional fire is the
    law of :mod:`.laws` itself (one exp a side); more go to :func:`categories`.  A side's
    arrivals exposed in transit at a rate k (``.schedules.Reinforcements.transit_loss``)
    come in at the schedule's rate times exp(-k t), t the time since the run's start."""
    d = y.shape[0]
    o_kill_r, _, o_w_r, _, _, _, o_inflow, total = layout(kr, d - kr)
    if d == 2 and par[4] == 0.0 and par[5] == 0.0:
        logs = False  # ln R and ln B taken
        ln_r = ln_b = 0.0
        for s in range(2):  # s 0: red's losses under blue's fire; 1: blue's under red's
            e = 1 - s  # the enemy, who fires
            x, w, p, q = y[e], par[o_w_r + s], par[2 * s], par[2 * s + 1]
            wt = y[s] * w
            if x <= 0.0 or wt <= 0.0:  # nothing left to fire, or to fire at
                val = 0.0
            elif p == q:  # x**p * wt**p as one power (Helmbold, linear, ancient)
                val = fire(x * wt, p)
            elif (p == 0.0 or p == 1.0) and (q == 0.0 or q == 1.0):
                val = fire(x, p) * fire(wt, q)
            else:  # exp(p ln x + q ln wt)
                if not logs:
                    ln_r, ln_b, logs = math.log(y[0]), math.log(y[1]), True
                ln_x, ln_t = (ln_b, ln_r) if s == 0 else (ln_r, ln_b)
                val = math.exp(p * ln_x + q * (ln_t if w == 1.0 else ln_t + math.log(w)))
            m = par[6 + 3 * e] + par[7 + 3 * e] * (t - par[8 + 3 * e])
            out[s] = par[o_kill_r + e] * val * m
    else:
        categories(t, y, out, par, kr, scratch)
    o = o_inflow + d  # the operational flows, each off at 0 (:func:`flows`)
    on = par[o] > 0.0 or par[o + 3] > 0.0
    for i in range(d):
        on = on or par[o + FLOW_SLOTS + i] > 0.0
    if on:
        flows(t, y, out, par, kr, o)
    if net:
        k_r, k_b = par[o + 6], par[o + 7]  # the transit loss rates, off at 0
        if k_r > 0.0 or k_b > 0.0:
            g_r, g_b = math.exp(-k_r * t), math.exp(-k_b * t)
            for i in range(d):
                out[i] = par[o_inflow + i] * (g_r if i < kr else g_b) - out[i]
        else:
            for i in range(d):
                out[i] = par[o_inflow + i] - out[i]
        zero = par[total - 1]  # the strength the run resolves (:func:`from_zero`)
        for s in range(2):  # a side at 0 with arrivals in force: from_zero
            q = par[2 * s + 1]
            if q == 0.0 or (q <= 1.0 and zero > 0.0):
                lo, m = (0, kr) if s == 0 else (kr, d - kr)
                lim = 0.0 if q == 0.0 else np.inf  # q > 0: its weighted sum within zero
                empty, coming = True, False
                for i in range(lo, lo + m):
                    empty = empty and y[i] <= lim
                    coming = coming or par[o_inflow + i] > 0.0
                if coming and empty and (q == 0.0 or side_sum(y, par, o_w_r + lo, lo, m) <= zero):
                    from_zero(t, y, out, par, kr, scratch, s, zero)
        for s in range(2):  # a side held on its balance (.held.settle) follows it
            if par[total - 3 + s] > 0.0:
                settled_rates(t, y, out, par, kr, s)


def categories(
    t: float, y: FloatArray, out: FloatArray, par: FloatArray, kr: int, scratch: FloatArray
) -> None:
    """The loss rates of the general law, into ``out``: a side's fire ``kill[f, j] *
    fire(y_f, p)`` from each of its categories f goes to the enemy's categories j in
    proportion to their weighted strength (or by a fixed allocation renormalised over
    surviving targets), times ``fire(target, q)``, times the firing side's multiplier
    (linear within a step)."""
    d = y.shape[0]
    kb = d - kr
    o_kill_r, _, o_w_r, _, o_alloc_r = layout(kr, kb)[:5]
    for s in range(2):  # s 0: red's losses under blue's fire; 1: blue's under red's
        e = 1 - s  # the enemy, who fires; each block of the layout has red's part, then blue's
        off_t, kt, off_f, kf = (0, kr, kr, kb) if s == 0 else (kr, kb, 0, kr)
        o_kill, o_w, o_alloc = o_kill_r + e * kr * kb, o_w_r + s * kr, o_alloc_r + e * kr * kb
        p, q, fixed = par[2 * s], par[2 * s + 1], par[4 + e]
        m = par[6 + 3 * e] + par[7 + 3 * e] * (t - par[8 + 3 * e])
        for f in range(kf):
            scratch[f] = fire(y[off_f + f], p)
        total = 0.0
        for j in range(kt):
            x = y[off_t + j]
            if x > 0.0:
                total += x * par[o_w + j]
        for j in range(kt):
            x = y[off_t + j]
            wt = x * par[o_w + j] if x > 0.0 else 0.0
            inc = 0.0
            if fixed == 0.0:
                for f in range(kf):
                    inc += scratch[f] * par[o_kill + f * kt + j]
                if q == 1.0:
                    val = inc * wt
                else:
                    share = wt / total if total > 0.0 else 0.0
                    val = inc * share if q == 0.0 else inc * share * total**q
            else:
                if x > 0.0:
                    for f in range(kf):
                        share = fixed_share(par, o_alloc + f * kt, kt, j, y, off_t)
                        inc += scratch[f] * par[o_kill + f * kt + j] * share
                val = inc * fire(wt, q)
            out[off_t + j] = val * m


def flows(t: float, y: FloatArray, out: FloatArray, par: FloatArray, kr: int, o: int) -> None:
    """Add the operational loss flows of one run at (t, y) to the loss rates ``out``
    (issue 13; every flow is off at its neutral value 0, which leaves the law untouched).

    * Capture (encirclement): each category of a side loses ``eps * y`` a day, ``eps = c /
      (1 + exp(-(ln rho - ln rho_star) / width))`` (``width`` 0: a step at ``rho_star``),
      rho the enemy's weighted strength times its fire multiplier over the side's own.
      ASSUMPTION: no published capture form was found (docs/design/issue13-mechanisms.md,
      section 2); c, rho_star, width are swept and calibrated.  Par at ``o``: red's c,
      ln rho_star, width, then blue's (:meth:`.operational.Flows.packed`).  A gate
      ``g > 0`` (par at ``o + 8 + 2 * side``, its width ``gw`` next; 0: none, the rate
      untouched) multiplies eps by ``1 / (1 + exp(-(ln rho - ln g) / gw))`` (``gw`` 0: a
      step, nothing captured below ``g``; docs/design/issue13-mechanisms.md 8.22).
    * Non-combat losses (breakdown, abandonment in movement): category i loses
      ``b_i * y_i`` a day while the run lasts (par at ``o + FLOW_SLOTS + i``).
    """
    d = y.shape[0]
    o_w_r, o_w_b = layout(kr, d - kr)[2:4]
    s_r = side_sum(y, par, o_w_r, 0, kr) * (par[6] + par[7] * (t - par[8]))
    s_b = side_sum(y, par, o_w_b, kr, d - kr) * (par[9] + par[10] * (t - par[11]))
    for side in range(2):
        c, own, enemy = par[o + 3 * side], s_b if side else s_r, s_r if side else s_b
        if c <= 0.0 or own <= 0.0 or enemy <= 0.0:
            continue
        z = math.log(enemy / own) - par[o + 3 * side + 1]
        width = par[o + 3 * side + 2]
        eps = c / (1.0 + math.exp(-z / width)) if width > 0.0 else c if z >= 0.0 else 0.0
        gate = par[o + 8 + 2 * side]
        if gate > 0.0:  # the logistic in its stable halves (no overflow at a narrow gate)
            zg, gw = math.log(enemy / own) - math.log(gate), par[o + 9 + 2 * side]
            if gw > 0.0:
                e = math.exp(-abs(zg) / gw)
                eps *= 1.0 / (1.0 + e) if zg >= 0.0 else e / (1.0 + e)
            elif zg < 0.0:
                eps = 0.0
        for j in range(kr * side, kr if side == 0 else d):
            if y[j] > 0.0:
                out[j] += eps * y[j]
    for i in range(d):
        b = par[o + FLOW_SLOTS + i]
        if b > 0.0 and y[i] > 0.0:
            out[i] += b * y[i]


def dopri_step(
    t: float, h: float, y: FloatArray, k: FloatArray, y_new: FloatArray, y_stage: FloatArray,
    atol: FloatArray, rtol: float, par: FloatArray, kr: int, scratch: FloatArray,
    tab: FloatArray, exact: bool,
) -> float:  # fmt: skip
    """One step of length ``h`` from (t, y) of the Runge-Kutta pair in ``tab``
    (:data:`.tableau.STEP_TABLE`), ``k[0]`` given: fills the stages ``k[1..]`` and ``y_new``,
    returns the RMS error norm (<= 1: accept).  With ``exact`` the non-combat losses b_i y_i
    (:func:`flows`) are integrated exactly, so that their decay does not set the step: the
    pair runs on u_i = exp(b_i s) y_i, s the time into the step, and ``k`` holds du/dt (an
    integrating factor: Lawson 1967, *SIAM J. Numer. Anal.* 4:372-380)."""
    d = y.shape[0]
    n_st = tab.shape[0]
    o_b = layout(kr, d - kr)[6] + d + FLOW_SLOTS
    for s in range(1, n_st):
        stage = y_new if s == n_st - 1 else y_stage
        for i in range(d):
            acc = 0.0
            for j in range(s):
                acc += tab[s, j] * k[j, i]
            stage[i] = y[i] + h * acc
        if exact:  # u to y
            for i in range(d):
                b = par[o_b + i]
                stage[i] *= math.exp(-b * tab[s, COL_C] * h) if b > 0.0 else 1.0
        rates(t + tab[s, COL_C] * h, stage, k[s], par, kr, scratch, True)
        if exact:
            linear_rate(stage, k[s], par, o_b, tab[s, COL_C] * h)
    norm = 0.0
    for i in range(d):
        err = 0.0
        for j in range(n_st):
            err += tab[j, COL_E] * k[j, i]
        if exact and par[o_b + i] > 0.0:
            err *= math.exp(-par[o_b + i] * h)  # u's error as y's
        a, b = abs(y[i]), abs(y_new[i])
        sc = atol[i] + rtol * (b if b > a else a)  # no max(): it compiles slowly
        norm += (h * err / sc) ** 2
    return math.sqrt(norm / d)


def linear_rate(y: FloatArray, k: FloatArray, par: FloatArray, o_b: int, s: float) -> None:
    """dy/dt in ``k``, at (t, y) ``s`` days into a step, to :func:`dopri_step`'s du/dt."""
    for i in range(y.shape[0]):
        b = par[o_b + i]
        if b > 0.0:
            k[i] = (k[i] + b * y[i]) * math.exp(b * s)


def cross_time(
    k: FloatArray, y: FloatArray, par: FloatArray, o_w: int, lo: int, m: int, h: float,
    level: float, tab: FloatArray, o_b: int,
) -> float:  # fmt: skip
    """Smallest fraction theta in (0, 1] of the step at which the weighted strength of
    categories lo..lo+m falls to ``level`` on the dense output (1 if it never gets there):
    Newton's method safeguarded by bisection on [0, 1], on the quartic s0 + c0 theta + ...
    + c3 theta^4, or on :func:`dense_sum` where a category has exact non-combat losses."""
    c0 = c1 = c2 = c3 = 0.0
    exact = False
    for i in range(m):
        exact = exact or par[o_b + lo + i] > 0.0
        for j in range(tab.shape[0]):
            wk = h * k[j, lo + i] * par[o_w + i]
            c0 += wk * tab[j, COL_P]
            c1 += wk * tab[j, COL_P + 1]
            c2 += wk * tab[j, COL_P + 2]
            c3 += wk * tab[j, COL_P + 3]
    f_lo = side_sum(y, par, o_w, lo, m) - level
    if exact:
        f_hi = dense_sum(k, y, par, o_w, lo, m, h, 1.0, tab, o_b)[0] - level
    else:
        f_hi = f_lo + c0 + c1 + c2 + c3
    if f_hi > 0.0:
        return 1.0
    a, z = 0.0, 1.0
    th = f_lo / (f_lo - f_hi) if f_lo - f_hi > 0.0 else 1.0
    th = 0.0 if th < 0.0 else 1.0 if th > 1.0 else th
    for _ in range(ROOT_ITERATIONS):
        if exact:
            val, der = dense_sum(k, y, par, o_w, lo, m, h, th, tab, o_b)
            val -= level
        else:
            val = f_lo + th * (c0 + th * (c1 + th * (c2 + th * c3)))
            der = c0 + th * (2.0 * c1 + th * (3.0 * c2 + th * 4.0 * c3))
        a, z = (th, z) if val > 0.0 else (a, th)
        nt = th - val / der if der != 0.0 else -1.0
        nt = nt if a < nt < z else 0.5 * (a + z)
        if abs(nt - th) <= ROOT_TOLERANCE:
            return nt
        th = nt
    return th


def dense_point(
    k: FloatArray, y: FloatArray, h: float, th: float, tab: FloatArray, i: int
) -> tuple[float, float]:
    """Category i at ``th`` of the step on the dense output (unclipped; u where its
    non-combat losses are exact, :func:`dopri_step`) and its derivative in ``th``."""
    u = du = 0.0
    for j in range(tab.shape[0]):
        p1, p2, p3, p4 = tab[j, COL_P], tab[j, COL_P + 1], tab[j, COL_P + 2], tab[j, COL_P + 3]
        u += (((p4 * th + p3) * th + p2) * th + p1) * th * k[j, i]
        du += (((4.0 * p4 * th + 3.0 * p3) * th + 2.0 * p2) * th + p1) * k[j, i]
    return y[i] + h * u, h * du


def dense_sum(
    k: FloatArray, y: FloatArray, par: FloatArray, o_w: int, lo: int, m: int, h: float,
    th: float, tab: FloatArray, o_b: int,
) -> tuple[float, float]:  # fmt: skip
    """Weighted strength of lo..lo+m at ``th`` on the dense output (unclipped), d/d(th)."""
    val = der = 0.0
    for i in range(m):
        u, du = dense_point(k, y, h, th, tab, lo + i)
        b = par[o_b + lo + i]
        e = par[o_w + i] * (math.exp(-b * th * h) if b > 0.0 else 1.0)
        val, der = val + e * u, der + e * (du - b * h * u)
    return val, der


def dense_state(
    k: FloatArray, y: FloatArray, h: float, th: float, out: FloatArray, tab: FloatArray,
    par: FloatArray, o_b: int,
) -> None:  # fmt: skip
    """The state at ``th`` of the step (dense output; y from dopri_step's u), clipped at 0."""
    for i in range(y.shape[0]):
        v = dense_point(k, y, h, th, tab, i)[0]
        if par[o_b + i] > 0.0:
            v *= math.exp(-par[o_b + i] * th * h)
        out[i] = v if v > 0.0 else 0.0


def end_rule(
    out_r: bool, out_b: bool, bp_r: float, bp_b: float, y: FloatArray, kr: int
) -> tuple[int, int]:
    """Winner and end code when red (``out_r``) and/or blue reached their levels together;
    an annihilated loser's strength is set to 0 (a side at its breakpoint keeps its level).
    """
    winner = NONE if (out_r and out_b) else (BLUE if out_r else RED)
    code = ANNIHILATION
    for side in range(2):
        if not (out_r if side == 0 else out_b):
            continue
        if (bp_r if side == 0 else bp_b) > 0.0:
            code = BREAKPOINT
        else:
            for i in range(0 if side == 0 else kr, kr if side == 0 else y.shape[0]):
                y[i] = 0.0
    return winner, code

"""The deterministic engine: each run advanced to its end by adaptive Dormand-Prince steps.

Stops (arrivals, arrival-rate changes and ``t_max``) are shared by the batch and a run's
own multiplier knots are its own; no step crosses either, so piecewise inputs are
integrated to full order; the non-combat losses exactly (:func:`.kernel.dopri_step`).
The states at the output times, and the time a side reaches its level (the end rule of
:mod:`.result`) within a step, come from the step's dense output (fourth order).  The
scalar pieces are those of :mod:`.kernel`; :func:`run_chunk` is what gets compiled.
A level of 0 (``annihilation=0``) counts as reached only where the equations reach it in
finite time (:func:`unresolved`): never by a side whose losses are at least linear in its
own strength (``q >= 1``: the linear, logarithmic laws, the mixed law's red; it decays
exponentially, as the closed forms say); by any other side whose enemy is still above its
tolerance (Helmbold and power laws with ``q < 1`` flatten as (T - t)**(1/(1-q)) near 0 and
may spend whole steps within the tolerance before they cross); and not by a side that
begins and ends a step within its tolerance of 0 while the enemy ends it at 0 too, with
``p + q >= 1``: an exact draw fought to zero, both sides decaying together exponentially,
is undecided at t_max as in the closed form (it ended by annihilation at t = 2701.8, 1000
v 1000 at 0.01, with 1.8e-9 left).  An enemy within its tolerance but above 0 wins: Helmbold
w = 0.05, 1000 v 500 at 0.01, exactly red's on day 4,055 with 1.8e-9 left, was undecided
at t_max with blue at 0.  The time such a side reaches 0 is as sharp as
the time it spends within its tolerance of 0 (there a polynomial step cannot follow (T -
t)**(1/(1 - q))): its absolute tolerance is cut so that this is a tenth of ``rtol``
(:data:`.tableau.ZERO_TIME`; :meth:`.runs.RunTable.build`), 5e-7 of the time or better at
the default rtol against Helmbold's exact solution for w = 0.05 to 1, where before session
21 it was 1e-3 (median, w = 0.1 and 0.2), up to 0.6 at w = 0.05, and a winner left with
1e-37 (w = 0.02) was lost within its tolerance.  Its floor (``ZERO_ATOL``, 1e-300) binds
for q > 0.98, where the last (1e-300 / X0)**(1 - q) of the battle (1e-3 at w = 0.01) is below
it; since 5 December 2026 every such side's fall to 0 from 1e3 tolerances on is extrapolated in
X**(1 - q) (:func:`zero_cross`): 2.4e-6 of the time at w = 0.01, was 9e-4, and a loser
stuck at 5e-324 never ended ("stiff or degenerate"); the winner is read at that time
(:func:`.near_zero.remnant`), not where the step ended (6.6e-4 off at w = 0.01).
At t_max a side within its tolerance of a level above 0 (atol + rtol x the level) is out
there, as a closed form that reaches the level at t <= t_max says (ancient
100 v 50 at rates 1 and t_max 49.5 was undecided).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from forceratio.simulator.held import settle
from forceratio.simulator.kernel import (
    OK,
    STEP_TOO_SMALL,
    TOO_MANY_STEPS,
    cross_time,
    dense_state,
    dopri_step,
    end_rule,
    linear_rate,
    rates,
)
from forceratio.simulator.near_zero import remnant, zero_cross
from forceratio.simulator.packing import FLOW_SLOTS, layout, row, side_sum, store
from forceratio.simulator.result import NONE, T_MAX
from forceratio.simulator.tableau import (
    DRAW_FRACTION,
    ERROR_EXPONENT,
    EXACT_REACH,
    EXACT_RTOL,
    FIRST_STEP_FRACTION,
    GATE_BAND,
    GATE_RESOLVE,
    MAX_FACTOR,
    MIN_FACTOR,
    MIN_STEP,
    SAFETY,
    ZERO_BAND,
    ZERO_REACH,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def start_run(
    n: int, m: int, ptab: FloatArray, y0: FloatArray, times: FloatArray, traj: FloatArray,
    par: FloatArray, y: FloatArray,
) -> None:  # fmt: skip
    """Load scenario ``n``'s parameters (a row of :attr:`.runs.RunTable.par`) and initial
    state into ``par`` and ``y``; run ``m``'s trajectory gets it at the output times 0."""
    p = row(ptab.shape[0], n)
    for i in range(par.shape[0]):
        par[i] = ptab[p, i]
    for i in range(y.shape[0]):
        y[i] = y0[n, i]
    for ti in range(times.shape[0]):
        if times[ti] == 0.0:
            store(traj[m], ti, y)


def step_inputs(
    t: float, n: int, mult_r: FloatArray, mult_b: FloatArray,
    arr_knots_r: FloatArray, arr_knots_b: FloatArray,
    arr_rates_r: FloatArray, arr_rates_b: FloatArray, par: FloatArray, kr: int,
) -> float:  # fmt: skip
    """Put run ``n``'s multiplier pieces and arrival rates in force at ``t`` into ``par``;
    returns the run's next multiplier knot after ``t`` (inf if none)."""
    nxt = np.inf
    for side in range(2):
        m = mult_r[row(mult_r.shape[0], n)] if side == 0 else mult_b[row(mult_b.shape[0], n)]
        s = 0
        for i in range(1, m.shape[1]):
            if m[0, i] <= t:
                s = i
            else:
                nxt = m[0, i] if m[0, i] < nxt else nxt
                break
        par[6 + 3 * side], par[7 + 3 * side], par[8 + 3 * side] = m[1, s], m[2, s], m[0, s]
    o_inflow = layout(kr, arr_rates_b.shape[2])[6]
    for side in range(2):
        knots = arr_knots_r if side == 0 else arr_knots_b
        per_day = arr_rates_r if side == 0 else arr_rates_b
        lo, k = (0, kr) if side == 0 else (kr, per_day.shape[2])
        s = -1
        for i in range(knots.shape[0]):
            if knots[i] <= t:
                s = i
        inside = 0 <= s < knots.shape[0] - 1
        for i in range(k):
            par[o_inflow + lo + i] = per_day[row(per_day.shape[0], n), s, i] if inside else 0.0
    return nxt


def at_stop(
    sp: int, n: int, y: FloatArray, kr: int, imp_r: IntArray, imp_b: IntArray,
    amt_r: FloatArray, amt_b: FloatArray, whole: bool,
) -> None:  # fmt: skip
    """Scenario ``n``'s discrete arrivals at stop ``sp`` (after the outputs up to it; rounded
    to whole units when ``whole``)."""
    for side in range(2):
        j = imp_r[sp] if side == 0 else imp_b[sp]
        if j < 0:
            continue
        amt, lo = (amt_r, 0) if side == 0 else (amt_b, kr)
        a = row(amt.shape[0], n)
        for i in range(amt.shape[2]):
            y[lo + i] += np.rint(amt[a, j, i]) if whole else amt[a, j, i]


def finish(
    m: int, t: float, code: int, win: int, y: FloatArray, final: FloatArray,
    t_end: FloatArray, end_code: NDArray[np.int8], winner: NDArray[np.int8], traj: FloatArray,
    times: FloatArray,
) -> None:  # fmt: skip
    """Record run ``m``'s end: its final state, time, end code and winner, and the final
    state at every output time from ``t`` on."""
    store(final, m, y)
    t_end[m], end_code[m], winner[m] = t, code, win
    for ti in range(times.shape[0]):
        if times[ti] >= t:
            store(traj[m], ti, y)


def record(
    k: FloatArray, y: FloatArray, t: float, h: float, t_new: float, times: FloatArray, oi: int,
    traj: FloatArray, buf: FloatArray, tab: FloatArray, par: FloatArray, o_b: int,
) -> int:  # fmt: skip
    """Record a run's state at the output times ``times[oi:]`` up to ``t_new`` from the
    dense output of its step of length ``h`` from (t, y); returns the next time's index."""
    while oi < times.shape[0] and times[oi] <= t_new:
        dense_state(k, y, h, (times[oi] - t) / h, buf, tab, par, o_b)
        store(traj, oi, buf)
        oi += 1
    return oi


def unresolved(
    y: FloatArray, y_new: FloatArray, par: FloatArray, atol: FloatArray, s: int, kr: int,
    kb: int,
) -> bool:  # fmt: skip
    """Whether side ``s`` (0 red, 1 blue), its weighted strength at or below 0 at the end of
    a step from ``y`` to ``y_new``, has not reached a level of 0: its losses are at least
    linear in its own strength (``q >= 1``: it only decays), or it was within its absolute
    tolerance of 0 at both ends of the step while the enemy ends it at 0 too and the
    pair decays together no faster than exponentially (``p + q >= 1``: an exact draw).  A
    side under a living enemy's fire with ``q < 1`` reaches 0 in finite time, however
    flatly (Helmbold: (T - t)**(1/w)), so its crossing counts even within the tolerance,
    and so does one whose enemy ends the step within its own tolerance but above 0 (the
    engine's own path says the side lost: it was held at 0, undecided, beside a living
    enemy).  "Within" is :data:`.tableau.ZERO_BAND` tolerances: a draw's last step may
    overshoot 0 by a few."""
    p, q = par[2 * s], par[2 * s + 1]
    if q >= 1.0:
        return True
    o_w_r, o_w_b = layout(kr, kb)[2:4]
    o_w, lo, m = (o_w_r, 0, kr) if s == 0 else (o_w_b, kr, kb)
    o_e, lo_e, m_e = (o_w_b, kr, kb) if s == 0 else (o_w_r, 0, kr)
    tol = ZERO_BAND * side_sum(atol, par, o_w, lo, m)
    within = side_sum(y, par, o_w, lo, m) <= tol and side_sum(y_new, par, o_w, lo, m) >= -tol
    enemy_at_0 = side_sum(y_new, par, o_e, lo_e, m_e) <= 0.0
    return within and enemy_at_0 and p + q >= 1.0


def arriving(par: FloatArray, o_inflow: int, lo: int, m: int) -> bool:
    """Whether categories lo..lo+m have daily arrivals in force (par at ``o_inflow``)."""
    on = False  # (no any() over a generator in the kernels: numba)
    for i in range(lo, lo + m):
        on = on or par[o_inflow + i] > 0.0
    return on


def side_end(
    k: FloatArray, y: FloatArray, y_new: FloatArray, par: FloatArray, atol: FloatArray,
    s: int, kr: int, kb: int, hh: float, lev: float, band: float, lev_e: float, band_e: float,
    room: float, tab: FloatArray, o_b: int, t: float, spare: FloatArray, scratch: FloatArray,
) -> float:  # fmt: skip
    """The fraction of the step at which side ``s`` is out at its level ``lev`` (inf: not in
    this step): where its fall to 0 is extrapolated (``band`` > ``lev``, :func:`zero_cross`),
    up to ``room`` steps on (the step's stop); else where it crosses ``lev`` on the dense
    output, a level of 0 only where the equations reach it (:func:`unresolved`)."""
    o_w_r, o_w_b = layout(kr, kb)[2:4]
    o_w, lo, m = (o_w_r, 0, kr) if s == 0 else (o_w_b, kr, kb)
    x_new = side_sum(y_new, par, o_w, lo, m)
    if band > lev and x_new <= band:
        th = zero_cross(t, k, y, par, s, kr, kb, hh, band, band_e, lev_e, tab, o_b, spare,
                        scratch)  # fmt: skip
        if 0.0 <= th <= room:
            return th
    if not x_new <= lev:
        return math.inf
    if lev <= 0.0 and unresolved(y, y_new, par, atol, s, kr, kb):
        return math.inf
    return cross_time(k, y, par, o_w, lo, m, hh, lev, tab, o_b)


def gate_step(
    t: float, y: FloatArray, k0: FloatArray, par: FloatArray, kr: int, o: int, o_b: int
) -> float:  # fmt: skip
    """The longest step from (t, y) that resolves the capture flows' logistics (the switch
    at rho* and the gate at g, :func:`.kernel.flows`): a step may reach within
    :data:`GATE_BAND` widths of either's centre in ln rho, and there moves ln rho by at most
    :data:`GATE_RESOLVE` widths, ln rho's rate from the rates ``k0`` at (t, y) (du/dt where
    a non-combat loss is exact) and the multipliers' slopes.  The error estimate alone let a
    step of 2.1 days sweep through a gate of width 0.1 (ln rho falling by 3.2 in 3 days)
    with 2 units of 11,513 wrong, 3,000 times rtol: the stages sampled
    the gate's flanks only."""
    d = y.shape[0]
    o_w_r, o_w_b = layout(kr, d - kr)[2:4]
    m_r, m_b = par[6] + par[7] * (t - par[8]), par[9] + par[10] * (t - par[11])
    s_r, s_b = side_sum(y, par, o_w_r, 0, kr), side_sum(y, par, o_w_b, kr, d - kr)
    if s_r <= 0.0 or s_b <= 0.0 or m_r <= 0.0 or m_b <= 0.0:
        return np.inf
    ds_r = ds_b = 0.0  # the sides' weighted rates of change
    for i in range(d):
        v = k0[i] - par[o_b + i] * y[i] if par[o_b + i] > 0.0 else k0[i]
        if i < kr:
            ds_r += v * par[o_w_r + i]
        else:
            ds_b += v * par[o_w_b + i - kr]
    x = math.log((s_b * m_b) / (s_r * m_r))  # ln rho of red's capture; blue's is -x
    dx = ds_b / s_b + par[10] / m_b - ds_r / s_r - par[7] / m_r
    cap = np.inf
    for side in range(2):
        if par[o + 3 * side] <= 0.0 or dx == 0.0:
            continue
        z0, speed = (x, dx) if side == 0 else (-x, -dx)
        for j in range(2):
            gate = par[o + 8 + 2 * side]
            if j == 1 and gate <= 0.0:
                continue
            centre = par[o + 3 * side + 1] if j == 0 else math.log(gate)
            width = par[o + 3 * side + 2] if j == 0 else par[o + 9 + 2 * side]
            if width <= 0.0:
                continue
            z, v = z0 - centre, abs(speed)
            lim = GATE_RESOLVE * width / v
            if abs(z) > GATE_BAND * width:  # outside the band: free until it, if bound there
                lim = (abs(z) - GATE_BAND * width) / v + lim if z * speed < 0.0 else np.inf
            cap = lim if lim < cap else cap
    return cap


def run_chunk(
    lo: int, hi: int, par: FloatArray, work: FloatArray, t_max: float, rtol: float, max_steps: int,
    tab: FloatArray, y0: FloatArray, ptab: FloatArray, level: FloatArray,
    by_breakpoint: FloatArray, hold: FloatArray, atol: FloatArray, mult_r: FloatArray,
    mult_b: FloatArray, arr_knots_r: FloatArray, arr_knots_b: FloatArray, arr_rates_r: FloatArray,
    arr_rates_b: FloatArray, stops: FloatArray, imp_r: IntArray, imp_b: IntArray,
    amt_r: FloatArray, amt_b: FloatArray, times: FloatArray, final: FloatArray,
    t_end: FloatArray, end_code: NDArray[np.int8], winner: NDArray[np.int8], traj: FloatArray,
    status: NDArray[np.int8],
) -> None:  # fmt: skip
    """Run the battles ``lo..hi-1`` to their ends with the method in ``tab``
    (:data:`.tableau.STEP_TABLE`), in a chunk's own ``par`` and ``work`` arrays
    (:meth:`.runs.RunTable.work`); then the arguments of :class:`.runs.RunTable` and of
    :class:`.runs.KernelOutput`, in their order."""
    d = y0.shape[1]
    kr = arr_rates_r.shape[2]
    kb = d - kr
    _, _, o_w_r, o_w_b, _, _, o_inflow, n_par = layout(kr, kb)
    o_b = o_inflow + d + FLOW_SLOTS  # the non-combat loss rates (kernel.flows)
    k, y, y_new, y_stage, scratch = work[:-8], work[-8], work[-7], work[-6], work[-1]
    spare = work[-5:-1]  # four rows for near_zero.zero_cross
    n_stops = stops.shape[0]
    last = tab.shape[0] - 1
    for n in range(lo, hi):
        start_run(n, n, ptab, y0, times, traj, par, y)
        zero = 0.0  # the weighted strength the run resolves: its coarsest tolerance
        if arr_knots_r.shape[0] > 0 or arr_knots_b.shape[0] > 0:  # (kernel.from_zero: a
            for i in range(d):  # side held within it of 0, its daily arrivals in force)
                x = atol[n, i] * par[o_w_r + i]
                zero = x if x > zero else zero
        par[n_par - 1] = zero
        settle_r = 0.0 < par[1] <= 1.0 and arr_knots_r.shape[0] > 0  # (held.settle)
        settle_b = 0.0 < par[3] <= 1.0 and arr_knots_b.shape[0] > 0
        b_max = 0.0  # the fastest non-combat loss: they are integrated exactly (dopri_step)
        for i in range(d):
            b_max = par[o_b + i] if par[o_b + i] > b_max else b_max
        exact, h_cap = b_max > 0.0, EXACT_REACH / b_max if b_max > 0.0 else np.inf
        rtol_n = rtol * EXACT_RTOL if exact else rtol  # its dense output is less accurate
        capture = par[o_inflow + d] > 0.0 or par[o_inflow + d + 3] > 0.0
        lev_r, lev_b = level[n, 0], level[n, 1]
        hold_r, hold_b = hold[n, 0], hold[n, 1]  # not out before (arrivals still due)
        band_r = band_b = -np.inf  # where a side's fall to 0 is extrapolated (zero_cross)
        if lev_r == 0.0 and 0.0 < par[1] < 1.0:
            band_r = ZERO_REACH * side_sum(atol[n], par, o_w_r, 0, kr)
        if lev_b == 0.0 and 0.0 < par[3] < 1.0:
            band_b = ZERO_REACH * side_sum(atol[n], par, o_w_b, kr, kb)
        since = 0.0  # where the run's path was left (its end, or the start of a 0 jumped to)
        t = 0.0
        sp = 0
        oi = 0  # the next output time not recorded yet (those at 0: start_run's, the
        while oi < times.shape[0] and times[oi] <= 0.0:  # start before held.settle moves it)
            oi += 1
        h = -1.0  # not chosen yet
        nxt = np.inf
        steps = 0
        out_r = side_sum(y, par, o_w_r, 0, kr) <= lev_r and hold_r <= 0.0
        out_b = side_sum(y, par, o_w_b, kr, kb) <= lev_b and hold_b <= 0.0
        running = not (out_r or out_b)
        fresh = True  # the step's inputs and first stage need computing
        while running:
            if fresh:
                nxt = step_inputs(t, n, mult_r, mult_b, arr_knots_r, arr_knots_b, arr_rates_r,
                                  arr_rates_b, par, kr)  # fmt: skip
                rates(t, y, k[0], par, kr, scratch, True)
                linear_rate(y, k[0], par, o_b, 0.0)  # as du/dt (kernel.dopri_step; b 0: dy/dt)
                fresh = False
                if h < 0.0:  # first step: a fraction of the time a side takes to lose all
                    h = t_max  # (no min()/max() in the kernels: numba compiles them slowly)
                    for lo_s, m_s, o_w in ((0, kr, o_w_r), (kr, kb, o_w_b)):
                        rate = -side_sum(k[0], par, o_w, lo_s, m_s)
                        if rate > 0.0:  # (no division by 0: a warning in plain Python)
                            x = FIRST_STEP_FRACTION * (side_sum(y, par, o_w, lo_s, m_s) / rate)
                            h = x if x < h else h
            steps += 1
            t_stop = nxt if nxt < stops[sp] else stops[sp]
            gap = t_stop - t
            h = h if h < h_cap else h_cap
            if capture:  # steps that resolve the capture's logistics
                g = gate_step(t, y, k[0], par, kr, o_inflow + d, o_b)
                h = h if h < g else g
            reach = h >= gap
            hh = gap if reach else h
            if settle_r or settle_b:  # a side held at its balance over the step, or no more
                moved = settle_r and settle(t, hh, gap, y, par, kr, 0, zero, y_stage, scratch)
                if settle_b and settle(t, hh, gap, y, par, kr, 1, zero, y_stage, scratch):
                    moved = True
                if moved:
                    rates(t, y, k[0], par, kr, scratch, True)
                    linear_rate(y, k[0], par, o_b, 0.0)
            # the floor is on the step the error control asks for, not on hh: a step cut
            # short to land on a stop may be a sliver (h0 = t_max - 1 ulp leaves 1 ulp)
            if steps > max_steps or h <= MIN_STEP * t:
                status[n] = TOO_MANY_STEPS if steps > max_steps else STEP_TOO_SMALL
                break
            err = dopri_step(t, hh, y, k, y_new, y_stage, atol[n], rtol_n, par, kr, scratch, tab,
                             exact)  # fmt: skip
            if not err <= 1.0:  # (a NaN error is a rejection too)
                x = SAFETY * err**ERROR_EXPONENT
                h = hh * (x if x > MIN_FACTOR else MIN_FACTOR)
                continue
            x = MAX_FACTOR if err == 0.0 else SAFETY * err**ERROR_EXPONENT
            g = hh * (x if x < MAX_FACTOR else MAX_FACTOR)
            h_next = (g if g > h else h) if reach else g
            # a held side is not out within a step before its last arrival (a stop); a side
            # with daily arrivals in force may not reach 0 at all: no extrapolation there
            lr = lev_r if t >= hold_r else -np.inf
            lb = lev_b if t >= hold_b else -np.inf
            zr, zb = lr, lb  # the levels crossed here, or the bands where 0 is extrapolated
            if lr == 0.0 and band_r > 0.0 and not arriving(par, o_inflow, 0, kr):
                zr = band_r
            if lb == 0.0 and band_b > 0.0 and not arriving(par, o_inflow, kr, kb):
                zb = band_b
            th_r = th_b = np.inf  # (the hot path: one weighted sum a side, as before)
            if side_sum(y_new, par, o_w_r, 0, kr) <= zr:
                th_r = side_end(k, y, y_new, par, atol[n], 0, kr, kb, hh, lr, zr, lb, zb,
                                gap / hh, tab, o_b, t, spare, scratch)  # fmt: skip
            if side_sum(y_new, par, o_w_b, kr, kb) <= zb:
                th_b = side_end(k, y, y_new, par, atol[n], 1, kr, kb, hh, lb, zb, lr, zr,
                                gap / hh, tab, o_b, t, spare, scratch)  # fmt: skip
            if th_r < np.inf or th_b < np.inf:  # a side reached its level: at th steps on
                th = th_b if th_b < th_r else th_r
                draw = abs(th_r - th_b) <= DRAW_FRACTION
                out_r, out_b = th_r <= th_b or draw, th_b <= th_r or draw
                ts = th if th < 1.0 else 1.0  # the path is left at the step's end at most
                oi = record(k, y, t, hh, t + ts * hh, times, oi, traj[n], y_stage, tab, par, o_b)
                lost = 0 if th_r < th_b else 1  # beyond the step: its enemy's remnant there
                ratio = -1.0
                if th > 1.0 and not draw:
                    ratio = remnant(t, k, y, par, lost, kr, kb, hh, zr if lost == 0 else zb,
                                    tab, o_b, spare, scratch)  # fmt: skip
                dense_state(k, y, hh, ts, y, tab, par, o_b)  # in place: element by element
                if ratio >= 0.0:
                    lo_e, m_e = (kr, kb) if lost == 0 else (0, kr)
                    for i in range(lo_e, lo_e + m_e):
                        y[i] = spare[0, i] * ratio
                since = t + ts * hh
                t += th * hh
                break
            t_new = t_stop if reach else t + hh
            oi = record(k, y, t, hh, t_new, times, oi, traj[n], y_stage, tab, par, o_b)
            t = t_new
            for i in range(d):  # the last stage is the next first (as du/dt there)
                y[i] = y_new[i] if y_new[i] > 0.0 else 0.0
                k[0, i] = k[last, i]
                if exact and par[o_b + i] > 0.0:
                    k[0, i] *= math.exp(-par[o_b + i] * hh)
            h = h_next
            if not reach:
                continue
            fresh = True
            if t < stops[sp]:  # a corner of this run's multipliers: new pieces only
                continue
            # on a stop: outputs, discrete arrivals, new rates, next stop
            at_stop(sp, n, y, kr, imp_r, imp_b, amt_r, amt_b, False)
            sp += 1
            # a held side's last arrival is in: out now if at or below its level
            out_r = t == hold_r and side_sum(y, par, o_w_r, 0, kr) <= lev_r
            out_b = t == hold_b and side_sum(y, par, o_w_b, kr, kb) <= lev_b
            running = sp < n_stops and not (out_r or out_b)
            since = t
            if not (running or out_r or out_b):  # t_max: a side within its tolerance of a
                # level > 0 reached it by then (the closed forms' t <= t_max)
                x_r, x_b = side_sum(y, par, o_w_r, 0, kr), side_sum(y, par, o_w_b, kr, kb)
                tol_r = side_sum(atol[n], par, o_w_r, 0, kr) + rtol_n * lev_r
                tol_b = side_sum(atol[n], par, o_w_b, kr, kb) + rtol_n * lev_b
                out_r = lev_r > 0.0 and t >= hold_r and x_r <= lev_r + tol_r
                out_b = lev_b > 0.0 and t >= hold_b and x_b <= lev_b + tol_b
        if status[n] != OK:
            continue
        if out_r or out_b:
            win, code = end_rule(out_r, out_b, by_breakpoint[n, 0], by_breakpoint[n, 1], y, kr)
        else:
            win, code = NONE, T_MAX
        # the final state from where the path was left (an extrapolated 0: zero_cross)
        finish(n, since, code, win, y, final, t_end, end_code, winner, traj, times)
        t_end[n] = t

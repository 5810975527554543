"""The deterministic engine: each run advanced to its end by adaptive Dormand-Prince steps.

Stops (output times, arrivals, arrival-rate changes and ``t_max``) are shared by the batch
and a run's own multiplier knots are its own; no step crosses either, so piecewise inputs
are integrated to full order and trajectories are sampled exactly.  When a side's weighted
strength reaches its level (the end rule of :mod:`.result`) within a step, the crossing
is found on the step's dense output, so the end time is as accurate as the step.  The
scalar pieces are those of :mod:`.kernel`; :func:`run_chunk` is what gets compiled.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from forceratio.simulator.kernel import (
    OK,
    STEP_TOO_SMALL,
    TOO_MANY_STEPS,
    dense_sum,
    dopri_step,
    end_rule,
    locate,
    rhs,
    row,
    side_sum,
)
from forceratio.simulator.result import NONE, T_MAX
from forceratio.simulator.tableau import (
    DRAW_FRACTION,
    ERROR_EXPONENT,
    FIRST_STEP_FRACTION,
    MAX_FACTOR,
    MIN_FACTOR,
    MIN_STEP,
    SAFETY,
    P,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def step_inputs(
    t: float, n: int, mult_r: FloatArray, mult_b: FloatArray,
    arr_knots_r: FloatArray, arr_knots_b: FloatArray,
    arr_rates_r: FloatArray, arr_rates_b: FloatArray,
    kr: int, piece: FloatArray, inflow: FloatArray,
) -> float:  # fmt: skip
    """This step's multiplier pieces and arrival rates for run ``n`` at time ``t``; returns
    the run's next multiplier knot after ``t`` (inf if none)."""
    nxt = np.inf
    for side in range(2):
        m = mult_r[row(mult_r, n)] if side == 0 else mult_b[row(mult_b, n)]
        s = 0
        for i in range(1, m.shape[1]):
            if m[0, i] <= t:
                s = i
            elif m[0, i] < nxt:
                nxt = m[0, i]
                break
            else:
                break
        piece[3 * side] = m[1, s]
        piece[3 * side + 1] = m[2, s]
        piece[3 * side + 2] = m[0, s]
    for side in range(2):
        knots = arr_knots_r if side == 0 else arr_knots_b
        rates = arr_rates_r if side == 0 else arr_rates_b
        lo, k = (0, kr) if side == 0 else (kr, inflow.shape[0] - kr)
        s = -1
        for i in range(knots.shape[0]):
            if knots[i] <= t:
                s = i
        inside = 0 <= s < knots.shape[0] - 1
        for i in range(k):
            inflow[lo + i] = rates[row(rates, n), s, i] if inside else 0.0
    return nxt


def record_after(traj: FloatArray, times: FloatArray, n: int, t: float, y: FloatArray) -> None:
    """Hold the final state at every output time from ``t`` on."""
    for ti in range(times.shape[0]):
        if times[ti] >= t:
            for i in range(y.shape[0]):
                traj[n, ti, i] = y[i]


def run_chunk(
    lo: int, hi: int, t_max: float, rtol: float, max_steps: int,
    y0: FloatArray, kill_r: FloatArray, kill_b: FloatArray,
    alloc_r: FloatArray, alloc_b: FloatArray, w_r: FloatArray, w_b: FloatArray,
    exps: FloatArray, level: FloatArray, by_breakpoint: FloatArray, atol: FloatArray,
    mult_r: FloatArray, mult_b: FloatArray, arr_knots_r: FloatArray, arr_knots_b: FloatArray,
    arr_rates_r: FloatArray, arr_rates_b: FloatArray, stops: FloatArray,
    out_of_stop: IntArray, imp_r: IntArray, imp_b: IntArray,
    amt_r: FloatArray, amt_b: FloatArray, times: FloatArray,
    final: FloatArray, t_end: FloatArray, end_code: NDArray[np.int8],
    winner: NDArray[np.int8], traj: FloatArray, status: NDArray[np.int8],
) -> None:  # fmt: skip
    """Run the battles ``lo..hi-1`` (arguments: :class:`.runs.RunTable` then
    :class:`.runs.Outcome`, in their field order) to their ends."""
    d = y0.shape[1]
    kr = w_r.shape[1]
    kb = d - kr
    k = np.zeros((7, d))
    y = np.zeros(d)
    y_new = np.zeros(d)
    y_stage = np.zeros(d)
    inflow = np.zeros(d)
    piece = np.zeros(6)
    coef = np.zeros(4)
    scratch = np.zeros(max(kr, kb))
    n_stops = stops.shape[0]
    for n in range(lo, hi):
        for i in range(d):
            y[i] = y0[n, i]
        wr = w_r[row(w_r, n)]
        wb = w_b[row(w_b, n)]
        lev_r, lev_b = level[n, 0], level[n, 1]
        for ti in range(times.shape[0]):
            if times[ti] == 0.0:
                for i in range(d):
                    traj[n, ti, i] = y[i]
        out_r = side_sum(y, wr, 0, kr) <= lev_r
        out_b = side_sum(y, wb, kr, kb) <= lev_b
        if out_r or out_b:  # decided at the start
            win, code = end_rule(out_r, out_b, by_breakpoint[n, 0], by_breakpoint[n, 1], y, kr)
            final[n] = y
            t_end[n], end_code[n], winner[n] = 0.0, code, win
            record_after(traj, times, n, 0.0, y)
            continue
        t = 0.0
        sp = 0
        nxt = step_inputs(t, n, mult_r, mult_b, arr_knots_r, arr_knots_b, arr_rates_r,
                          arr_rates_b, kr, piece, inflow)  # fmt: skip
        rhs(t, y, k[0], n, kr, kill_r, kill_b, alloc_r, alloc_b, w_r, w_b, exps, piece,
            inflow, scratch)  # fmt: skip
        # first step: a fraction of the time either side would take to lose all it has
        rate_r = -side_sum(k[0], wr, 0, kr)
        rate_b = -side_sum(k[0], wb, kr, kb)
        tau = np.inf
        if rate_r > 0.0:
            tau = min(tau, side_sum(y, wr, 0, kr) / rate_r)
        if rate_b > 0.0:
            tau = min(tau, side_sum(y, wb, kr, kb) / rate_b)
        h = min(FIRST_STEP_FRACTION * tau, t_max)
        steps = 0
        while True:
            steps += 1
            if steps > max_steps:
                status[n] = TOO_MANY_STEPS
                break
            t_stop = stops[sp]
            kink = nxt < t_stop
            if kink:
                t_stop = nxt
            gap = t_stop - t
            reach = h >= gap
            hh = gap if reach else h
            if hh <= MIN_STEP * max(1.0, t):
                status[n] = STEP_TOO_SMALL
                break
            err = dopri_step(t, hh, y, k, y_new, y_stage, atol[n], rtol, n, kr, kill_r, kill_b,
                             alloc_r, alloc_b, w_r, w_b, exps, piece, inflow, scratch)  # fmt: skip
            if err > 1.0:
                h = hh * max(MIN_FACTOR, SAFETY * err**ERROR_EXPONENT)
                continue
            factor = MAX_FACTOR if err == 0.0 else min(MAX_FACTOR, SAFETY * err**ERROR_EXPONENT)
            h_next = max(h, hh * factor) if reach else hh * factor
            s_r = side_sum(y_new, wr, 0, kr)
            s_b = side_sum(y_new, wb, kr, kb)
            if s_r <= lev_r or s_b <= lev_b:
                th_r = np.inf
                th_b = np.inf
                if s_r <= lev_r:
                    th_r = locate(coef, dense_sum(k, y, wr, 0, kr, hh, coef), lev_r)
                if s_b <= lev_b:
                    th_b = locate(coef, dense_sum(k, y, wb, kr, kb, hh, coef), lev_b)
                th = min(th_r, th_b)
                draw = abs(th_r - th_b) <= DRAW_FRACTION
                p1, p2, p3, p4 = th, th * th, th**3, th**4
                for i in range(d):
                    acc = 0.0
                    for j in range(7):
                        acc += (P[j, 0] * p1 + P[j, 1] * p2 + P[j, 2] * p3 + P[j, 3] * p4) * k[j, i]
                    v = y[i] + hh * acc
                    y_new[i] = v if v > 0.0 else 0.0
                win, code = end_rule(th_r <= th_b or draw, th_b <= th_r or draw,
                                     by_breakpoint[n, 0], by_breakpoint[n, 1], y_new, kr)  # fmt: skip
                te = t + th * hh
                final[n] = y_new
                t_end[n], end_code[n], winner[n] = te, code, win
                record_after(traj, times, n, te, y_new)
                break
            t = t_stop if reach else t + hh
            for i in range(d):
                y[i] = y_new[i] if y_new[i] > 0.0 else 0.0
                k[0, i] = k[6, i]
            h = h_next
            if not reach:
                continue
            if kink:  # a corner of this run's multipliers: new pieces
                nxt = step_inputs(t, n, mult_r, mult_b, arr_knots_r, arr_knots_b, arr_rates_r,
                                  arr_rates_b, kr, piece, inflow)  # fmt: skip
                rhs(t, y, k[0], n, kr, kill_r, kill_b, alloc_r, alloc_b, w_r, w_b, exps, piece,
                    inflow, scratch)  # fmt: skip
                continue
            # on a stop: outputs, discrete arrivals, new rates, next stop
            o = out_of_stop[sp]
            if o >= 0:
                for i in range(d):
                    traj[n, o, i] = y[i]
            m = imp_r[sp]
            if m >= 0:
                for i in range(kr):
                    y[i] += amt_r[row(amt_r, n), m, i]
            m = imp_b[sp]
            if m >= 0:
                for i in range(kb):
                    y[kr + i] += amt_b[row(amt_b, n), m, i]
            sp += 1
            if sp >= n_stops:
                final[n] = y
                t_end[n], end_code[n], winner[n] = t, T_MAX, NONE
                record_after(traj, times, n, t, y)
                break
            nxt = step_inputs(t, n, mult_r, mult_b, arr_knots_r, arr_knots_b, arr_rates_r,
                              arr_rates_b, kr, piece, inflow)  # fmt: skip
            rhs(t, y, k[0], n, kr, kill_r, kill_b, alloc_r, alloc_b, w_r, w_b, exps, piece,
                inflow, scratch)  # fmt: skip
    return None


__all__ = ["OK", "run_chunk"]

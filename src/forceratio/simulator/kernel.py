"""A compiled twin of :mod:`.integrate` for large batches (numba, both cores).

The same Dormand-Prince 5(4) method, step-size control, stops, dense-output crossing search
and end rules as the numpy integrator, but each scenario is advanced through its whole
battle in registers by one compiled loop (``prange`` over scenarios), instead of ~40 array
passes per stage over the whole batch.  The numpy integrator stays the reference: the tests
hold the two to each other.  Used by :func:`forceratio.simulate` for batches of at least
:data:`MIN_BATCH` runs with proportional fire allocation when numba is installed;
compilation is cached on disk after the first call.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
MIN_BATCH = 20_000

#: numba is a dependency, but the numpy integrator does everything without it; it is
#: imported only when a compiled run is asked for (importing it costs a few tenths of a second)
AVAILABLE = importlib.util.find_spec("numba") is not None


def _fire(x: float, p: float) -> float:
    if p == 1.0:
        return x
    if x <= 0.0:
        return 0.0
    if p == 0.0:
        return 1.0
    return float(x**p)


def _losses(
    out: FloatArray,
    off: int,
    fire: FloatArray,
    kill: FloatArray,
    target: FloatArray,
    w: FloatArray,
    q: float,
    mult: float,
) -> None:
    """Loss rates of one side's categories into out[off:off+Kt] (proportional allocation)."""
    kf, kt = kill.shape[0], kill.shape[1]
    s = 0.0
    for j in range(kt):
        s += target[j] * w[j]
    for j in range(kt):
        inc = 0.0
        for f in range(kf):
            inc += fire[f] * kill[f, j]
        wt = target[j] * w[j]
        if kt == 1:
            val = inc * _fire(wt, q)
        elif q == 1.0:
            val = inc * wt
        else:
            share = wt / s if s > 0.0 else 0.0
            val = inc * share if q == 0.0 else inc * share * s**q
        out[off + j] = val * mult


def _rhs(
    t: float,
    y: FloatArray,
    out: FloatArray,
    kr: int,
    kill_r: FloatArray,
    kill_b: FloatArray,
    w_r: FloatArray,
    w_b: FloatArray,
    exps: FloatArray,
    mr: FloatArray,
    mb: FloatArray,
    qr: FloatArray,
    qb: FloatArray,
    fr: FloatArray,
    fb: FloatArray,
    yc: FloatArray,
) -> None:
    """dy/dt into out; mr/mb = (base, slope, start) of this step's multiplier piece."""
    d = y.shape[0]
    for i in range(d):
        yc[i] = y[i] if y[i] > 0.0 else 0.0
    kb = d - kr
    for i in range(kb):
        fb[i] = _fire(yc[kr + i], exps[0])
    for i in range(kr):
        fr[i] = _fire(yc[i], exps[2])
    m_b = mb[0] + mb[1] * (t - mb[2])
    m_r = mr[0] + mr[1] * (t - mr[2])
    _losses(out, 0, fb, kill_b, yc[:kr], w_r, exps[1], m_b)
    _losses(out, kr, fr, kill_r, yc[kr:], w_b, exps[3], m_r)
    for i in range(kr):
        out[i] = -out[i] + qr[i]
    for i in range(kb):
        out[kr + i] = -out[kr + i] + qb[i]


def _locate(c: FloatArray, s0: float, level: float) -> float:
    """Smallest theta in (0, 1] where s0 + sum c_m theta^(m+1) = level (as integrate._locate)."""
    f_lo = s0 - level
    f_hi = f_lo + c[0] + c[1] + c[2] + c[3]
    if f_hi > 0.0:
        return 1.0
    lo, hi = 0.0, 1.0
    th = f_lo / (f_lo - f_hi) if f_lo - f_hi > 0.0 else 1.0
    th = min(max(th, 0.0), 1.0)
    for _ in range(30):
        val = f_lo + th * (c[0] + th * (c[1] + th * (c[2] + th * c[3])))
        der = c[0] + th * (2.0 * c[1] + th * (3.0 * c[2] + th * 4.0 * c[3]))
        if val > 0.0:
            lo = th
        else:
            hi = th
        nt = th - val / der if der != 0.0 else np.nan
        if not np.isfinite(nt) or nt <= lo or nt >= hi:
            nt = 0.5 * (lo + hi)
        if abs(nt - th) <= 1e-15:
            return nt
        th = nt
    return th


def _segment(starts: FloatArray, t: float) -> int:
    """searchsorted(starts[1:], t, 'right')."""
    s = 0
    for i in range(1, starts.shape[0]):
        if starts[i] <= t:
            s = i
        else:
            break
    return s


def _step_inputs(
    t: float,
    n: int,
    mr_st: FloatArray,
    mr_base: FloatArray,
    mr_slope: FloatArray,
    mb_st: FloatArray,
    mb_base: FloatArray,
    mb_slope: FloatArray,
    qr_knots: FloatArray,
    qr_rates: FloatArray,
    qb_knots: FloatArray,
    qb_rates: FloatArray,
    mr: FloatArray,
    mb: FloatArray,
    qr: FloatArray,
    qb: FloatArray,
) -> None:
    s = _segment(mr_st[n], t)
    mr[0], mr[1], mr[2] = mr_base[n, s], mr_slope[n, s], mr_st[n, s]
    s = _segment(mb_st[n], t)
    mb[0], mb[1], mb[2] = mb_base[n, s], mb_slope[n, s], mb_st[n, s]
    _rates_at(t, n, qr_knots, qr_rates, qr)
    _rates_at(t, n, qb_knots, qb_rates, qb)


def _rates_at(t: float, n: int, knots: FloatArray, rates: FloatArray, q: FloatArray) -> None:
    """The constant arrival rates in force at t (0 outside the knots)."""
    for i in range(q.shape[0]):
        q[i] = 0.0
    nk = knots.shape[0]
    if nk >= 2:
        s = -1
        for i in range(nk):
            if knots[i] <= t:
                s = i
        if 0 <= s < nk - 1:
            for i in range(q.shape[0]):
                q[i] = rates[n, s, i]


def _run_all(
    y0: FloatArray,
    kr: int,
    kill_r: FloatArray,
    kill_b: FloatArray,
    w_r: FloatArray,
    w_b: FloatArray,
    exps: FloatArray,
    lev_r: FloatArray,
    lev_b: FloatArray,
    tol_r: FloatArray,
    tol_b: FloatArray,
    atol: FloatArray,
    alive: NDArray[np.bool_],
    stops: FloatArray,
    out_of_stop: NDArray[np.int64],
    imp_r: NDArray[np.int64],
    imp_b: NDArray[np.int64],
    amt_r: FloatArray,
    amt_b: FloatArray,
    mr_st: FloatArray,
    mr_base: FloatArray,
    mr_slope: FloatArray,
    mb_st: FloatArray,
    mb_base: FloatArray,
    mb_slope: FloatArray,
    qr_knots: FloatArray,
    qr_rates: FloatArray,
    qb_knots: FloatArray,
    qb_rates: FloatArray,
    t_max: float,
    rtol: float,
    max_steps: int,
    tab: FloatArray,
    traj: FloatArray,
    final: FloatArray,
    t_end: FloatArray,
    end_code: NDArray[np.int8],
    winner: NDArray[np.int8],
    failed: NDArray[np.bool_],
) -> None:
    """Advance every alive run to its end (prange over runs); fills the output arrays."""
    m_runs, d = y0.shape
    kb = d - kr
    nstops = stops.shape[0]
    ntimes = traj.shape[1]
    # tableau rows: C (6), A (6 x 5), B (6), E (7), P (7 x 4), times (T) packed in tab
    for n in prange(m_runs):
        if not alive[n]:
            continue
        y = y0[n].copy()
        k = np.zeros((7, d))
        ytmp = np.zeros(d)
        ynew = np.zeros(d)
        yc = np.zeros(d)
        fr = np.zeros(kr)
        fb = np.zeros(kb)
        mr = np.zeros(3)
        mb = np.zeros(3)
        qr = np.zeros(kr)
        qb = np.zeros(kb)
        coef = np.zeros(4)
        t = 0.0
        sp = 0
        _step_inputs(t, n, mr_st, mr_base, mr_slope, mb_st, mb_base, mb_slope,
                     qr_knots, qr_rates, qb_knots, qb_rates, mr, mb, qr, qb)  # fmt: skip
        _rhs(t, y, k[0], kr, kill_r[n], kill_b[n], w_r[n], w_b[n], exps, mr, mb, qr, qb,
             fr, fb, yc)  # fmt: skip
        rate_r = 0.0
        rate_b = 0.0
        s_r = 0.0
        s_b = 0.0
        for i in range(kr):
            rate_r -= k[0, i] * w_r[n, i]
            s_r += y[i] * w_r[n, i]
        for i in range(kb):
            rate_b -= k[0, kr + i] * w_b[n, i]
            s_b += y[kr + i] * w_b[n, i]
        tau = np.inf
        if rate_r > 0.0:
            tau = min(tau, s_r / rate_r)
        if rate_b > 0.0:
            tau = min(tau, s_b / rate_b)
        h = 0.02 * (tau if np.isfinite(tau) else t_max)
        h = min(max(h, 1e-9 * t_max), t_max)
        steps = 0
        done = False
        while not done:
            steps += 1
            if steps > max_steps:
                failed[n] = True
                break
            _step_inputs(t, n, mr_st, mr_base, mr_slope, mb_st, mb_base, mb_slope,
                         qr_knots, qr_rates, qb_knots, qb_rates, mr, mb, qr, qb)  # fmt: skip
            t_stop = stops[sp]
            # a knot of this scenario's own multipliers ends a step too, like a stop
            nk = np.inf
            for i in range(1, mr_st.shape[1]):
                if t < mr_st[n, i] < nk:
                    nk = mr_st[n, i]
            for i in range(1, mb_st.shape[1]):
                if t < mb_st[n, i] < nk:
                    nk = mb_st[n, i]
            kink = nk < t_stop
            if kink:
                t_stop = nk
            gap = t_stop - t
            land = h >= gap
            hh = gap if land else h
            for st in range(1, 6):
                for i in range(d):
                    acc = 0.0
                    for j in range(st):
                        acc += tab[6 + 5 * st + j] * k[j, i]
                    ytmp[i] = y[i] + hh * acc
                _rhs(t + tab[st] * hh, ytmp, k[st], kr, kill_r[n], kill_b[n], w_r[n], w_b[n],
                     exps, mr, mb, qr, qb, fr, fb, yc)  # fmt: skip
            for i in range(d):
                acc = 0.0
                for j in range(6):
                    acc += tab[36 + j] * k[j, i]
                ynew[i] = y[i] + hh * acc
            _rhs(t + hh, ynew, k[6], kr, kill_r[n], kill_b[n], w_r[n], w_b[n], exps,
                 mr, mb, qr, qb, fr, fb, yc)  # fmt: skip
            en = 0.0
            for i in range(d):
                err = 0.0
                for j in range(7):
                    err += tab[42 + j] * k[j, i]
                sc = atol[n] + rtol * max(abs(y[i]), abs(ynew[i]))
                en += (hh * err / sc) ** 2
            en = np.sqrt(en / d)
            tiny = hh <= 1e-13 * max(1.0, t)
            accept = en <= 1.0 or tiny
            factor = 10.0 if en == 0.0 else min(max(0.9 * en**-0.2, 0.2), 10.0)
            if accept:
                h_next = max(h, hh * factor) if land else hh * factor
            else:
                h_next = hh * min(factor, 0.9)
            if accept:
                s_r_new = 0.0
                s_b_new = 0.0
                for i in range(kr):
                    s_r_new += ynew[i] * w_r[n, i]
                for i in range(kb):
                    s_b_new += ynew[kr + i] * w_b[n, i]
                cr = s_r_new <= lev_r[n] + tol_r[n]
                cb = s_b_new <= lev_b[n] + tol_b[n]
                if cr or cb:
                    th_r = np.inf
                    th_b = np.inf
                    for side in range(2):
                        crossed = cr if side == 0 else cb
                        if not crossed:
                            continue
                        lo_i = 0 if side == 0 else kr
                        nk = kr if side == 0 else kb
                        s0 = 0.0
                        for c in range(4):
                            coef[c] = 0.0
                        for i in range(nk):
                            wgt = w_r[n, i] if side == 0 else w_b[n, i]
                            s0 += y[lo_i + i] * wgt
                            for j in range(7):
                                wk = k[j, lo_i + i] * wgt
                                for c in range(4):
                                    coef[c] += hh * wk * tab[49 + 4 * j + c]
                        lev = lev_r[n] if side == 0 else lev_b[n]
                        th = _locate(coef, s0, lev)
                        if side == 0:
                            th_r = th
                        else:
                            th_b = th
                    th = min(th_r, th_b)
                    draw = abs(th_r - th_b) <= 1e-9
                    red_first = (th_r < th_b) and not draw
                    pw = np.array([th, th * th, th**3, th**4])
                    for i in range(d):
                        acc = 0.0
                        for j in range(7):
                            qj = 0.0
                            for c in range(4):
                                qj += pw[c] * tab[49 + 4 * j + c]
                            acc += qj * k[j, i]
                        v = y[i] + hh * acc
                        ynew[i] = v if v > 0.0 else 0.0
                    if (red_first or draw) and lev_r[n] == 0.0:
                        for i in range(kr):
                            ynew[i] = 0.0
                    if ((not red_first) or draw) and lev_b[n] == 0.0:
                        for i in range(kb):
                            ynew[kr + i] = 0.0
                    win = 0 if draw else (-1 if red_first else 1)
                    loser_level = lev_r[n] if (red_first or draw) else lev_b[n]
                    te = t + th * hh
                    final[n] = ynew
                    t_end[n] = te
                    end_code[n] = 2 if loser_level > 0.0 else 1
                    winner[n] = win
                    for ti in range(ntimes):
                        if tab[77 + ti] >= te:
                            traj[n, ti] = ynew
                    done = True
                    break
                t = t_stop if land else t + hh
                for i in range(d):
                    y[i] = ynew[i] if ynew[i] > 0.0 else 0.0
                    k[0, i] = k[6, i]
                h = h_next
                if land and not kink:
                    o = out_of_stop[sp]
                    if o >= 0:
                        traj[n, o] = y
                    mi = imp_r[sp]
                    if mi >= 0:
                        for i in range(kr):
                            y[i] += amt_r[n, mi, i]
                    mi = imp_b[sp]
                    if mi >= 0:
                        for i in range(kb):
                            y[kr + i] += amt_b[n, mi, i]
                    sp += 1
                    if sp >= nstops:
                        final[n] = y
                        t_end[n] = t
                        end_code[n] = 0
                        winner[n] = 0
                        for ti in range(ntimes):
                            if tab[77 + ti] >= t:
                                traj[n, ti] = y
                        done = True
                        break
                    _step_inputs(
                        t, n, mr_st, mr_base, mr_slope, mb_st, mb_base, mb_slope,
                        qr_knots, qr_rates, qb_knots, qb_rates, mr, mb, qr, qb,
                    )  # fmt: skip
                    _rhs(t, y, k[0], kr, kill_r[n], kill_b[n], w_r[n], w_b[n], exps, mr, mb,
                         qr, qb, fr, fb, yc)  # fmt: skip
            else:
                h = h_next


_compiled: dict[str, Any] = {}


def prange(n: int) -> range:
    """Plain ``range`` until compiled; the compiled loop runs in parallel over scenarios."""
    return range(n)


def _get() -> Any:
    if "run" not in _compiled:
        import numba

        jit = numba.njit(cache=True, nogil=True)
        globals()["prange"] = numba.prange
        g = globals()
        for name in (
            "_fire", "_losses", "_rhs", "_locate", "_segment", "_rates_at", "_step_inputs"
        ):  # fmt: skip
            g[name] = jit(g[name])
        _compiled["run"] = numba.njit(_run_all, parallel=True, cache=True, nogil=True)
    return _compiled["run"]


def tableau(times: FloatArray) -> FloatArray:
    """C (6), A rows padded to 5 (6 x 5), B (6), E (7), P (7 x 4), then the output times."""
    from forceratio.simulator.integrate import _A, _B, _C, _E, _P

    a = np.zeros((6, 5))
    for i, row in enumerate(_A):
        a[i, : len(row)] = row
    return np.concatenate([_C, a.ravel(), _B, _E, _P.ravel(), np.asarray(times, dtype=float)])


def eligible(eng: Any) -> bool:
    """The compiled path covers proportional fire allocation (the default)."""
    return AVAILABLE and eng.red.allocation is None and eng.blue.allocation is None


def integrate_compiled(
    eng: Any, *, t_max: float, times: FloatArray, rtol: float = 1e-7, max_steps: int = 200_000
) -> Any:
    """Same contract as :func:`forceratio.simulator.integrate.integrate`."""
    from forceratio.errors import ForceratioError
    from forceratio.simulator.integrate import _Recorder, _Work, prepare

    if not eligible(eng):
        raise ForceratioError("the compiled integrator needs numba and proportional allocation")
    su = prepare(eng, t_max=t_max, times=times, rtol=rtol)
    rec = _Recorder(su)
    m, d = su.y0.shape
    w = _Work(
        orig=np.arange(m),
        t=np.zeros(m),
        h=np.zeros(m),
        y=su.y0.copy(),
        k1=np.zeros_like(su.y0),
        sp=np.zeros(m, dtype=np.int64),
        par=dict(su.par),
    )
    rec.finish_decided_at_start(w, su)
    alive = np.zeros(m, dtype=np.bool_)
    alive[w.orig] = True
    par = su.par
    kr, kb = su.kr, su.kb

    def mult(name: str, side: Any) -> tuple[FloatArray, FloatArray, FloatArray]:
        if side.multiplier is None:
            return np.zeros((m, 1)), np.ones((m, 1)), np.zeros((m, 1))
        if side.multiplier.per_scenario:
            starts = par[f"m{name}_starts"]
        else:
            shared, _, _ = side.multiplier.segments()
            starts = np.broadcast_to(shared, (m, shared.shape[0]))
        return (
            np.ascontiguousarray(starts, dtype=float),
            np.ascontiguousarray(par[f"m{name}_base"], dtype=float),
            np.ascontiguousarray(par[f"m{name}_slope"], dtype=float),
        )

    def rates(name: str, side: Any, k: int) -> tuple[FloatArray, FloatArray]:
        r = side.reinforcements
        if r is None or not r.rate_knots.size:
            return np.zeros(0), np.zeros((m, 0, k))
        return np.ascontiguousarray(r.rate_knots, dtype=float), np.ascontiguousarray(
            par[f"q{name}_rates"], dtype=float
        )

    mr = mult("r", eng.red)
    mb = mult("b", eng.blue)
    qr = rates("r", eng.red, kr)
    qb = rates("b", eng.blue, kb)
    amt_r = np.ascontiguousarray(par.get("imp_r", np.zeros((m, 0, kr))), dtype=float)
    amt_b = np.ascontiguousarray(par.get("imp_b", np.zeros((m, 0, kb))), dtype=float)
    e = eng.exps
    traj = rec.traj if rec.traj is not None else np.zeros((m, 0, d))
    failed = np.zeros(m, dtype=np.bool_)
    _get()(
        np.ascontiguousarray(su.y0, dtype=float), kr,
        np.ascontiguousarray(par["kill_r"], dtype=float),
        np.ascontiguousarray(par["kill_b"], dtype=float),
        np.ascontiguousarray(par["w_r"], dtype=float),
        np.ascontiguousarray(par["w_b"], dtype=float),
        np.array([e.red_p, e.red_q, e.blue_p, e.blue_q], dtype=float),
        np.ascontiguousarray(par["lev_r"], dtype=float),
        np.ascontiguousarray(par["lev_b"], dtype=float),
        np.ascontiguousarray(par["tol_r"], dtype=float),
        np.ascontiguousarray(par["tol_b"], dtype=float),
        np.ascontiguousarray(par["atol"], dtype=float).reshape(-1),
        alive, np.ascontiguousarray(su.stops, dtype=float),
        np.ascontiguousarray(su.out_of_stop), np.ascontiguousarray(su.imp_r),
        np.ascontiguousarray(su.imp_b), amt_r, amt_b,
        *mr, *mb, *qr, *qb,
        float(t_max), float(rtol), int(max_steps), tableau(su.times),
        traj, rec.final, rec.t_end, rec.end_code, rec.winner, failed,
    )  # fmt: skip
    if failed.any():
        raise ForceratioError(
            f"integrator: {int(failed.sum())} battles not finished after {max_steps} steps "
            "(a stiff or degenerate scenario?)"
        )
    return rec.result(eng, su, "compiled", np.zeros(m, dtype=np.int64))


def _square_battle(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray, t_max: float,
    t_end: FloatArray, rf: FloatArray, bf: FloatArray, duration: FloatArray,
    winner: NDArray[np.int8], code: NDArray[np.int8],
) -> int:  # fmt: skip
    """Validation and outcome in one pass: returns how many battles are not for the fast
    path (a zero, negative or non-finite input); the caller then takes the general path,
    which reports a bad value as an error."""
    misfits = 0
    for i in prange(R0.shape[0]):
        r0, b0, ai, bi = R0[i], B0[i], a[i], b[i]
        ok = (
            r0 > 0.0 and b0 > 0.0 and ai > 0.0 and bi > 0.0
            and r0 < np.inf and b0 < np.inf and ai < np.inf and bi < np.inf
        )  # fmt: skip
        if not ok:
            misfits += 1
            continue
        u = np.sqrt(ai) * r0
        v = np.sqrt(bi) * b0
        t = np.arctanh(min(u, v) / max(u, v)) / np.sqrt(ai * bi)
        diff = u * u - v * v
        rf[i] = np.sqrt(max(diff, 0.0) / ai)
        bf[i] = np.sqrt(max(-diff, 0.0) / bi)
        if t <= t_max:
            t_end[i] = t
            duration[i] = t
            code[i] = 1
            winner[i] = -1 if bf[i] > 0.0 else 1
        else:
            t_end[i] = t_max
            duration[i] = np.nan
            code[i] = 0
            winner[i] = 0
    return misfits


def square_battle(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray, t_max: float
) -> (
    tuple[FloatArray, FloatArray, FloatArray, FloatArray, NDArray[np.int8], NDArray[np.int8]] | None
):
    """The square law's fast path (:func:`.closed_form.square_to_annihilation`, the same
    formulas) for battles fought to annihilation with positive rates, compiled and parallel
    over scenarios: (t_end, red_final, blue_final, duration, winner, end code), with the
    inputs checked in the same pass; ``None`` when any battle needs the general path.
    Undecided battles (end code 0) get t_max and need their strengths at t_max from the
    caller."""
    if "battle" not in _compiled:
        _get()
        import numba

        _compiled["battle"] = numba.njit(
            _square_battle, parallel=True, cache=True, nogil=True, error_model="numpy"
        )
    n = R0.shape[0]
    t_end, rf, bf, dur = (np.empty(n) for _ in range(4))
    winner, code = np.empty(n, dtype=np.int8), np.empty(n, dtype=np.int8)
    misfits = _compiled["battle"](R0, B0, a, b, float(t_max), t_end, rf, bf, dur, winner, code)
    if misfits:
        return None
    return t_end, rf, bf, dur, winner, code

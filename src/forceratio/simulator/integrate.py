"""Batched adaptive integration of the attrition equations over N scenarios at once.

The method is the Dormand-Prince 5(4) pair (Dormand & Prince 1980, *J. Comput. Appl.
Math.* 6:19-26) with its quartic dense output (Shampine 1986, *Math. Comp.* 46:135-150),
run with a **separate step size per scenario**: one numpy operation advances every
unfinished scenario by its own step, so battles on very different time scales share a
call without the slowest dictating the step of the rest.

Stops (knots of multipliers, reinforcement times and rate changes, requested trajectory
times and ``t_max``) are common to the batch; no step crosses one, so piecewise inputs are
integrated to full order and trajectories are sampled exactly.  When a side's weighted
strength falls to its breakpoint level (or to zero) inside a step, the crossing is found
on the dense-output polynomial by a safeguarded Newton iteration, so the end time is as
accurate as the step itself.  Finished scenarios are dropped from the working set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from forceratio.errors import ForceratioError
from forceratio.simulator.engagement import Engagement, Side
from forceratio.simulator.result import (
    ANNIHILATION,
    BLUE,
    BREAKPOINT,
    NONE,
    RED,
    T_MAX,
    BattleResult,
)

FloatArray = NDArray[np.float64]

# Dormand & Prince (1980) tableau.
_C = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0])
_A = [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
]
_B = np.array([35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84])
# Difference between the 5th- and 4th-order weights, including the FSAL stage.
_E = np.array([-71 / 57600, 0.0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40])
# Shampine's (1986) dense-output coefficients: y(t+th) = y + h * sum_i K_i * (P_i . [th..th^4]).
_P = np.array(
    [
        [1, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432],
        [0, 0, 0, 0],
        [0, 131558114200 / 32700410799, -68118460800 / 10900136933, 87487479700 / 32700410799],
        [0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072],
        [0, 127303824393 / 49829197408, -318862633887 / 49829197408, 701980252875 / 199316789632],
        [0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844],
        [0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423],
    ]
)


def _fire_power(x: FloatArray, p: float) -> FloatArray:
    """``x**p`` with the convention that a side with nothing left fires nothing."""
    if p == 1.0:
        return x
    if p == 0.0:
        return (x > 0).astype(float)
    return np.asarray(x**p)


@dataclass
class _Work:
    """Arrays of the unfinished scenarios (compacted as scenarios finish)."""

    orig: NDArray[np.int64]
    t: FloatArray
    h: FloatArray
    y: FloatArray
    k1: FloatArray
    sp: NDArray[np.int64]
    par: dict[str, FloatArray]

    def keep(self, mask: NDArray[np.bool_]) -> None:
        self.orig = self.orig[mask]
        self.t = self.t[mask]
        self.h = self.h[mask]
        self.y = self.y[mask]
        self.k1 = self.k1[mask]
        self.sp = self.sp[mask]
        self.par = {k: v[mask] for k, v in self.par.items()}


class _Model:
    """The right-hand side of the attrition equations for one engagement."""

    def __init__(self, eng: Engagement) -> None:
        self.kr, self.kb = eng.red.k, eng.blue.k
        e = eng.exps
        self.red_p, self.red_q, self.blue_p, self.blue_q = e.red_p, e.red_q, e.blue_p, e.blue_q
        self.red_alloc = eng.red.allocation is not None
        self.blue_alloc = eng.blue.allocation is not None
        self.seg: dict[str, FloatArray] = {}
        self.mult_names: list[str] = []
        self.mult_starts: dict[str, FloatArray] = {}  # shared knots; per-run ones are in par
        self.rate_knots: dict[str, FloatArray] = {}
        for name, side in (("r", eng.red), ("b", eng.blue)):
            if side.multiplier is not None:
                self.mult_names.append(name)
                if not side.multiplier.per_scenario:
                    starts, _, _ = side.multiplier.segments()
                    self.mult_starts[name] = starts
            if side.reinforcements is not None and side.reinforcements.rate_knots.size:
                self.rate_knots[name] = side.reinforcements.rate_knots

    def begin_step(self, w: _Work) -> dict[str, FloatArray]:
        """Per-step constants: the multiplier's linear piece and the arrival rates, which
        cannot change inside a step because their knots are stops."""
        st: dict[str, FloatArray] = {}
        rows = np.arange(w.t.size)
        for name in self.mult_names:
            if name in self.mult_starts:
                starts = self.mult_starts[name]
                s = np.searchsorted(starts[1:], w.t, side="right")
                st[f"m{name}_t"] = starts[s]
            else:
                own = w.par[f"m{name}_starts"]
                s = (own[:, 1:] <= w.t[:, None]).sum(axis=1)
                st[f"m{name}_t"] = own[rows, s]
            st[f"m{name}_b"] = w.par[f"m{name}_base"][rows, s]
            st[f"m{name}_s"] = w.par[f"m{name}_slope"][rows, s]
        for name, knots in self.rate_knots.items():
            s = np.searchsorted(knots, w.t, side="right") - 1
            inside = (s >= 0) & (s < knots.size - 1)
            rates = w.par[f"q{name}_rates"][rows, np.clip(s, 0, knots.size - 2)]
            st[f"q{name}"] = np.where(inside[:, None], rates, 0.0)
        return st

    def _mult(self, name: str, t: FloatArray, st: dict[str, FloatArray]) -> FloatArray | None:
        if name not in self.mult_names:
            return None
        return st[f"m{name}_b"] + st[f"m{name}_s"] * (t - st[f"m{name}_t"])

    @staticmethod
    def _losses(
        fire: FloatArray,
        kill: FloatArray,
        target: FloatArray,
        weights: FloatArray,
        q: float,
        alloc: FloatArray | None,
    ) -> FloatArray:
        """Losses per target category (n, Kt) from firing strengths ``fire`` (n, Kf)."""
        kf, kt = kill.shape[1], kill.shape[2]
        wt = target * weights
        if alloc is not None:
            alive = (target > 0).astype(float)
            a = alloc * alive[:, None, :]
            tot = a.sum(axis=2, keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):
                a = np.where(tot > 0, a / tot, 0.0)
            incoming: FloatArray = np.einsum("nf,nft->nt", fire, kill * a)
            return incoming * _fire_power(wt, q)
        # one firing category: a broadcast product is much faster than einsum
        incoming = fire * kill[:, 0, :] if kf == 1 else np.einsum("nf,nft->nt", fire, kill)
        if kt == 1:
            return incoming * _fire_power(wt, q)
        S = wt.sum(axis=1, keepdims=True)
        if q == 1.0:
            return incoming * wt
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(S > 0, wt / S, 0.0)
        if q == 0.0:
            return incoming * share
        return np.asarray(incoming * share * S**q)

    def losses(
        self,
        t: FloatArray,
        y: FloatArray,
        par: dict[str, FloatArray],
        st: dict[str, FloatArray],
    ) -> FloatArray:
        """Loss rate of every category, shape (n, Kr + Kb), units per day (>= 0)."""
        kr = self.kr
        yc = np.maximum(y, 0.0)
        R, B = yc[:, :kr], yc[:, kr:]
        red_loss = self._losses(
            _fire_power(B, self.red_p),
            par["kill_b"],
            R,
            par["w_r"],
            self.red_q,
            par.get("alloc_b") if self.blue_alloc else None,
        )
        blue_loss = self._losses(
            _fire_power(R, self.blue_p),
            par["kill_r"],
            B,
            par["w_b"],
            self.blue_q,
            par.get("alloc_r") if self.red_alloc else None,
        )
        mb = self._mult("b", t, st)
        if mb is not None:
            red_loss = red_loss * mb[:, None]
        mr = self._mult("r", t, st)
        if mr is not None:
            blue_loss = blue_loss * mr[:, None]
        return np.concatenate([red_loss, blue_loss], axis=1)

    def arrivals(self, n: int, st: dict[str, FloatArray]) -> FloatArray | None:
        """Continuous arrival rates per category (n, Kr + Kb), or None if there are none."""
        if "qr" not in st and "qb" not in st:
            return None
        out = np.zeros((n, self.kr + self.kb))
        if "qr" in st:
            out[:, : self.kr] = st["qr"]
        if "qb" in st:
            out[:, self.kr :] = st["qb"]
        return out

    def rhs(
        self,
        t: FloatArray,
        y: FloatArray,
        par: dict[str, FloatArray],
        st: dict[str, FloatArray],
    ) -> FloatArray:
        out = -self.losses(t, y, par, st)
        arr = self.arrivals(y.shape[0], st)
        return out if arr is None else out + arr


def _subset(d: dict[str, FloatArray], sel: NDArray[np.int64]) -> dict[str, FloatArray]:
    return {k: v[sel] for k, v in d.items()}


def _locate(coef: FloatArray, s0: FloatArray, level: FloatArray) -> FloatArray:
    """Smallest theta in (0, 1] with s0 + sum_m coef[:, m] theta^(m+1) = level.

    Safeguarded Newton on the quartic, bracketed by [0, 1]; if the polynomial does not
    reach the level (only possible within the detection tolerance) theta = 1.
    """

    def f(th: FloatArray) -> tuple[FloatArray, FloatArray]:
        c0, c1, c2, c3 = coef[:, 0], coef[:, 1], coef[:, 2], coef[:, 3]
        val = s0 - level + th * (c0 + th * (c1 + th * (c2 + th * c3)))
        der = c0 + th * (2 * c1 + th * (3 * c2 + th * 4 * c3))
        return val, der

    lo = np.zeros_like(s0)
    hi = np.ones_like(s0)
    f_hi, _ = f(hi)
    f_lo = s0 - level
    reaches = f_hi <= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        th = np.where(f_lo - f_hi > 0, f_lo / (f_lo - f_hi), 1.0)
    th = np.clip(th, 0.0, 1.0)
    for _ in range(30):
        val, der = f(th)
        lo = np.where(val > 0, th, lo)
        hi = np.where(val <= 0, th, hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            nt = th - val / der
        bad = ~np.isfinite(nt) | (nt <= lo) | (nt >= hi)
        nt = np.where(bad, 0.5 * (lo + hi), nt)
        if np.all(np.abs(nt - th) <= 1e-15):
            th = nt
            break
        th = nt
    return np.where(reaches, th, 1.0)


def _impulse_table(
    side: Side, stops: FloatArray, t_max: float
) -> tuple[NDArray[np.int64], FloatArray]:
    """For each stop the index of the side's discrete arrival there (-1 if none)."""
    r = side.reinforcements
    idx = np.full(stops.size, -1, dtype=np.int64)
    if r is None or r.times.size == 0:
        return idx, np.zeros((1, 0, side.k))
    for m, tm in enumerate(r.times):
        if 0 < tm <= t_max:
            idx[np.searchsorted(stops, tm)] = m
    return idx, r.amounts


@dataclass
class Setup:
    """Everything a time-stepping engine needs, per *run* (a run is a scenario, or one
    replication of a scenario): the stops, the initial state, the levels at which each
    side quits and the parameter arrays (leading dimension = runs)."""

    stops: FloatArray
    out_of_stop: NDArray[np.int64]
    imp_r: NDArray[np.int64]
    imp_b: NDArray[np.int64]
    y0: FloatArray
    level_r: FloatArray
    level_b: FloatArray
    par: dict[str, FloatArray]
    times: FloatArray
    kr: int
    kb: int
    rows: NDArray[np.int64]


def prepare(
    eng: Engagement,
    *,
    t_max: float,
    times: FloatArray,
    rows: NDArray[np.int64] | None = None,
    rtol: float = 1e-7,
) -> Setup:
    """Build the per-run arrays; ``rows[m]`` is the scenario of run ``m`` (default: one
    run per scenario)."""
    red, blue = eng.red, eng.blue
    N, kr, kb = eng.n, red.k, blue.k
    rows = np.arange(N) if rows is None else rows

    pieces = [times, np.array([t_max])]
    for side in (red, blue):
        if side.multiplier is not None and not side.multiplier.per_scenario:
            pieces.append(side.multiplier.knots)
        if side.reinforcements is not None:
            pieces += [side.reinforcements.times, side.reinforcements.rate_knots]
    allstops = np.unique(np.concatenate(pieces))
    stops = allstops[(allstops > 0) & (allstops <= t_max)]
    out_of_stop = np.full(stops.size, -1, dtype=np.int64)
    for k, tk in enumerate(times):
        if 0 < tk <= t_max:
            out_of_stop[np.searchsorted(stops, tk)] = k
    imp_r, amt_r = _impulse_table(red, stops, t_max)
    imp_b, amt_b = _impulse_table(blue, stops, t_max)

    y0 = np.concatenate([red.strength, blue.strength], axis=1).astype(float)
    for sl, side in ((slice(0, kr), red), (slice(kr, kr + kb), blue)):
        r = side.reinforcements
        if r is not None and r.times.size and r.times[0] == 0.0:
            y0[:, sl] += np.broadcast_to(r.amounts[:, 0, :], (N, side.k))
    y0 = y0[rows]
    w_r, w_b = red.weights[rows], blue.weights[rows]
    s_r0 = (y0[:, :kr] * w_r).sum(axis=1)
    s_b0 = (y0[:, kr:] * w_b).sum(axis=1)
    level_r = red.breakpoint[rows] * s_r0
    level_b = blue.breakpoint[rows] * s_b0

    def per_run(a: FloatArray) -> FloatArray:
        return np.broadcast_to(a, (N, *a.shape[1:]))[rows]

    par: dict[str, FloatArray] = {
        "kill_r": red.kill_rates[rows],
        "kill_b": blue.kill_rates[rows],
        "w_r": w_r,
        "w_b": w_b,
        "lev_r": level_r,
        "lev_b": level_b,
        "tol_r": 1e-12 * s_r0,
        "tol_b": 1e-12 * s_b0,
        "atol": (rtol * 1e-3 * np.maximum(y0.max(axis=1), 1e-300))[:, None],
    }
    for name, side in (("r", red), ("b", blue)):
        if side.allocation is not None:
            par[f"alloc_{name}"] = per_run(side.allocation)
        if side.multiplier is not None:
            starts, base, slope = side.multiplier.segments()
            par[f"m{name}_base"] = per_run(base)
            par[f"m{name}_slope"] = per_run(slope)
            if side.multiplier.per_scenario:
                par[f"m{name}_starts"] = per_run(starts)
                own = per_run(np.broadcast_to(side.multiplier.knots, (N, starts.shape[1] - 1)))
                par["kinks"] = (
                    own if "kinks" not in par else np.concatenate([par["kinks"], own], axis=1)
                )
        reinf = side.reinforcements
        if reinf is not None and reinf.rate_knots.size:
            par[f"q{name}_rates"] = per_run(reinf.rates)
    if imp_r.max(initial=-1) >= 0:
        par["imp_r"] = per_run(amt_r)
    if imp_b.max(initial=-1) >= 0:
        par["imp_b"] = per_run(amt_b)
    return Setup(stops, out_of_stop, imp_r, imp_b, y0, level_r, level_b, par, times, kr, kb, rows)


class _Recorder:
    """Final states, end times and trajectories of all runs, filled as runs finish."""

    def __init__(self, su: Setup) -> None:
        M, D, T = su.y0.shape[0], su.kr + su.kb, su.times.size
        self.times = su.times
        self.traj = np.zeros((M, T, D)) if T else None
        if self.traj is not None:
            self.traj[:, su.times == 0.0, :] = su.y0[:, None, :]
        self.final = np.zeros((M, D))
        self.t_end = np.zeros(M)
        self.end_code = np.zeros(M, dtype=np.int8)
        self.winner = np.zeros(M, dtype=np.int8)

    def finish(
        self,
        w: _Work,
        mask: NDArray[np.bool_],
        y_end: FloatArray,
        t_e: FloatArray,
        code: NDArray[np.int8],
        win: NDArray[np.int8],
    ) -> None:
        o = w.orig[mask]
        self.final[o] = y_end
        self.t_end[o] = t_e
        self.end_code[o] = code
        self.winner[o] = win
        if self.traj is not None:
            later = self.times[None, :] >= t_e[:, None]
            self.traj[o] = np.where(later[:, :, None], y_end[:, None, :], self.traj[o])
        w.keep(~mask)

    def finish_t_max(self, w: _Work, mask: NDArray[np.bool_]) -> None:
        n = int(mask.sum())
        self.finish(
            w, mask, w.y[mask], w.t[mask], np.full(n, T_MAX, np.int8), np.full(n, NONE, np.int8)
        )

    def record(self, w: _Work, su: Setup, landed: NDArray[np.int64]) -> None:
        """Store the state of runs that just landed on a stop that is an output time."""
        if self.traj is None or landed.size == 0:
            return
        sp = w.sp[landed]
        ok = su.out_of_stop[sp] >= 0
        if ok.any():
            self.traj[w.orig[landed[ok]], su.out_of_stop[sp[ok]]] = w.y[landed[ok]]

    def finish_decided_at_start(self, w: _Work, su: Setup) -> None:
        """Runs in which a side starts at or below its level end at t = 0."""
        s_r = (w.y[:, : su.kr] * w.par["w_r"]).sum(axis=1)
        s_b = (w.y[:, su.kr :] * w.par["w_b"]).sum(axis=1)
        dead_r, dead_b = s_r <= w.par["lev_r"], s_b <= w.par["lev_b"]
        dead = dead_r | dead_b
        if not dead.any():
            return
        win = np.where(dead_r & dead_b, NONE, np.where(dead_r, BLUE, RED)).astype(np.int8)
        lev = np.where(dead_r, w.par["lev_r"], w.par["lev_b"])
        code = np.where(lev > 0, BREAKPOINT, ANNIHILATION).astype(np.int8)
        self.finish(w, dead, w.y[dead], np.zeros(int(dead.sum())), code[dead], win[dead])

    def result(
        self, eng: Engagement, su: Setup, method: str, replication: NDArray[np.int64]
    ) -> BattleResult:
        red, blue = eng.red, eng.blue
        kr, rows = su.kr, su.rows
        decided = self.end_code != T_MAX
        traj = self.traj
        return BattleResult(
            law=eng.law.name,
            method=method,
            winner_code=self.winner,
            end_code=self.end_code,
            duration=np.where(decided, self.t_end, np.nan),
            end_time=self.t_end,
            red_final_by_category=self.final[:, :kr],
            blue_final_by_category=self.final[:, kr:],
            red_initial=red.initial[rows],
            blue_initial=blue.initial[rows],
            red_weights=red.weights[rows],
            blue_weights=blue.weights[rows],
            times=su.times,
            red_trajectory=None if traj is None else traj[:, :, :kr],
            blue_trajectory=None if traj is None else traj[:, :, kr:],
            scenario=rows,
            replication=replication,
            red_categories=red.categories,
            blue_categories=blue.categories,
            red_arrived=_arrived(red, self.t_end, rows),
            blue_arrived=_arrived(blue, self.t_end, rows),
        )


def apply_landing(
    model: _Model, su: Setup, w: _Work, landed: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Record outputs, add discrete arrivals and advance the stop pointer of the runs
    that landed on a stop; returns the mask of runs that reached ``t_max``."""
    at_end = np.zeros(w.t.size, dtype=bool)
    if landed.size == 0:
        return at_end
    sp = w.sp[landed]
    for name, imp, sl in (("r", su.imp_r, slice(0, su.kr)), ("b", su.imp_b, slice(su.kr, None))):
        m = imp[sp]
        has = m >= 0
        if has.any():
            rws = landed[has]
            w.y[rws, sl] += w.par[f"imp_{name}"][rws, m[has]]
    w.sp[landed] += 1
    at_end[landed[w.sp[landed] >= su.stops.size]] = True
    return at_end


def sub_work(w: _Work, sel: NDArray[np.int64]) -> _Work:
    return _Work(
        orig=w.orig[sel],
        t=w.t[sel],
        h=w.h[sel],
        y=w.y[sel],
        k1=w.k1[sel],
        sp=w.sp[sel],
        par=_subset(w.par, sel),
    )


def integrate(
    eng: Engagement,
    *,
    t_max: float,
    times: FloatArray,
    rtol: float = 1e-7,
    max_steps: int = 200_000,
) -> BattleResult:
    """Integrate every battle of ``eng`` until it is decided or ``t_max`` days pass.

    Parameters
    ----------
    eng : Engagement
        The N battles.
    t_max : float
        Longest battle simulated (days).
    times : ndarray, shape (T,)
        Times (days, ascending, >= 0) at which to record the trajectory.
    rtol : float
        Relative tolerance of the step control (the absolute tolerance is ``rtol`` times
        1e-3 of each scenario's largest initial category strength).
    """
    su = prepare(eng, t_max=t_max, times=times, rtol=rtol)
    kr, kb = su.kr, su.kb
    model = _Model(eng)
    rec = _Recorder(su)
    N = su.y0.shape[0]
    w = _Work(
        orig=np.arange(N),
        t=np.zeros(N),
        h=np.zeros(N),
        y=su.y0.copy(),
        k1=np.zeros_like(su.y0),
        sp=np.zeros(N, dtype=np.int64),
        par=su.par,
    )
    rec.finish_decided_at_start(w, su)

    if w.t.size:
        w.k1 = model.rhs(w.t, w.y, w.par, model.begin_step(w))
        rate_r = -(w.k1[:, :kr] * w.par["w_r"]).sum(axis=1)
        rate_b = -(w.k1[:, kr:] * w.par["w_b"]).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = np.minimum(
                np.where(rate_r > 0, (w.y[:, :kr] * w.par["w_r"]).sum(axis=1) / rate_r, np.inf),
                np.where(rate_b > 0, (w.y[:, kr:] * w.par["w_b"]).sum(axis=1) / rate_b, np.inf),
            )
        w.h = np.clip(0.02 * np.where(np.isfinite(tau), tau, t_max), 1e-9 * t_max, t_max)

    steps = 0
    while w.t.size:
        steps += 1
        if steps > max_steps:
            raise ForceratioError(
                f"integrator: {w.t.size} battles not finished after {max_steps} steps "
                "(a stiff or degenerate scenario?)"
            )
        st = model.begin_step(w)
        t_stop = su.stops[w.sp]
        gap = t_stop - w.t
        # per-scenario knots (a multiplier's own corners) end a step too, like a stop
        kink = np.zeros(w.t.size, dtype=bool)
        if "kinks" in w.par:
            ks = w.par["kinks"]
            nk = np.where(ks > w.t[:, None], ks, np.inf).min(axis=1)
            kink = nk < t_stop
            gap = np.where(kink, nk - w.t, gap)
            t_stop = np.where(kink, nk, t_stop)
        reach = w.h >= gap  # the step ends on a stop or a knot
        land = reach & ~kink  # ... on a stop (outputs, arrivals, the stop pointer)
        h = np.where(reach, gap, w.h)
        hc = h[:, None]
        K = [w.k1]
        for i in range(1, 6):
            dy = _A[i][0] * K[0]
            for j in range(1, i):
                dy = dy + _A[i][j] * K[j]
            K.append(model.rhs(w.t + _C[i] * h, w.y + hc * dy, w.par, st))
        inc = _B[0] * K[0] + _B[2] * K[2] + _B[3] * K[3] + _B[4] * K[4] + _B[5] * K[5]
        y_new = w.y + hc * inc
        K.append(model.rhs(w.t + h, y_new, w.par, st))
        err = (
            _E[0] * K[0] + _E[2] * K[2] + _E[3] * K[3] + _E[4] * K[4] + _E[5] * K[5] + _E[6] * K[6]
        )
        scale = w.par["atol"] + rtol * np.maximum(np.abs(w.y), np.abs(y_new))
        en = np.sqrt(np.mean((hc * err / scale) ** 2, axis=1))
        tiny = h <= 1e-13 * np.maximum(1.0, w.t)
        accept = (en <= 1.0) | tiny
        with np.errstate(divide="ignore"):
            factor = np.clip(0.9 * en**-0.2, 0.2, 10.0)
        h_next = np.where(
            accept,
            np.where(reach, np.maximum(w.h, h * factor), h * factor),
            h * np.minimum(factor, 0.9),
        )

        s_r_new = (y_new[:, :kr] * w.par["w_r"]).sum(axis=1)
        s_b_new = (y_new[:, kr:] * w.par["w_b"]).sum(axis=1)
        cr = accept & (s_r_new <= w.par["lev_r"] + w.par["tol_r"])
        cb = accept & (s_b_new <= w.par["lev_b"] + w.par["tol_b"])
        cross = cr | cb

        adv = accept & ~cross
        w.t = np.where(adv, np.where(reach, t_stop, w.t + h), w.t)
        w.y = np.where(adv[:, None], np.maximum(y_new, 0.0), w.y)
        w.k1 = np.where(adv[:, None], K[6], w.k1)
        w.h = h_next

        if cross.any():
            ci = np.flatnonzero(cross)
            Kc = np.stack([k[ci] for k in K], axis=1)  # (c, 7, D)
            hci = h[ci]
            theta = {}
            for name, sl, crossed in (("r", slice(0, kr), cr), ("b", slice(kr, kr + kb), cb)):
                wk = np.einsum("csd,cd->cs", Kc[:, :, sl], w.par[f"w_{name}"][ci])
                coef = hci[:, None] * (wk @ _P)
                s0 = (w.y[ci, sl] * w.par[f"w_{name}"][ci]).sum(axis=1)
                th = _locate(coef, s0, w.par[f"lev_{name}"][ci])
                theta[name] = np.where(crossed[ci], th, np.inf)
            th_r, th_b = theta["r"], theta["b"]
            th = np.minimum(th_r, th_b)
            draw = np.abs(th_r - th_b) <= 1e-9
            red_first = (th_r < th_b) & ~draw
            Q = np.stack([th, th**2, th**3, th**4], axis=1) @ _P.T  # (c, 7)
            y_end = np.maximum(w.y[ci] + hci[:, None] * np.einsum("cs,csd->cd", Q, Kc), 0.0)
            lev_r, lev_b = w.par["lev_r"][ci], w.par["lev_b"][ci]
            zero_r = (red_first | draw) & (lev_r == 0)
            zero_b = (~red_first | draw) & (lev_b == 0)
            y_end[:, :kr] = np.where(zero_r[:, None], 0.0, y_end[:, :kr])
            y_end[:, kr:] = np.where(zero_b[:, None], 0.0, y_end[:, kr:])
            win = np.where(draw, NONE, np.where(red_first, BLUE, RED)).astype(np.int8)
            loser_level = np.where(red_first | draw, lev_r, lev_b)
            code = np.where(loser_level > 0, BREAKPOINT, ANNIHILATION).astype(np.int8)
            rec.finish(w, cross, y_end, w.t[ci] + th * hci, code, win)
            keep_idx = np.flatnonzero(~cross)
            adv, land = adv[keep_idx], land[keep_idx]

        landed = np.flatnonzero(adv & land)
        rec.record(w, su, landed)
        at_end = apply_landing(model, su, w, landed)
        # Arrivals and rate changes alter the derivative: refresh the FSAL stage.
        refresh = landed[~at_end[landed]]
        if refresh.size:
            sub = sub_work(w, refresh)
            w.k1[refresh] = model.rhs(sub.t, sub.y, sub.par, model.begin_step(sub))
        if at_end.any():
            rec.finish_t_max(w, at_end)

    return rec.result(eng, su, "integrator", np.zeros(N, dtype=np.int64))


def _arrived(side: Side, t_end: FloatArray, rows: NDArray[np.int64]) -> FloatArray | None:
    """Weighted arrivals up to each run's end, shape (M,)."""
    r = side.reinforcements
    if r is None:
        return None
    n = rows.size
    out = np.zeros(n)
    w = side.weights[rows]
    N = side.n
    if r.times.size:
        amt = np.broadcast_to(r.amounts, (N, *r.amounts.shape[1:]))[rows]
        got = r.times[None, :] <= t_end[:, None]
        out += np.einsum("nm,nmk,nk->n", got.astype(float), amt, w)
    if r.rate_knots.size:
        rates = np.broadcast_to(r.rates, (N, *r.rates.shape[1:]))[rows]
        lo, hi = r.rate_knots[:-1], r.rate_knots[1:]
        span = np.clip(np.minimum(hi[None, :], t_end[:, None]) - lo[None, :], 0.0, None)
        out += np.einsum("nl,nlk,nk->n", span, rates, w)
    return out

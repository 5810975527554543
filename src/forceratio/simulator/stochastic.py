"""Stochastic attrition: the continuous-time Markov chain of the same laws.

A side's category loses one unit at the rate the deterministic law gives for its loss
(Brown 1963; Taylor 1983, vol. 2; Washburn & Kress 2009, *Combat Modeling*, ch. 4), and
reinforcements arrive as unit events at their daily rate.  Two simulators, both
vectorised over replications:

* ``gillespie``: exact event-by-event simulation (Gillespie 1977, *J. Phys. Chem.*
  81:2340), one event per run per sweep.  Rates are frozen between events, so it is exact
  for constant and piecewise-constant multipliers and approximate where a multiplier
  changes linearly.
* ``tau_leap``: binomial tau-leaping (Chatterjee, Vlachos & Katsoulakis 2005, *J. Chem.
  Phys.* 122:024112): in a step of length tau each unit of category i is lost with
  probability ``1 - exp(-loss_i * tau / X_i)``, which can never drive a strength below
  zero; tau keeps each side's expected loss per step under ``epsilon`` of its strength.

Reproducibility: the runs of scenario ``s`` draw only from their own generator, seeded
from ``SeedSequence(seed, spawn_key=(keys[s],))``; the numbers therefore depend on the
seed and the scenario's key, not on which other scenarios share the call, so a sweep gives
the same numbers however it is chunked or distributed.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forceratio.errors import ForceratioError, InputError
from forceratio.simulator.engagement import Engagement
from forceratio.simulator.integrate import (
    Setup,
    _Model,
    _Recorder,
    _Work,
    apply_landing,
    prepare,
)
from forceratio.simulator.result import (
    ANNIHILATION,
    BLUE,
    BREAKPOINT,
    NONE,
    RED,
    BattleResult,
)

FloatArray = NDArray[np.float64]
StochasticMethod = Literal["auto", "gillespie", "tau_leap"]

#: Runs whose two sides together hold at most this many units use the exact simulator
#: under ``method="auto"``.
EXACT_LIMIT = 2_000


class _Streams:
    """One generator per scenario; draws for the active runs, group by group."""

    def __init__(self, seed: int, keys: NDArray[np.int64]) -> None:
        self.gens = [
            np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(int(k),))) for k in keys
        ]

    @staticmethod
    def _groups(scen: NDArray[np.int64]) -> list[tuple[int, int, int]]:
        if scen.size == 0:
            return []
        cut = np.flatnonzero(np.diff(scen)) + 1
        starts = np.concatenate([[0], cut])
        ends = np.concatenate([cut, [scen.size]])
        return [(int(scen[a]), int(a), int(b)) for a, b in zip(starts, ends, strict=True)]

    def random(self, scen: NDArray[np.int64], cols: int) -> FloatArray:
        out = np.empty((scen.size, cols))
        for s, a, b in self._groups(scen):
            out[a:b] = self.gens[s].random((b - a, cols))
        return out

    def binomial(self, scen: NDArray[np.int64], n: FloatArray, p: FloatArray) -> FloatArray:
        out = np.empty_like(p)
        ni = n.astype(np.int64)
        for s, a, b in self._groups(scen):
            out[a:b] = self.gens[s].binomial(ni[a:b], p[a:b])
        return out

    def poisson(self, scen: NDArray[np.int64], lam: FloatArray) -> FloatArray:
        out = np.empty_like(lam)
        for s, a, b in self._groups(scen):
            out[a:b] = self.gens[s].poisson(lam[a:b])
        return out


def _side_totals(w: _Work, y: FloatArray, kr: int) -> tuple[FloatArray, FloatArray]:
    return (y[:, :kr] * w.par["w_r"]).sum(axis=1), (y[:, kr:] * w.par["w_b"]).sum(axis=1)


def _finish_crossed(
    rec: _Recorder,
    w: _Work,
    y_end: FloatArray,
    frac_r: FloatArray,
    frac_b: FloatArray,
    t0: FloatArray,
    dt: FloatArray,
) -> NDArray[np.bool_]:
    """End the runs where a side reached its level during the last step.

    ``frac_*`` is the fraction of the step at which each side crossed (inf if it did not).
    Returns the mask of ended runs (relative to the arrays before compaction)."""
    ended = np.isfinite(frac_r) | np.isfinite(frac_b)
    if not ended.any():
        return ended
    fr, fb = frac_r[ended], frac_b[ended]
    draw = fr == fb
    red_first = (fr < fb) & ~draw
    win = np.where(draw, NONE, np.where(red_first, BLUE, RED)).astype(np.int8)
    lev = np.where(red_first | draw, w.par["lev_r"][ended], w.par["lev_b"][ended])
    code = np.where(lev > 0, BREAKPOINT, ANNIHILATION).astype(np.int8)
    t_e = t0[ended] + np.minimum(fr, fb) * dt[ended]
    rec.finish(w, ended, y_end[ended], t_e, code, win)
    return ended


def simulate_stochastic(
    eng: Engagement,
    *,
    replications: int,
    seed: int,
    t_max: float,
    times: FloatArray,
    keys: ArrayLike | None = None,
    method: StochasticMethod = "auto",
    epsilon: float = 0.01,
    max_iterations: int = 5_000_000,
) -> BattleResult:
    """Run ``replications`` stochastic battles for each of the N scenarios of ``eng``.

    Strengths are rounded to whole units.  Returns N * replications runs, scenario-major
    (``result.scenario`` and ``result.replication`` say which is which).

    Parameters
    ----------
    keys : array of int, shape (N,), optional
        Stable identifiers of the scenarios for their random streams (default
        ``0..N-1``).  Give global sample numbers when a sweep is split into chunks.
    epsilon : float
        Tau-leaping accuracy: the expected loss per step as a fraction of a side.
    """
    if not isinstance(replications, int | np.integer) or replications < 1:
        raise InputError("replications", f"must be a whole number >= 1, got {replications}")
    if not 0 < epsilon <= 0.2:
        raise InputError("epsilon", f"must be in (0, 0.2], got {epsilon}")
    if method not in ("auto", "gillespie", "tau_leap"):
        raise InputError("method", f"unknown stochastic method {method!r}")
    N = eng.n
    key_arr = np.arange(N, dtype=np.int64) if keys is None else np.asarray(keys, dtype=np.int64)
    if key_arr.shape != (N,) or np.any(key_arr < 0):
        raise InputError("keys", f"need {N} non-negative integer keys")
    rows = np.repeat(np.arange(N), replications)
    rep = np.tile(np.arange(replications, dtype=np.int64), N)
    su = prepare(eng, t_max=t_max, times=times, rows=rows)
    su.y0 = np.rint(su.y0)
    s_r0 = (su.y0[:, : su.kr] * su.par["w_r"]).sum(axis=1)
    s_b0 = (su.y0[:, su.kr :] * su.par["w_b"]).sum(axis=1)
    su.par["lev_r"] = eng.red.breakpoint[rows] * s_r0
    su.par["lev_b"] = eng.blue.breakpoint[rows] * s_b0
    if method == "auto":
        method = "gillespie" if su.y0.sum(axis=1).max(initial=0.0) <= EXACT_LIMIT else "tau_leap"
    streams = _Streams(seed, key_arr)
    model = _Model(eng)
    rec = _Recorder(su)
    M = rows.size
    w = _Work(
        orig=np.arange(M),
        t=np.zeros(M),
        h=np.zeros(M),
        y=su.y0.copy(),
        k1=np.zeros((M, 0)),
        sp=np.zeros(M, dtype=np.int64),
        par=dict(su.par, scen=rows.astype(float)),
    )
    rec.finish_decided_at_start(w, su)
    step = _gillespie_step if method == "gillespie" else _tau_step
    it = 0
    while w.t.size:
        it += 1
        if it > max_iterations:
            raise ForceratioError(
                f"stochastic engine: not finished after {max_iterations} iterations"
            )
        step(model, su, rec, w, streams, epsilon)
    return rec.result(eng, su, method, rep)


def _rates(model: _Model, w: _Work) -> tuple[FloatArray, FloatArray | None]:
    st = model.begin_step(w)
    loss = model.losses(w.t, w.y, w.par, st)
    loss = np.where(w.y > 0, loss, 0.0)
    return loss, model.arrivals(w.t.size, st)


def _land(model: _Model, su: Setup, rec: _Recorder, w: _Work, landed: NDArray[np.int64]) -> None:
    rec.record(w, su, landed)
    at_end = apply_landing(model, su, w, landed)
    if at_end.any():
        rec.finish_t_max(w, at_end)


def _gillespie_step(
    model: _Model, su: Setup, rec: _Recorder, w: _Work, streams: _Streams, epsilon: float
) -> None:
    loss, arr = _rates(model, w)
    rates = loss if arr is None else np.concatenate([loss, arr], axis=1)
    lam = rates.sum(axis=1)
    scen = w.par["scen"].astype(np.int64)
    u = streams.random(scen, 2)
    with np.errstate(divide="ignore"):
        tau = np.where(lam > 0, -np.log1p(-u[:, 0]) / lam, np.inf)
    t_stop = su.stops[w.sp]
    event = w.t + tau < t_stop
    ev = np.flatnonzero(event)
    if ev.size:
        cum = np.cumsum(rates[ev], axis=1)
        pick = (cum < (u[ev, 1] * lam[ev])[:, None]).sum(axis=1)
        pick = np.minimum(pick, rates.shape[1] - 1)
        D = w.y.shape[1]
        y_new = w.y.copy()
        is_loss = pick < D
        y_new[ev[is_loss], pick[is_loss]] -= 1.0
        y_new[ev[~is_loss], pick[~is_loss] - D] += 1.0
        w.y = y_new
        w.t = np.where(event, w.t + tau, w.t)
    kr = su.kr
    s_r, s_b = _side_totals(w, w.y, kr)
    hit_r = event & (s_r <= w.par["lev_r"])
    hit_b = event & (s_b <= w.par["lev_b"])
    zero = np.zeros(w.t.size)
    ended = _finish_crossed(
        rec, w, w.y, np.where(hit_r, 0.0, np.inf), np.where(hit_b, 0.0, np.inf), w.t, zero
    )
    event = event[~ended]
    t_stop = su.stops[w.sp]
    landed = np.flatnonzero(~event)
    w.t[landed] = t_stop[landed]
    _land(model, su, rec, w, landed)


def _tau_step(
    model: _Model, su: Setup, rec: _Recorder, w: _Work, streams: _Streams, epsilon: float
) -> None:
    kr = su.kr
    loss, arr = _rates(model, w)
    s_r, s_b = _side_totals(w, w.y, kr)
    lr = (loss[:, :kr] * w.par["w_r"]).sum(axis=1)
    lb = (loss[:, kr:] * w.par["w_b"]).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = epsilon * np.minimum(
            np.where(lr > 0, s_r / lr, np.inf), np.where(lb > 0, s_b / lb, np.inf)
        )
    t_stop = su.stops[w.sp]
    gap = t_stop - w.t
    land = tau >= gap
    tau = np.where(land, gap, tau)
    scen = w.par["scen"].astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(w.y > 0, loss / w.y, 0.0)
    p = -np.expm1(-hazard * tau[:, None])
    lost = streams.binomial(scen, w.y, np.clip(p, 0.0, 1.0))
    y_new = w.y - lost
    if arr is not None:
        y_new = y_new + streams.poisson(scen, arr * tau[:, None])
    s_r1, s_b1 = _side_totals(w, y_new, kr)
    lev_r, lev_b = w.par["lev_r"], w.par["lev_b"]
    with np.errstate(divide="ignore", invalid="ignore"):
        fr = np.where(s_r1 <= lev_r, (s_r - lev_r) / (s_r - s_r1), np.inf)
        fb = np.where(s_b1 <= lev_b, (s_b - lev_b) / (s_b - s_b1), np.inf)
    fr = np.where(np.isnan(fr), 0.0, fr)
    fb = np.where(np.isnan(fb), 0.0, fb)
    t0 = w.t
    w.y = y_new
    w.t = t0 + tau
    ended = _finish_crossed(rec, w, y_new, fr, fb, t0, tau)
    land = land[~ended]
    landed = np.flatnonzero(land)
    w.t[landed] = su.stops[w.sp[landed]]
    _land(model, su, rec, w, landed)

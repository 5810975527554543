"""The per-run inputs of the compiled engine as one typed table, and its outcome arrays.

:class:`RunTable` turns an :class:`~.engagement.Engagement` into plain float64/int64 arrays
with a leading dimension over scenarios (or 1 when shared by the whole batch, so that
shared inputs are not copied N times), in the fixed order :meth:`RunTable.arrays` hands
to the kernels.  :class:`KernelOutput` holds what the kernels fill in, and builds the
:class:`~.result.BattleResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from forceratio.simulator import tableau
from forceratio.simulator.engagement import Engagement, Side
from forceratio.simulator.packing import FLOW_SLOTS, layout
from forceratio.simulator.result import T_MAX, BattleResult
from forceratio.simulator.schedules import transit_point, transit_window

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _c(a: object, ndim: int) -> FloatArray:
    out = np.ascontiguousarray(a, dtype=np.float64)
    if not out.flags.writeable:  # a read-only array would be another compiled variant
        out = out.copy()
    if out.ndim != ndim:
        raise ValueError(f"internal: expected {ndim} dimensions, got shape {out.shape}")
    return out


def _shared(a: FloatArray, n: int) -> FloatArray:
    """``a`` with its leading dimension kept at 1 when it is the same for every run."""
    a = np.asarray(a, dtype=np.float64)
    if a.shape[0] == n:
        return a
    return a[:1]


def _multiplier_table(side: Side, n: int) -> FloatArray:
    """(N or 1, 3, S): segment starts, base values and slopes of the side's multiplier; a
    multiplier of 1 when it has none.  Segment s covers [starts[s], starts[s+1])."""
    m = side.multiplier
    if m is None:
        return np.array([[[0.0], [1.0], [0.0]]])
    starts, base, slope = m.segments()
    rows = max(base.shape[0], starts.shape[0] if starts.ndim == 2 else 1)
    starts2 = np.broadcast_to(starts, (rows, starts.shape[-1]))
    return np.stack(
        [starts2, np.broadcast_to(base, starts2.shape), np.broadcast_to(slope, starts2.shape)],
        axis=1,
    )


@dataclass(frozen=True)
class RunTable:
    """Every input of N deterministic runs, as the kernels read them.  Arrays whose first
    dimension is 1 are shared by all runs; D = Kr + Kb is the length of the state (red's
    categories, then blue's).

    * ``y0`` (N, D): initial strength per category, after arrivals at t = 0.
    * ``par`` (N or 1, P): each run's parameters in the kernels' layout
      (:func:`.kernel.layout`): the law's exponents red_p, red_q, blue_p, blue_q, the
      fixed-allocation flags, six slots for a step's multiplier pieces, the kill rates per
      unit and day (``Side.kill_rates``, red's Kr x Kb then blue's Kb x Kr), the category
      weights, the fixed allocations (zeros under proportional fire), Kr + Kb slots for the
      arrival rates in force, the operational flows (:func:`.kernel.flows`; zeros when
      there are none) and one slot the run sets (:func:`.kernel.from_zero`'s ``zero``).
    * ``level`` (N, 2): weighted strength at which red (column 0) and blue (1) are out;
      ``by_breakpoint`` (N, 2): 1 where that is the side's breakpoint, 0 where it is its
      annihilation level; ``hold`` (N, 2): the day before which the side cannot be out (0
      but for a side that starts at or below its annihilation level with arrivals still
      due: the day of its last arrival, :func:`hold_until`); ``atol`` (N, D): absolute
      tolerance per category.
    * ``mult_r``, ``mult_b`` (N or 1, 3, S): multiplier segments (starts, base, slope).
    * ``arr_knots_r``, ``arr_knots_b`` (L+1,): boundaries of the constant arrival-rate
      intervals (days; may be empty); ``arr_rates_r``, ``arr_rates_b`` (N or 1, L, K):
      arrivals per day in each.
    * ``stops`` (P,): times (days) no step crosses: arrivals, rate changes and t_max
      (last), not the output times (read off each run's path); ``imp_r``, ``imp_b`` (P,)
      int: index of the discrete arrival at each, or -1.
    * ``amt_r``, ``amt_b`` (N or 1, M, K): strength arriving with each discrete arrival;
      ``times`` (T,): output times (days).
    """

    y0: FloatArray
    par: FloatArray
    level: FloatArray
    by_breakpoint: FloatArray
    hold: FloatArray
    atol: FloatArray
    mult_r: FloatArray
    mult_b: FloatArray
    arr_knots_r: FloatArray
    arr_knots_b: FloatArray
    arr_rates_r: FloatArray
    arr_rates_b: FloatArray
    stops: FloatArray
    imp_r: IntArray
    imp_b: IntArray
    amt_r: FloatArray
    amt_b: FloatArray
    times: FloatArray

    @property
    def n(self) -> int:
        return int(self.y0.shape[0])

    def work(self) -> tuple[tuple[int, ...], ...]:
        """Shapes of the arrays a chunk of runs works in (the compiled code allocates
        nothing): a run's parameters, and its stages (one row each) followed by eight
        states (y, y_new, y_stage, four rows of :func:`.near_zero.zero_cross`, scratch)."""
        return (self.par.shape[1],), (tableau.STEP_TABLE.shape[0] + 8, self.y0.shape[1])

    def arrays(self) -> tuple[np.ndarray, ...]:
        """The fields in declaration order, as the kernels take them."""
        return tuple(getattr(self, f.name) for f in fields(self))

    @classmethod
    def build(
        cls, eng: Engagement, *, t_max: float, times: FloatArray, rtol: float = 1e-7,
        whole_units: bool = False,
    ) -> RunTable:  # fmt: skip
        """The table of ``eng``'s runs; ``whole_units`` rounds the initial strengths (the
        stochastic engine's units) before the levels are set from them."""
        red, blue = eng.red, eng.blue
        n, kr, kb = eng.n, red.k, blue.k
        pieces = [np.array([t_max])]
        for side in (red, blue):
            if side.reinforcements is not None:
                pieces += [side.reinforcements.times, side.reinforcements.rate_knots]
        allstops = np.unique(np.concatenate(pieces))
        stops = allstops[(allstops > 0) & (allstops <= t_max)]
        y0 = np.concatenate([red.strength, blue.strength], axis=1).astype(float)
        imp: list[IntArray] = []
        amt: list[FloatArray] = []
        knots: list[FloatArray] = []
        rates: list[FloatArray] = []
        for sl, side in ((slice(0, kr), red), (slice(kr, kr + kb), blue)):
            r = side.reinforcements
            idx = np.full(stops.size, -1, dtype=np.int64)
            if r is not None and r.times.size:
                if r.times[0] == 0.0:
                    y0[:, sl] += np.broadcast_to(r.amounts[:, 0, :], (n, side.k))
                for m, tm in enumerate(r.times):
                    if 0 < tm <= t_max:
                        idx[np.searchsorted(stops, tm)] = m
                # exposed in transit: what arrives on day t is exp(-k t) of what was due
                fade = np.exp(-r.transit_loss[:, None, None] * r.times[None, :, None])
                amt.append(_shared(r.amounts * fade if r.exposed else r.amounts, n))
            else:
                amt.append(np.zeros((1, 0, side.k)))
            imp.append(idx)
            if r is not None and r.rate_knots.size:
                knots.append(r.rate_knots)
                rates.append(_shared(r.rates, n))
            else:
                knots.append(np.zeros(0))
                rates.append(np.zeros((1, 0, side.k)))
        if whole_units:
            y0 = np.rint(y0)
        s_r0 = (y0[:, :kr] * red.weights).sum(axis=1)
        s_b0 = (y0[:, kr:] * blue.weights).sum(axis=1)
        hold = np.stack([hold_until(red, s_r0), hold_until(blue, s_b0)], axis=1)
        # a side held until its arrivals are in: its breakpoint against what it had, what
        # came in by then and what was lost on the way (ASSUMPTION, :func:`hold_until`)
        ref_r, ref_b = (reference(side, s0, h) for side, s0, h in
                        ((red, s_r0, hold[:, 0]), (blue, s_b0, hold[:, 1])))  # fmt: skip
        level = np.stack([red.level(ref_r), blue.level(ref_b)], axis=1)
        by_bp = np.stack(
            [red.breakpoint * ref_r > red.annihilation_level,
             blue.breakpoint * ref_b > blue.annihilation_level],
            axis=1,
        )  # fmt: skip
        # absolute tolerance per category: a small part of its own scale, and no more than
        # the level its side is out at (so that the end time is as accurate near a level
        # of half a man as at 10^7 men)
        scale = tableau.ATOL_FRACTION * np.maximum(y0, 1e-6 * y0.max(axis=1, keepdims=True))
        w_all = np.concatenate(
            [np.broadcast_to(red.weights, (n, kr)), np.broadcast_to(blue.weights, (n, kb))],
            axis=1,
        )
        lev_all = np.repeat(level, [kr, kb], axis=1)
        with np.errstate(divide="ignore"):
            per_unit = np.where(w_all > 0, lev_all / w_all, np.inf)
        per_unit = np.where(per_unit > 0, per_unit, np.inf)
        atol = rtol * np.maximum(np.minimum(scale, per_unit), 1e-300)
        if not whole_units:  # a level of 0 reached as (T - t)**(1/(1 - q)) (tableau.ZERO_TIME)
            atol = _to_zero(atol, scale / tableau.ATOL_FRACTION, level, eng, rtol)
        return cls(
            y0=_c(y0, 2), par=_c(_param_table(eng), 2), level=_c(level, 2),
            by_breakpoint=_c(by_bp, 2), hold=_c(hold, 2), atol=_c(atol, 2),
            mult_r=_c(_multiplier_table(red, n), 3), mult_b=_c(_multiplier_table(blue, n), 3),
            arr_knots_r=_c(knots[0], 1), arr_knots_b=_c(knots[1], 1),
            arr_rates_r=_c(rates[0], 3), arr_rates_b=_c(rates[1], 3),
            stops=_c(stops, 1), imp_r=imp[0], imp_b=imp[1],
            amt_r=_c(amt[0], 3), amt_b=_c(amt[1], 3), times=_c(times, 1),
        )  # fmt: skip


def most_events(table: RunTable, t_max: float) -> FloatArray:
    """An upper bound on the events of each run (N,) in the exact stochastic simulation (one a
    unit lost or arrived): every unit it starts with, and every one due by ``t_max`` twice."""
    total = table.y0.sum(axis=1)
    for knots, per_day, amt in ((table.arr_knots_r, table.arr_rates_r, table.amt_r),
                                (table.arr_knots_b, table.arr_rates_b, table.amt_b)):  # fmt: skip
        total = total + 2.0 * amt.sum(axis=(1, 2))
        if knots.size:
            span = np.diff(np.clip(knots, 0.0, t_max))
            total = total + 2.0 * (per_day.sum(axis=2) * span).sum(axis=1)
    return np.asarray(total)


def units_held(table: RunTable, t_max: float) -> FloatArray:
    """The units each run (N,) holds in all: those it starts with (arrivals of day 0
    included) and every one due after day 0 by ``t_max``, discrete and daily (the count
    ``method="auto"`` of the stochastic engine chooses by: a run small at the start whose
    arrivals bring thousands takes as many events)."""
    total = table.y0.sum(axis=1)
    for idx, knots, per_day, amt in (
        (table.imp_r, table.arr_knots_r, table.arr_rates_r, table.amt_r),
        (table.imp_b, table.arr_knots_b, table.arr_rates_b, table.amt_b),
    ):  # fmt: skip
        due = idx[idx >= 0]  # the discrete arrivals at stops in (0, t_max]
        total = total + amt[:, due, :].sum(axis=(1, 2))
        if knots.size:
            span = np.diff(np.clip(knots, 0.0, t_max))
            total = total + (per_day.sum(axis=2) * span).sum(axis=1)
    return np.asarray(total)


def hold_until(side: Side, start: FloatArray) -> FloatArray:
    """Per run, shape (N,): the day of the last arrival still due (after day 0, of positive
    weighted strength) to a side whose weighted strength at the start (``start``, after the
    arrivals of day 0) is at or below its annihilation level; 0 for any other side.

    ASSUMPTION (a side starting with nothing, its forces still arriving): it is not out
    before that day, since an arrival that restores it is still due: it is annihilated
    only at or below its level once no arrival remains.  Its breakpoint is measured against
    what it had, what came in by that day and what was lost on the way (the whole schedule,
    the start the scenarios' attrition margin takes: :func:`reference`): a fraction of a
    day-0 strength of 0 means nothing.  From that day on the end rule is the usual one.
    Every side that starts above its level, or has nothing due, is as before (0: never
    held); at least the side's own :attr:`~.engagement.Side.hold` where it has one."""
    n = side.n
    given = np.zeros(n) if side.hold is None else np.broadcast_to(side.hold, (n,))
    last = np.zeros(n)
    r = side.reinforcements
    if r is None:
        return given.copy()
    w = side.weights
    if r.times.size:
        amt = np.broadcast_to(r.amounts, (n, *r.amounts.shape[1:]))
        due = (np.einsum("nmk,nk->nm", amt, w) > 0) & (r.times[None, :] > 0)
        last = np.maximum(last, np.where(due, r.times[None, :], 0.0).max(axis=1))
    if r.rate_knots.size:
        rates = np.broadcast_to(r.rates, (n, *r.rates.shape[1:]))
        due = np.einsum("nlk,nk->nl", rates, w) > 0
        last = np.maximum(last, np.where(due, r.rate_knots[None, 1:], 0.0).max(axis=1))
    return np.maximum(np.where(start <= side.annihilation_level, last, 0.0), given)


def reference(side: Side, start: FloatArray, hold: FloatArray) -> FloatArray:
    """The weighted strength a side's breakpoint is a fraction of, shape (N,): its ``start``,
    plus, where it is held (``hold`` > 0, :func:`hold_until`), what came in by then and what
    was lost on the way."""
    if not np.any(hold > 0.0):
        return start
    got, lost = delivered(side, hold, np.arange(side.n))
    return np.where(hold > 0.0, start + ((got + lost) * side.weights).sum(axis=1), start)


def _to_zero(
    atol: FloatArray, size: FloatArray, level: FloatArray, eng: Engagement, rtol: float
) -> FloatArray:  # fmt: skip
    """``atol`` (N, D) with the categories of a side fought to a level of 0 under a law whose
    losses fall with it (0 < q < 1) cut to ``size`` x (ZERO_TIME x rtol)**(1/(1 - q)), not
    below ZERO_ATOL, where that is smaller (:data:`.tableau.ZERO_TIME`): the time it spends
    within its tolerance of 0, where no step follows it, is then ZERO_TIME x rtol of its
    battle (it was up to a tenth at Helmbold w = 0.05)."""
    e, kr = eng.exps, eng.red.k
    out = atol.copy()
    for sl, q, s in ((slice(0, kr), e.red_q, 0), (slice(kr, None), e.blue_q, 1)):
        if 0.0 < q < 1.0:
            cut = (tableau.ZERO_TIME * rtol) ** (1.0 / (1.0 - q))
            tight = np.minimum(np.maximum(size[:, sl] * cut, tableau.ZERO_ATOL), atol[:, sl])
            out[:, sl] = np.where(level[:, s : s + 1] <= 0.0, tight, atol[:, sl])
    return out


def _param_table(eng: Engagement) -> FloatArray:
    """The runs' parameters in the layout of :func:`.kernel.layout`, (N or 1, P)."""
    red, blue = eng.red, eng.blue
    n, kr, kb = eng.n, red.k, blue.k
    e = eng.exps

    def flat(a: FloatArray | None, cols: int) -> FloatArray:
        if a is None:  # proportional fire: no fixed allocation
            return np.zeros((1, cols))
        a = _shared(a, n)
        return a.reshape(a.shape[0], cols)

    fixed = [float(red.allocation is not None), float(blue.allocation is not None)]
    pieces = [
        np.array([[e.red_p, e.red_q, e.blue_p, e.blue_q, *fixed]]),
        np.zeros((1, 6)),  # a step's multiplier pieces (:func:`.integrator.step_inputs`)
        flat(red.kill_rates, kr * kb),
        flat(blue.kill_rates, kb * kr),
        flat(red.weights, kr),
        flat(blue.weights, kb),
        flat(red.allocation, kr * kb),
        flat(blue.allocation, kb * kr),
        np.zeros((1, kr + kb)),  # the arrival rates in force (step_inputs)
        _flow_table(eng),
        np.zeros((1, 2)),  # red, blue held at their balance (near_zero.settle sets them)
        np.zeros((1, 1)),  # the strength a run resolves (kernel.from_zero; run_chunk sets it)
    ]
    rows = max(p.shape[0] for p in pieces)
    out = np.concatenate([np.broadcast_to(p, (rows, p.shape[1])) for p in pieces], axis=1)
    if out.shape[1] != layout(kr, kb)[7]:
        raise ValueError("internal: the parameter table does not match kernel.layout")
    return out


def _flow_table(eng: Engagement) -> FloatArray:
    """The packed operational flows of :func:`.kernel.flows` and the transit loss rates of
    :func:`.kernel.rates`, (1, FLOW_SLOTS + D) of zeros when neither side has any."""
    red, blue = eng.red, eng.blue
    exposed = [s.reinforcements is not None and s.reinforcements.exposed for s in (red, blue)]
    if not (eng.has_flows or any(exposed)):
        return np.zeros((1, FLOW_SLOTS + red.k + blue.k))
    n = eng.n
    cap, nc, transit, gate = [], [], [], []
    for side, on in zip((red, blue), exposed, strict=True):
        f = side.flows if eng.has_flows else None
        cap.append(np.zeros((n, 3)) if f is None else f.packed())
        gate.append(np.zeros((n, 2)) if f is None else f.packed_gate())
        nc.append(np.zeros((n, side.k)) if f is None else f.noncombat)
        r = side.reinforcements
        transit.append(
            np.broadcast_to(r.transit_loss, (n,))[:, None] if on and r else np.zeros((n, 1))
        )
    return np.concatenate([cap[0], cap[1], *transit, gate[0], gate[1], nc[0], nc[1]], axis=1)


@dataclass(frozen=True)
class KernelOutput:
    """What the kernels fill in for M runs (a run is a scenario, or one replication)."""

    final: FloatArray  # (M, D) strength per category at the end
    t_end: FloatArray  # (M,) days simulated
    end_code: NDArray[np.int8]  # (M,) index into result.END_REASONS
    winner: NDArray[np.int8]  # (M,) result.RED, BLUE or NONE
    traj: FloatArray  # (M, T, D) strength at the output times
    status: NDArray[np.int8]  # (M,) kernel status, 0 when the run finished

    @classmethod
    def empty(cls, m: int, d: int, t: int) -> KernelOutput:
        i8 = np.int8
        return cls(np.zeros((m, d)), np.zeros(m), np.zeros(m, i8), np.zeros(m, i8),
                   np.zeros((m, t, d)), np.zeros(m, i8))  # fmt: skip

    def arrays(self) -> tuple[np.ndarray, ...]:
        return (self.final, self.t_end, self.end_code, self.winner, self.traj, self.status)

    def result(
        self, eng: Engagement, times: FloatArray, method: str, rows: IntArray,
        replication: IntArray, got: FloatArray | None = None,
    ) -> BattleResult:  # fmt: skip
        """The runs' result; ``got`` (M, D): their own arrivals, else the schedule's."""
        red, blue = eng.red, eng.blue
        kr = red.k
        if got is None:
            arr_r, arr_b = arrived(red, self.t_end, rows), arrived(blue, self.t_end, rows)
        else:
            arr_r = (got[:, :kr] * red.weights[rows]).sum(axis=1)
            arr_b = (got[:, kr:] * blue.weights[rows]).sum(axis=1)
        lost_r, lost_b = (lost_in_transit(s, self.t_end, rows) for s in (red, blue))
        decided = self.end_code != T_MAX
        traj = self.traj if times.size else None
        return BattleResult(
            law=eng.law.name, method=method, winner_code=self.winner, end_code=self.end_code,
            duration=np.where(decided, self.t_end, np.nan), end_time=self.t_end,
            red_final_by_category=self.final[:, :kr], blue_final_by_category=self.final[:, kr:],
            red_initial=red.initial[rows], blue_initial=blue.initial[rows],
            red_weights=red.weights[rows], blue_weights=blue.weights[rows], times=times,
            red_trajectory=None if traj is None else traj[:, :, :kr],
            blue_trajectory=None if traj is None else traj[:, :, kr:],
            scenario=rows, replication=replication, red_categories=red.categories,
            blue_categories=blue.categories, red_arrived=arr_r, blue_arrived=arr_b,
            red_arrived_by_category=None if got is None else got[:, :kr],
            blue_arrived_by_category=None if got is None else got[:, kr:],
            red_transit_by_category=lost_r, blue_transit_by_category=lost_b,
        )  # fmt: skip


def arrived(side: Side, t_end: FloatArray, rows: IntArray) -> FloatArray | None:
    """Weighted arrivals up to each run's end, shape (M,) (what came through, where they
    were exposed in transit)."""
    r = side.reinforcements
    if r is None:
        return None
    if r.exposed:
        came = delivered(side, t_end, rows)[0]
        return np.asarray((came * side.weights[rows]).sum(axis=1), dtype=float)
    out = np.zeros(rows.size)
    w = side.weights[rows]
    if r.times.size:
        amt = np.broadcast_to(r.amounts, (side.n, *r.amounts.shape[1:]))[rows]
        got = r.times[None, :] <= t_end[:, None]
        out += np.einsum("nm,nmk,nk->n", got.astype(float), amt, w)
    if r.rate_knots.size:
        rates = np.broadcast_to(r.rates, (side.n, *r.rates.shape[1:]))[rows]
        lo, hi = r.rate_knots[:-1], r.rate_knots[1:]
        span = np.clip(np.minimum(hi[None, :], t_end[:, None]) - lo[None, :], 0.0, None)
        out += np.einsum("nl,nlk,nk->n", span, rates, w)
    return out


def delivered(side: Side, t_end: FloatArray, rows: IntArray) -> tuple[FloatArray, FloatArray]:
    """Arrivals and losses in transit per category up to each run's end, (M, K) each
    (:func:`.schedules.transit_window`, :func:`.schedules.transit_point`)."""
    r = side.reinforcements
    got, lost = np.zeros((rows.size, side.k)), np.zeros((rows.size, side.k))
    if r is None:
        return got, lost
    k = np.broadcast_to(r.transit_loss, (side.n,))[rows][:, None]  # (M, 1)
    t = t_end[:, None]
    if r.times.size:
        amt = np.broadcast_to(r.amounts, (side.n, *r.amounts.shape[1:]))[rows]
        a, x = transit_point(r.times[None, :], t, k)  # (M, J)
        got += np.einsum("nm,nmk->nk", a, amt)
        lost += np.einsum("nm,nmk->nk", x, amt)
    if r.rate_knots.size:
        rates = np.broadcast_to(r.rates, (side.n, *r.rates.shape[1:]))[rows]
        a, x = transit_window(r.rate_knots[None, :-1], r.rate_knots[None, 1:], t, k)  # (M, L)
        got += np.einsum("nl,nlk->nk", a, rates)
        lost += np.einsum("nl,nlk->nk", x, rates)
    return got, lost


def lost_in_transit(side: Side, t_end: FloatArray, rows: IntArray) -> FloatArray | None:
    """Losses in transit per category up to each run's end, (M, K); None where the side's
    arrivals are not exposed."""
    r = side.reinforcements
    return delivered(side, t_end, rows)[1] if r is not None and r.exposed else None

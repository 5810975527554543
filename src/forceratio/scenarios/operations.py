"""The operational outputs of a scenario run (issue 13): losses split into fire, captured
and non-combat, the depth of the attacker's advance per sector, and the outcome rule.

**The outcome rule.**  A side has lost at the first of:

1. ``break`` (``annihilation``): it reached its breakpoint (was annihilated) in a sector,
   the engine's end rule (:mod:`forceratio.simulator.result`);
2. ``captured``: its captured men exceed ``operations.outcome.captured_share`` of its men
   (summed over the sectors);
3. ``depth``: the attacker has advanced ``operations.outcome.depth_km`` in some sector
   (the defender has lost); an advance with an operational reach
   (``operations.advance.reach_km``, off unless given) slows as it nears it and never
   passes it (:func:`~forceratio.simulator.operational.culminated`).

Ties go in that order.  If none happens within the scenario's days, the ``attrition
margin`` decides: the side keeping the larger share of its combat power at the start plus
its arrivals (the rule of the first version, kept beside as :attr:`Operational.margin`).

The captured and non-combat losses and the depth are quadratures over the trajectory
recorded every :data:`GRID` days (:mod:`forceratio.simulator.operational`), on those days,
the scenario's end and its dated changes alone (:func:`quadrature_days`): a run that
records more days (``times``, a record's day between the grid's) reads the running
integrals there linearly between them, and every output stays what it is without them
(the integrator reads a recorded day from its dense output, so its steps do not move
either: uman-1941's were 71,489 and 71,493 Soviet losses to fire before).  A run
records that grid when the scenario declares operations
(:func:`.outcome.declares_operations`) or ``operational=True`` is asked for, so that a
scenario without them runs exactly as before.  The engine stops at every
recorded day, so the grid is coarse (a day); the quadratures run on a grid :data:`REFINE`
times finer, the strengths interpolated linearly between the recorded days (as weights on
the recorded days: the fine grid costs (N, T) work, not (N, T, K)) and the fire
multipliers taken exactly there (the rates' kinks, at the surprise's end, the capture
switch, the advance threshold and cap, are what needs the fine grid; the strengths
themselves are smooth: their linear interpolation over a day is off by about
h^2 |y''| / 8, below 0.1% at 1941's loss rates).  Where a step (the capture switch at
width 0, the advance at parity) flips within an interval, only its on part is integrated
(:func:`~forceratio.simulator.operational.switches`), and a rule fires where the running
integral passes its level, linearly within its interval (``decided_at``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from forceratio.scenarios.build import Built
from forceratio.scenarios.outcome import BEATEN, first_break
from forceratio.scenarios.outcome import RULES as RULES  # re-exported: the rules' names
from forceratio.scenarios.quadrature_grid import GRID as GRID
from forceratio.scenarios.quadrature_grid import REFINE as REFINE
from forceratio.scenarios.quadrature_grid import on_days
from forceratio.scenarios.quadrature_grid import refine as refine
from forceratio.scenarios.schema import CATEGORIES, SIDES, Scenario
from forceratio.scenarios.stages import capture_schedule
from forceratio.simulator.operational import (
    Flows,
    advance_rate,
    advance_steps,
    capture_rate,
    culminated,
    depth_at,
    gate_factor,
    passed,
    spans,
    split_losses,
    stepped,
    summed,
    trapezoid_weights,
)

FloatArray = NDArray[np.float64]

#: Samples per block of the quadratures (:func:`operational`).
BLOCK = 512
#: Every index of an axis (:meth:`Operational.prisoners`).
ALL = slice(None)


@dataclass(frozen=True)
class Operational:
    """Per sample and replication (N, R): ``captured``/``noncombat``/``fire``/``transit``
    per side (N, R, K) summed over sectors (empty when not asked for; ``transit``: lost on
    the way, :mod:`.arrivals`, in closed form); ``depth`` (N, R, S) km by the run's end
    (however long after the decision); ``winner`` and ``decided_by`` (one of
    :data:`RULES`) under the outcome rule; ``margin`` (N, R): the attacker's surviving
    share of combat power minus the defender's; ``captured_men`` side -> (N, R, S, T) men
    the capture flow has cut off by each recorded day (empty when not asked for; of them
    :meth:`prisoners`) and ``depth_by_day`` (N, R, S, T); ``decided_at`` (N, R) the day the
    outcome rule's first rule fired (inf: none did), where the quadrature passes its level;
    ``depth_at_decision`` (N, R, S) km on that day (the run's end when none fired);
    ``killed_share`` (N,) of the men cut off, killed or wounded in the pocket
    (``operations.capture.killed_share``): ``captured`` counts the prisoners among the men,
    ``fire`` the rest with the killed and wounded; the outcome rule reads the men cut off."""

    captured: dict[str, FloatArray]
    noncombat: dict[str, FloatArray]
    fire: dict[str, FloatArray]
    depth: FloatArray
    winner: NDArray[np.object_]
    decided_by: NDArray[np.object_]
    margin: FloatArray
    captured_men: dict[str, FloatArray]
    depth_by_day: FloatArray
    decided_at: FloatArray
    transit: dict[str, FloatArray]
    depth_at_decision: FloatArray
    killed_share: FloatArray

    def prisoners(
        self, side: str, day: int, *, sectors: list[int] | slice = ALL, rep: int | slice = ALL
    ) -> FloatArray:
        """The men of ``side`` taken prisoner by the recorded day of index ``day`` in
        ``sectors`` and replication(s) ``rep``: the men cut off less the killed and wounded
        among them, (N, R, S) (no R for one replication).  Only those cells of
        ``captured_men`` are read and scaled (a record needs one day of them)."""
        men = self.captured_men[side][:, rep, sectors, day]
        return (1.0 - self.killed_share).reshape(-1, *[1] * (men.ndim - 1)) * men


def _multiplier_at(
    knots: FloatArray, values: FloatArray, times: FloatArray, *, time_major: bool = False
) -> FloatArray:
    """The piecewise-linear fire multipliers (..., N, M) with knots (M,) or (N, M)
    (increasing) at ``times``, shape (..., N, T) (held at their end values outside), or
    (..., T, N) with ``time_major``."""
    kn = np.atleast_2d(knots)
    out = np.repeat(values[..., None, :, 0], times.size, axis=-2)  # (..., T, N)
    ramp = np.empty((times.size, kn.shape[0]))
    rise = np.empty(out.shape)
    for j in range(kn.shape[1] - 1):  # each segment adds its rise, clipped to [0, 1] of it
        lo, hi = kn[:, j], kn[:, j + 1]
        np.subtract(times[:, None], lo, out=ramp)
        with np.errstate(over="ignore"):  # a segment shorter than 1e-308 of a day: clipped
            np.clip(np.divide(ramp, hi - lo, out=ramp), 0.0, 1.0, out=ramp)
        out += np.multiply((values[..., j + 1] - values[..., j])[..., None, :], ramp, out=rise)
    return out if time_major else np.swapaxes(out, -1, -2)


def _flows_rows(f: Flows | None, n: int, r: int, s: int, first: int = 0) -> Flows:
    """A side's flows (S rows a sample) of samples ``first..first+n-1``, repeated to the
    (N, R, S) run order, flattened."""
    k = len(CATEGORIES)
    if f is None:
        z = np.zeros(n * r * s)
        return Flows(z, np.ones_like(z), z, np.zeros((n * r * s, k)), z, z)

    def rep(a: FloatArray) -> FloatArray:
        a = a[first * s : (first + n) * s].reshape(n, 1, s, *a.shape[1:])
        return np.broadcast_to(a, (n, r, s, *a.shape[3:])).reshape(n * r * s, *a.shape[3:])

    return Flows(
        rep(f.capture_rate), rep(f.capture_ratio), rep(f.capture_width), rep(f.noncombat),
        rep(f.capture_gate), rep(f.gate_width),
    )  # fmt: skip


def operational(
    scn: Scenario,
    b: Built,
    days: FloatArray,
    traj: dict[str, FloatArray],
    t_end: FloatArray,
    end_code: FloatArray,
    win_code: FloatArray,
    losses: dict[str, FloatArray],
    start_power: dict[str, FloatArray],
    end_power: dict[str, FloatArray],
    men: dict[str, FloatArray],
    margin_winner: NDArray[np.object_],
    *,
    split: bool = True,
    outcome_only: bool = False,
    transit: dict[str, FloatArray] | None = None,
    rules: bool = True,
    nodes: NDArray[np.bool_] | None = None,
) -> Operational:
    """The operational outputs of one run of a scenario.  ``traj`` side -> (N, R, S, T, K);
    ``t_end``, ``end_code``, ``win_code`` (N, R, S); ``losses`` side -> (N, R, K);
    ``start_power``/``end_power`` side -> (N, R); ``men`` side -> (N, R) the men the
    side had (start, arrivals, lost in transit); ``margin_winner`` the attrition-margin
    winner; ``transit`` side -> (N, R, K) the losses in transit (None: none).
    ``split=False`` leaves ``captured``, ``noncombat`` and ``fire`` empty (a sixth of the
    work); ``outcome_only`` computes only what the outcome rule reads (a sweep's rows):
    no split, ``captured_men`` left empty too, and a side whose captured men cannot reach
    the captured share in a block of runs (its capture rate times its most men over the
    days, :func:`_may_capture`) is not integrated there.  ``rules=False`` (a scenario that
    declares no operations, :func:`.outcome.declares_operations`) keeps the captured and
    depth rules out of the outcome (the depth is still reported).  ``nodes`` (T,) marks the
    recorded ``days`` the quadratures run on (:func:`quadrature_days`; None: every one);
    the outputs by day are read on every recorded day, linearly between the nodes.

    Every output of a sample depends on that sample's rows alone: the samples are taken
    :data:`BLOCK` at a time (a block's arrays on the fine grid stay in a core's cache)
    on :func:`~forceratio.simulator.compiled.threads` threads (numpy releases the GIL in
    its loops), with the same numbers however the batch is cut."""
    from forceratio.simulator.compiled import threads

    n = traj["USSR"].shape[0]
    per_sample = {
        "traj": traj, "t_end": t_end, "end_code": end_code, "win_code": win_code,
        "losses": losses, "start_power": start_power, "end_power": end_power, "men": men,
        "margin_winner": margin_winner, "weights": b.weights,
        "transit": transit or {sd: np.zeros_like(losses[sd]) for sd in SIDES},
        "values": np.stack([b.multipliers[sd] for sd in SIDES], axis=1),
        "knots": b.knots if b.knots.ndim == 2 else None, "par": {p: b.par[p] for p in _PAR},
    }  # fmt: skip
    flows = {"USSR": b.engagement.red.flows, "Germany": b.engagement.blue.flows}
    flows = {sd: f if f is not None and f.active else None for sd, f in flows.items()}
    common = (
        scn.attacker, days, b.knots if b.knots.ndim == 1 else None, flows, b.s,
        split and not outcome_only, outcome_only, capture_schedule(scn, b.par, b.n), rules,
        None if nodes is None or np.all(nodes) else np.flatnonzero(nodes),
    )  # fmt: skip
    bounds = [(lo, min(lo + BLOCK, n)) for lo in range(0, n, BLOCK)]
    nt = min(threads(), len(bounds))
    if nt <= 1:
        parts = [_block(common, _cut(per_sample, lo, hi), lo, hi) for lo, hi in bounds]
    else:
        with ThreadPoolExecutor(nt, thread_name_prefix="forceratio-ops") as pool:
            parts = list(pool.map(lambda ab: _block(common, _cut(per_sample, *ab), *ab), bounds))
    return parts[0] if len(parts) == 1 else _joined(parts)


#: The scenario parameters the operational outputs read, per sample (N,).
_PAR = (
    "operations.outcome.captured_share",
    "operations.outcome.depth_km",
    "operations.advance.scale",
    "operations.advance.exponent",
    "operations.advance.cap",
    "operations.advance.reach_km",
    "operations.capture.killed_share",
)


def _staged_rate(
    schedule: tuple[FloatArray, list[dict[str, Flows]]],
    side: str,
    days: FloatArray,
    n: int,
    r: int,
    s: int,
    lo: int,
) -> tuple[FloatArray, FloatArray]:
    """The capture rates (T, runs) of ``side`` on the fine ``days`` when a mobile count
    changes at dates (:func:`.stages.capture_schedule`): the rate in force just before
    each day and just after it (the two differ on a change day, a node of the grid)."""
    cuts, stages = schedule
    rates = np.stack([_flows_rows(st[side], n, r, s, lo).capture_rate for st in stages])
    before = np.searchsorted(cuts, days, side="left")
    after = np.searchsorted(cuts, days, side="right")
    return rates[before], rates[after]


def _one_sided(before: FloatArray, after: FloatArray, span: FloatArray) -> FloatArray:
    """The node values (T, runs) that give the trapezoid weights' sum of each interval
    with the rate after its start and before its end: at a node, the two half-weights'
    mean of ``after`` (for the interval it starts) and ``before`` (the one it ends)."""
    left = np.zeros(before.shape)
    right = np.zeros(before.shape)
    left[:-1] = 0.5 * span  # the node starts the interval: it takes the rate after it
    right[1:] = 0.5 * span
    both = left + right
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(both > 0, (left * after + right * before) / both, before)


def _may_capture(
    rate: FloatArray, men: FloatArray, days: FloatArray, threshold: FloatArray
) -> bool:
    """Whether a side's captured men could pass ``threshold`` (N, R) in some run of a
    block: its rows' capture rate is at most ``rate`` (N*R*S,) a day, of at most the
    most men ``men`` (N*R*S, T0) it had on a recorded day, over at most the recorded days
    (with a margin far above the quadrature's rounding)."""
    n, r = threshold.shape
    most = rate * np.abs(men).max(axis=1) * ((days[-1] - days[0]) * (1.0 + 1e-9))
    return bool(np.any(most.reshape(n, r, -1).sum(axis=2) >= threshold))


def _cut(a: Any, lo: int, hi: int) -> Any:
    """Samples ``lo..hi-1`` of every array in ``a`` (nested dicts; ``None`` kept)."""
    if isinstance(a, dict):
        return {k: _cut(v, lo, hi) for k, v in a.items()}
    return None if a is None else a[lo:hi]


def _joined(parts: list[Operational]) -> Operational:
    """The blocks' outputs as one, in sample order."""

    def cat(field: str) -> Any:
        got = [getattr(p, field) for p in parts]
        if isinstance(got[0], dict):
            return {k: np.concatenate([g[k] for g in got]) for k in got[0]}
        return np.concatenate(got)

    return Operational(*(cat(f.name) for f in fields(Operational)))


def _block(
    common: tuple[
        str,
        FloatArray,
        FloatArray | None,
        dict[str, Flows | None],
        int,
        bool,
        bool,
        tuple[FloatArray, list[dict[str, Flows]]] | None,
        bool,
        NDArray[np.intp] | None,
    ],
    x: dict[str, Any],
    lo: int,
    hi: int,
) -> Operational:
    """The operational outputs of samples ``lo..hi-1`` (their inputs ``x``, cut by
    :func:`_cut`).  The quadratures run time-major, (T, runs): every step along the fine
    grid is then one pass over whole rows of runs."""
    attacker, recorded, shared_knots, side_flows, s, split, outcome_only, schedule, rules, sel = (
        common
    )
    traj, coarse = x["traj"], recorded
    if sel is not None:  # the quadratures' nodes alone (:func:`quadrature_days`)
        traj, coarse = {sd: a[:, :, :, sel] for sd, a in traj.items()}, recorded[sel]
    n, r, _, t0, k = traj["USSR"].shape
    par = x["par"]
    days, to_fine = refine(coarse, REFINE)

    def fine(a: FloatArray) -> FloatArray:
        """(T0, ...) at the recorded days -> (T, ...) on the fine grid."""
        return a if to_fine is None else to_fine(a, time_major=True)

    keep_t = np.arange(t0) * (days.size - 1) // max(t0 - 1, 1)

    def by_recorded(a: FloatArray) -> FloatArray:
        """(T, ...) on the fine grid -> (T0, ...) on every recorded day."""
        return a[keep_t] if sel is None else on_days(a, days, recorded)

    t = days.size
    m = n * r * s
    te = x["t_end"].reshape(m)
    knots = shared_knots if shared_knots is not None else x["knots"]
    mult = _multiplier_at(knots, np.swapaxes(x["values"], 0, 1), days, time_major=True)
    span = spans(days, te)  # (T - 1, M)
    half = span * 0.5  # of every quadrature below
    w = trapezoid_weights(span.T) if split else None
    eff: dict[str, FloatArray] = {}  # side -> (T, M) effective strength
    for i, side in enumerate(SIDES):
        power = np.einsum("nrstk,nk->nrst", traj[side], x["weights"]).reshape(m, t0)
        eff[side] = (fine(power.T).reshape(t, n, r * s) * mult[i][:, :, None]).reshape(t, m)
    defender = "Germany" if attacker == "USSR" else "USSR"
    other = {"USSR": "Germany", "Germany": "USSR"}
    rho: dict[str, FloatArray] = {}

    def ratio(side: str) -> FloatArray:
        """The enemy's effective strength over the side's (inf where the side has none),
        which its capture switch compares; the defender's is what the advance reads."""
        if side not in rho:
            with np.errstate(divide="ignore", invalid="ignore"):
                own_eff, enemy_eff = eff[side], eff[other[side]]
                rho[side] = np.where(own_eff > 0, enemy_eff / own_eff, np.inf)
        return rho[side]

    pk = CATEGORIES.index("personnel")
    captured, noncombat, fire, first_capture, cap_men_s, transit = {}, {}, {}, {}, {}, {}
    for side in SIDES:
        f = side_flows[side]
        own = traj[side].reshape(m, t0, k)
        threshold = par["operations.outcome.captured_share"][:, None] * x["men"][side]  # (N, R)
        by_day = None
        if f is not None:
            flows = _flows_rows(f, n, r, s, lo)
            c, c_next = flows.capture_rate[None], None
            if schedule is not None:  # the rates in force (dated mobile counts), both limits
                c, c_next = _staged_rate(schedule, side, days, n, r, s, lo)
            most = c.max(axis=0) if c_next is None else np.maximum(c, c_next).max(axis=0)
            if not outcome_only or _may_capture(most, own[:, :, pk], days, threshold):
                # capture_share without its last pass: the rate is 0 where rho is inf
                switch = (flows.capture_ratio[None], flows.capture_width[None])
                gated = (flows.capture_gate[None], flows.gate_width[None])
                eps = capture_rate(ratio(side), c, *switch, *gated)
                eps_next = eps
                if c_next is not None:
                    eps_next = capture_rate(ratio(side), c_next, *switch, *gated)
                fix = None
                step0 = flows.capture_width == 0.0  # a step switch: cut at its crossing
                if step0.any():
                    star = np.where(step0, flows.capture_ratio, np.inf)  # (smooth: never)
                    c_on = c if c_next is None else c_next[:-1]
                    if np.any(flows.capture_gate > 0):  # the gate taken at each interval's start
                        c_on = c_on * gate_factor(ratio(side)[:-1], *gated)
                    fix = stepped(ratio(side), star, c_on, span)
                if split:
                    e = eps if c_next is None else _one_sided(eps, eps_next, span)
                    cap, nc = split_losses(
                        days, te, own, eff[side].T, eff[other[side]].T, flows,
                        project=to_fine, eps=e.T, w=w, fix=fix,
                    )  # fmt: skip
                men_t = fine(own[:, :, pk].T)
                if c_next is None:
                    f_t = eps * men_t
                    step = half * (f_t[:-1] + f_t[1:])
                else:  # each interval from the rate after its start to the one before its end
                    step = half * (eps_next[:-1] * men_t[:-1] + eps[1:] * men_t[1:])
                if fix is not None:
                    (fi, fj), d0, d1 = fix
                    step[fi, fj] += d0 * men_t[fi, fj] + d1 * men_t[fi + 1, fj]
                by_day = summed(step).reshape(t, n, r, s)
        elif split:  # no flow: nothing captured or lost without combat (and nothing to sum)
            cap = nc = np.zeros((m, k))
        if by_day is None:  # nothing captured, or (outcome only) never enough to decide
            first_capture[side] = np.full((n, r), np.inf)
        else:
            cap_men = by_day[..., 0] if s == 1 else by_day.sum(axis=3)  # (T, N, R)
            # the sectors' intervals (clipped at each one's end) when there is one
            lengths = span if s == 1 else np.broadcast_to(np.diff(days)[:, None], (t - 1, n * r))
            first_capture[side] = passed(
                cap_men.reshape(t, n * r), threshold.reshape(-1), days, lengths
            ).reshape(n, r)
        if not outcome_only:
            cap_men_s[side] = (
                np.zeros((n, r, s, recorded.size))
                if by_day is None
                else np.moveaxis(by_recorded(by_day), 0, -1)
            )
        if split:
            captured[side] = cap.reshape(n, r, s, k).sum(axis=2)
            noncombat[side] = nc.reshape(n, r, s, k).sum(axis=2)
            transit[side] = x["transit"][side]
            # the quadratures overestimate a fast-falling category (convex between the days):
            # where they pass its losses, both are scaled to them, so that the parts add up
            flowed, room = captured[side] + noncombat[side], x["losses"][side] - transit[side]
            safe = np.where(flowed > 0.0, flowed, 1.0)  # (none flowed and room < 0: 0, not 0/0)
            over = np.where(flowed > room, np.maximum(room, 0.0) / safe, 1.0)
            captured[side] *= over
            noncombat[side] *= over
            fire[side] = np.maximum(room - captured[side] - noncombat[side], 0.0)
            killed = par["operations.capture.killed_share"][:, None] * captured[side][..., pk]
            captured[side][..., pk] -= killed  # the prisoners; the rest killed or wounded
            fire[side][..., pk] += killed
    rep = np.repeat(np.arange(n), r * s)
    law = [par[f"operations.advance.{p}"][rep][None] for p in ("scale", "exponent", "cap")]
    speed = advance_rate(ratio(defender), *law)  # depth() on the defender's ratio, at hand
    at_one = np.minimum(law[0], law[2])[0]  # the rate at parity
    reach = par["operations.advance.reach_km"][rep]
    dx = culminated(summed(advance_steps(ratio(defender), speed, span, at_one)), reach)
    level = par["operations.outcome.depth_km"][rep]
    t_depth = passed(dx, level, days, span).reshape(n, r, s).min(axis=2)
    # the engine's end rule: the earliest sector decided by a break or an annihilation
    t_break, loser_break, how_break = first_break(x["t_end"], x["end_code"], x["win_code"])
    # the first rule to fire decides (ties: break, captured, depth)
    when = np.stack([t_break, first_capture["USSR"], first_capture["Germany"], t_depth])
    if not rules:  # no operations declared: the break, else the margin
        when[1:] = np.inf
    first = np.argmin(when, axis=0)
    none = ~np.isfinite(when.min(axis=0))
    loser = np.choose(
        first, [loser_break.astype(object), np.full_like(first, "USSR", dtype=object),
                np.full_like(first, "Germany", dtype=object),
                np.full_like(first, defender, dtype=object)],
    )  # fmt: skip
    winner = np.where(none, x["margin_winner"], np.vectorize(BEATEN.get, otypes=[object])(loser))
    rule = np.array(["break", "captured", "captured", "depth"], dtype=object)[first]
    rule = np.where(first == 0, how_break, rule)  # a break or an annihilation
    decided_at = when.min(axis=0)
    at_decision = depth_at(dx, days, np.repeat(decided_at.reshape(-1), s)).reshape(n, r, s)
    dx = dx.reshape(t, n, r, s)
    decided_by = np.where(none, "attrition margin", rule).astype(object)
    start_power, end_power = x["start_power"], x["end_power"]
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = {
            sd: np.where(start_power[sd] > 0, end_power[sd] / start_power[sd], 0.0) for sd in SIDES
        }
    return Operational(
        captured, noncombat, fire, dx[-1], winner.astype(object), decided_by,
        keep[attacker] - keep[defender], cap_men_s, np.moveaxis(by_recorded(dx), 0, -1), decided_at,
        transit, at_decision, par["operations.capture.killed_share"],
    )  # fmt: skip

"""Stochastic attrition: the continuous-time Markov chain of the same equations.

A category loses one unit at the rate the deterministic law gives for its loss, and
arrivals come as unit events at their daily rate (Brown 1963; Taylor 1983, vol. 2;
Washburn & Kress 2009, *Combat Modeling*, ch. 4), the rates of the engine's one
right-hand side (:func:`.kernel.rates`).  Two simulators, chosen per scenario:

* ``gillespie``: exact event-by-event simulation (Gillespie 1977, *J. Phys. Chem.*
  81:2340); rates that change within a multiplier's linear piece by thinning (Lewis &
  Shedler 1979): candidates at the piece's largest rate, each kept with probability
  rate / bound.
* ``tau_leap``: tau-leaping whose leap means are the deterministic flow over the leap:
  one error-controlled Runge-Kutta step (:func:`.kernel.dopri_step`, the third-order pair
  of :data:`.tableau.LEAP_TABLE`) from the leap's start gives each category's expected
  loss, multipliers integrated within the leap.  A leap is drawn in two stages of half a
  leap, Poisson counts (at most the units present): the first stage's mean is the
  expected loss by the leap's midpoint; the second's is the expected loss of the leap's
  second half moved by twice what the loss rates at the drawn midpoint depart from those
  at the deterministic midpoint (times the stage's length).
  These are the weights of Anderson & Mattingly's weak trapezoidal method (2011, *Commun.
  Math. Sci.* 9:301-318, theta 1/2; second order for jump processes: Anderson & Koyama,
  "Weak error analysis of tau-leaping methods for multi-scale stochastic chemical kinetic
  systems", 2011 preprint), here with the deterministic flow in place of the rates: the
  leap's losses then have the chain's covariance to second order in the leap (within a
  leap a side's losses move the enemy's; one category's drawn alone, binomially, had its
  spread short by the leap's share), and for losses linear in the strengths (the square
  law) the mean of the runs follows the deterministic solution, without the bias of rates
  held over a leap.  A leap loses at most ``epsilon`` of a side; one expected to hold
  fewer than :data:`MIN_LEAP_EVENTS` events is taken event by event.  A leap whose path
  may reach a side's level ends the run at the first event that does (:func:`cross`).

Runs are scenario-major (run ``m`` is replication ``m % R`` of scenario ``m // R``) and
each run is seeded by itself from its key's stream of the replications
(:func:`forceratio.seeds.stream` ``(seed, "replications", keys[s])``): the numbers
depend on the seed and the scenario's key only, not on the batch, its order or chunking,
nor on the output times, which are read off the path (:func:`snap`) and cut no step.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forceratio.arguments import stochastic_inputs
from forceratio.errors import ForceratioError
from forceratio.seeds import states
from forceratio.simulator import compiled, tableau
from forceratio.simulator.engagement import Engagement, checked
from forceratio.simulator.integrator import at_stop, finish, start_run, step_inputs
from forceratio.simulator.kernel import OK, TOO_MANY_STEPS, dopri_step, end_rule, rates
from forceratio.simulator.packing import layout, side_sum
from forceratio.simulator.result import NONE, T_MAX, BattleResult
from forceratio.simulator.runs import KernelOutput, RunTable, units_held
from forceratio.simulator.stochastic_checks import check_events, check_stochastic

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
StochasticMethod = Literal["auto", "gillespie", "tau_leap"]

#: Under ``method="auto"`` a scenario whose two sides hold at most this many units in all,
#: counting every arrival due by ``t_max`` (:func:`.runs.units_held`; before 5 December 2026
#: the start's alone), is simulated exactly (event by event), a larger one by tau-leaping.
EXACT_LIMIT = 2_000
#: Relative tolerance of the step (:data:`.tableau.LEAP_TABLE`) that gives a leap's
#: expected losses.
LEAP_RTOL = 1e-6
#: A leap expected to hold fewer events than this (a side down to its last units) is
#: simulated event by event instead: as quick, and exact (Cao, Gillespie & Petzold 2006,
#: *J. Chem. Phys.* 124:044109, take exact steps where a leap would be a few events).
MIN_LEAP_EVENTS = 3.0
#: A leap's first stage, as a fraction of it (:func:`leap`; Anderson & Mattingly's theta).
STAGE = 0.5
#: Rows of a chunk's work array (:func:`work_shapes`): the step's stages and a leap's draws
#: (:func:`leap`) up to STACK_ROW, then :func:`cross`'s stack of STACK_DEPTH brackets.
STACK_ROW = 10
STACK_DEPTH = 64


def work_shapes(table: RunTable) -> tuple[tuple[int, ...], ...]:
    """The shapes of a chunk's work arrays (:meth:`.runs.RunTable.work`, with the rows
    :func:`leap` and :func:`cross` need), the four states last."""
    par, _ = table.work()
    return par, (STACK_ROW + 3 * STACK_DEPTH + 4, table.y0.shape[1])


def seed_run(seed: int) -> None:
    """Seed this thread's generator for one run (compiled code has numpy's legacy functions
    only, one generator per thread): a run seeds it and then draws alone."""
    np.random.seed(seed)  # noqa: NPY002


def poisson_at_most(mean: float, units: float) -> float:
    """A Poisson count of the given mean, at most ``units`` (a category cannot lose more
    than it holds; the cap matters only where a leap would take most of a category)."""
    if mean <= 0.0 or units <= 0.0:
        return 0.0
    return float(min(np.random.poisson(mean), int(units)))  # noqa: NPY002


def leap(
    t: float, tau: float, y: FloatArray, k: FloatArray, y_new: FloatArray, y_stage: FloatArray,
    atol: FloatArray, par: FloatArray, kr: int, scratch: FloatArray, tab: FloatArray,
) -> float:  # fmt: skip
    """One tau-leap of at most ``tau`` days from (t, y), drawn into ``y_new``, ``k[0]``
    holding the loss rates at (t, y); returns the leap's length (shortened until the
    deterministic step is accurate).  Two stages of half a leap each (:data:`STAGE`)."""
    d = y.shape[0]
    o_inflow = layout(kr, d - kr)[6]
    for i in range(d):  # the net rates, as rates(..., net=True) gives them
        k[0, i] = par[o_inflow + i] - k[0, i]
    for _ in range(60):
        err = dopri_step(t, tau, y, k, y_new, y_stage, atol, LEAP_RTOL, par, kr, scratch, tab,
                         False)  # fmt: skip
        if err <= 1.0:
            break
        tau *= max(0.2, 0.9 * err**-0.2)
    half = STAGE * tau
    y_mid = k[9]
    for i in range(d):  # the first stage: its expected losses along the deterministic path
        inflow = par[o_inflow + i]
        expected = tau * inflow - (y_new[i] - y[i])  # losses over the leap, >= 0
        # for lost_share: the loss rates at both ends (k[3]: the FSAL stage), in leaps
        k[4, i], k[5, i], k[6, i] = tau * (inflow - k[0, i]), tau * (inflow - k[3, i]), expected
        k[7, i] = poisson_at_most(expected * lost_share(k, i, STAGE), y[i])
        k[8, i] = np.random.poisson(half * inflow) if inflow > 0.0 else 0  # noqa: NPY002
        y_mid[i] = y[i] - k[7, i] + k[8, i]
    # the second stage: its deterministic losses moved by twice what the drawn midpoint's
    # loss rates depart from those at the deterministic midpoint (Anderson & Mattingly's
    # weights; the latter rate from the loss profile: its derivative at STAGE)
    rates(t + half, y_mid, k[0], par, kr, scratch, False)
    for i in range(d):
        inflow = par[o_inflow + i]
        l0, l1, e = k[4, i], k[5, i], k[6, i]
        rest = e * (1.0 - lost_share(k, i, STAGE))
        slope = 1.5 * e - 0.25 * (l0 + l1)  # tau x the loss rate at the midpoint (STAGE 1/2)
        mean = rest + 2.0 * (tau - half) * k[0, i] - 2.0 * (1.0 - STAGE) * slope
        k[1, i] = k[7, i] + poisson_at_most(mean, y_mid[i])
        k[2, i] = k[8, i] + (np.random.poisson((tau - half) * inflow) if inflow > 0.0 else 0)  # noqa: NPY002
        y_new[i] = y[i] - k[1, i] + k[2, i]
    return tau


def lost_share(k: FloatArray, i: int, th: float) -> float:
    """The share of category i's expected losses in a leap (:func:`leap`) lost by ``th`` of
    it: the cubic Hermite of the expected loss from its rates at both ends, in [0, 1]."""
    l0, l1, e = k[4, i], k[5, i], k[6, i]
    if e <= 0.0:
        return th
    f = th * (l0 + th * (3.0 * e - 2.0 * l0 - l1 + th * (l0 + l1 - 2.0 * e))) / e
    return 0.0 if f < 0.0 else 1.0 if f > 1.0 else f


def stage_share(k: FloatArray, i: int, th: float) -> float:
    """The share of category i's losses drawn in a leap's stage that are lost by ``th`` of
    the leap: the expected-loss profile (:func:`lost_share`) within that stage."""
    h = lost_share(k, i, STAGE)
    if th <= STAGE:
        return lost_share(k, i, th) / h if h > 0.0 else th / STAGE
    return (lost_share(k, i, th) - h) / (1.0 - h) if h < 1.0 else (th - STAGE) / (1.0 - STAGE)


def on_path(k: FloatArray, i: int, th: float) -> tuple[float, float]:
    """Category i's mean losses and arrivals by ``th`` of a leap given the leap's draws
    (``k[7..8]`` by its midpoint, ``k[1..2]`` by its end), each rounded to whole units: the
    losses of each stage along :func:`stage_share`, its arrivals evenly."""
    if th <= STAGE:
        return np.rint(k[7, i] * stage_share(k, i, th)), np.rint(k[8, i] * th / STAGE)
    g = (th - STAGE) / (1.0 - STAGE)
    lost = k[7, i] + (k[1, i] - k[7, i]) * stage_share(k, i, th)
    return np.rint(lost), np.rint(k[8, i] + (k[2, i] - k[8, i]) * g)


def below(
    y: FloatArray, par: FloatArray, kr: int, lev_r: float, lev_b: float
) -> bool:  # fmt: skip
    """Whether either side of state ``y`` is at or below its level."""
    d = y.shape[0]
    o_w_r, o_w_b = layout(kr, d - kr)[2:4]
    if side_sum(y, par, o_w_r, 0, kr) <= lev_r:
        return True
    return side_sum(y, par, o_w_b, kr, d - kr) <= lev_b


def cross(
    y: FloatArray, k: FloatArray, y_new: FloatArray, lost: FloatArray, gained: FloatArray,
    par: FloatArray, kr: int, lev_r: float, lev_b: float,
) -> float:  # fmt: skip
    """The first state in a leap from ``y`` (:func:`leap`) at which a side is at its level,
    into ``y_new``, and its fraction of the leap; -1 (``y_new`` and ``k[1..2]`` as they
    were) when the path stays above both levels.  A depth-first search over the leap's
    brackets, its two stages first: a bracket from ``lo`` to ``hi`` can hold a crossing only
    if the state with every loss by ``hi`` and no arrival after ``lo`` is at a level; such
    a bracket of more than one event is halved, the units lost (arrived) by its midpoint
    drawn given those by its ends (a binomial bridge: each loss falls at a share
    :func:`stage_share` of its stage, each arrival uniformly), its first half searched
    first.  One event moves one side: no draw.  Counts by ``lo`` in ``k[0]`` (lost) and
    ``k[3]`` (arrived), by ``hi`` in ``k[1..2]``, the brackets still to search on a stack
    from ``k[STACK_ROW]`` (three rows each: lost, arrived, end)."""
    d = y.shape[0]
    top = 0
    for i in range(d):  # the stack's bottom: the second stage (to the leap's end)
        k[STACK_ROW, i], k[STACK_ROW + 1, i] = k[1, i], k[2, i]
        k[0, i], k[3, i], k[1, i], k[2, i] = 0.0, 0.0, k[7, i], k[8, i]
    k[STACK_ROW + 2, 0] = 1.0
    top, lo, hi = 1, 0.0, STAGE
    while True:
        events = 0.0
        for i in range(d):
            lost[i] = y[i] - k[1, i] + k[3, i]  # the lowest the path can be in [lo, hi]
            events += k[1, i] - k[0, i] + k[2, i] - k[3, i]
        if below(lost, par, kr, lev_r, lev_b):
            if events > 1.0 and top < STACK_DEPTH:
                mid = 0.5 * (lo + hi)
                row = STACK_ROW + 3 * top
                for i in range(d):
                    f_lo, f_hi = stage_share(k, i, lo), stage_share(k, i, hi)
                    p = (stage_share(k, i, mid) - f_lo) / (f_hi - f_lo) if f_hi > f_lo else 0.5
                    n_l, n_g = int(k[1, i] - k[0, i]), int(k[2, i] - k[3, i])
                    k[row, i], k[row + 1, i] = k[1, i], k[2, i]  # push [mid, hi]
                    k[1, i] = k[0, i] + (np.random.binomial(n_l, p) if n_l > 0 else 0)  # noqa: NPY002
                    k[2, i] = k[3, i] + (np.random.binomial(n_g, 0.5) if n_g > 0 else 0)  # noqa: NPY002
                k[row + 2, 0] = hi
                top += 1
                hi = mid
                continue
            for i in range(d):  # one event (or the stack is full): the state at hi
                lost[i] = y[i] - k[1, i] + k[2, i]
            if below(lost, par, kr, lev_r, lev_b):
                for i in range(d):
                    y_new[i] = lost[i]
                return 0.5 * (lo + hi)
        top -= 1  # no crossing in [lo, hi]: on to the next bracket
        if top < 0:
            return -1.0
        row = STACK_ROW + 3 * top
        for i in range(d):
            k[0, i], k[3, i] = k[1, i], k[2, i]
            k[1, i], k[2, i] = k[row, i], k[row + 1, i]
        lo, hi = hi, k[row + 2, 0]


def event(
    t: float, t_stop: float, y: FloatArray, loss: FloatArray, bound: FloatArray,
    par: FloatArray, kr: int, scratch: FloatArray,
) -> tuple[float, int]:  # fmt: skip
    """The next event of the exact simulation before ``t_stop``, ``loss`` holding the loss
    rates at (t, y): its time and category i (d + i: an arrival), or (``t_stop``, -1).
    Thinning against the larger of the loss rates at the two ends of the interval (the
    rates are linear in t there), none when the multipliers are flat (the rates then hold
    until the next event)."""
    d = y.shape[0]
    o_inflow = layout(kr, d - kr)[6]
    flat = par[7] == 0.0 and par[10] == 0.0  # the multipliers' slopes (.kernel.layout)
    if not flat:
        rates(t_stop, y, bound, par, kr, scratch, False)
    total = 0.0
    for i in range(d):
        bound[i] = (loss[i] if flat else max(bound[i], loss[i])) if y[i] > 0.0 else 0.0
        total += bound[i] + par[o_inflow + i]
    while True:
        if total <= 0.0:
            return t_stop, -1
        t += np.random.exponential(1.0 / total)  # noqa: NPY002
        if t >= t_stop:
            return t_stop, -1
        if not flat:
            rates(t, y, loss, par, kr, scratch, False)
        u = np.random.random() * total  # noqa: NPY002
        for i in range(d):
            r = loss[i] if y[i] > 0.0 else 0.0
            if u < r:
                return t, i
            if u < bound[i]:
                break  # a thinned candidate (rate r below its bound): no event
            u -= bound[i]
            if u < par[o_inflow + i]:
                return t, d + i
            u -= par[o_inflow + i]


def snap(
    traj: FloatArray, arrived: FloatArray, times: FloatArray, oi: int, until: float, t: float,
    y: FloatArray, got: FloatArray, k: FloatArray, tau: float,
) -> int:  # fmt: skip
    """A run's state at the output times ``times[oi:]`` up to ``until`` into ``traj``, and
    its arrivals by then (``got`` by t) into ``arrived``, read off its path from (t, y)
    without drawing: constant until the next event (``tau`` 0), or within a leap of ``tau``
    days its mean given the leap's draws (:func:`on_path`), in whole units.  Returns the
    next output time's index."""
    while oi < times.shape[0] and times[oi] <= until:
        th = (times[oi] - t) / tau if tau > 0.0 else 0.0
        for i in range(y.shape[0]):
            lost, gained = on_path(k, i, th) if tau > 0.0 else (0.0, 0.0)
            traj[oi, i] = y[i] - lost + gained
            arrived[oi, i] = got[i] + gained
        oi += 1
    return oi


def finish_arrived(arrived: FloatArray, times: FloatArray, t: float, got: FloatArray) -> None:
    """A run's arrivals ``got`` at its end (time ``t``) at every output time from ``t`` on,
    as :func:`.integrator.finish` does for its state: nothing joins a battle that is over."""
    for ti in range(times.shape[0]):
        if times[ti] >= t:
            for i in range(got.shape[0]):
                arrived[ti, i] = got[i]


def run_chunk(
    lo: int, hi: int, par: FloatArray, work: FloatArray, reps: int, t_max: float, epsilon: float,
    max_steps: int, tab: FloatArray, exact: NDArray[np.int8], seeds: IntArray,
    y0: FloatArray, ptab: FloatArray, level: FloatArray, by_breakpoint: FloatArray,
    hold: FloatArray, atol: FloatArray, mult_r: FloatArray, mult_b: FloatArray,
    arr_knots_r: FloatArray, arr_knots_b: FloatArray, arr_rates_r: FloatArray,
    arr_rates_b: FloatArray, stops: FloatArray, imp_r: IntArray, imp_b: IntArray,
    amt_r: FloatArray, amt_b: FloatArray, times: FloatArray, final: FloatArray,
    t_end: FloatArray, end_code: NDArray[np.int8], winner: NDArray[np.int8], traj: FloatArray,
    status: NDArray[np.int8], got: FloatArray, arrived: FloatArray,
) -> None:  # fmt: skip
    """Simulate runs ``lo..hi-1`` (run m: replication m % reps of scenario m // reps), in
    a chunk's own ``par`` and ``work`` arrays (:func:`work_shapes`); ``got``: arrivals,
    ``arrived``: arrivals by each output time."""
    d = y0.shape[1]
    kr = arr_rates_r.shape[2]
    kb = d - kr
    _, _, o_w_r, o_w_b, _, _, o_inflow, _ = layout(kr, kb)
    k, y, y_new, y_stage, scratch = work[:-4], work[-4], work[-3], work[-2], work[-1]
    n_stops = stops.shape[0]
    for m in range(lo, hi):
        n = m // reps
        seed_run(seeds[m])
        start_run(n, m, ptab, y0, times, traj, par, y)
        t, sp, steps, t_stop, oi = 0.0, 0, 0, -np.inf, 0
        while True:
            lev_r = level[n, 0] if t >= hold[n, 0] else -np.inf  # held: .runs.hold_until
            lev_b = level[n, 1] if t >= hold[n, 1] else -np.inf
            s_r, s_b = side_sum(y, par, o_w_r, 0, kr), side_sum(y, par, o_w_b, kr, kb)
            if s_r <= lev_r or s_b <= lev_b:
                win, code = end_rule(s_r <= lev_r, s_b <= lev_b, by_breakpoint[n, 0],
                                     by_breakpoint[n, 1], y, kr)  # fmt: skip
                finish(m, t, code, win, y, final, t_end, end_code, winner, traj, times)
                finish_arrived(arrived[m], times, t, got[m])
                break
            if t >= t_stop:  # the start, a stop, or a corner of this run's multipliers
                if t_stop == stops[sp]:
                    for i in range(d):
                        got[m, i] -= y[i]  # + y[i] after: the discrete arrivals, rounded
                    at_stop(sp, n, y, kr, imp_r, imp_b, amt_r, amt_b, True)
                    for i in range(d):
                        got[m, i] += y[i]
                    sp += 1
                    if sp >= n_stops:
                        finish(m, t, T_MAX, NONE, y, final, t_end, end_code, winner, traj, times)
                        finish_arrived(arrived[m], times, t, got[m])
                        break
                    t_stop = -np.inf
                    continue  # the arrivals: the end rule again
                nxt = step_inputs(t, n, mult_r, mult_b, arr_knots_r, arr_knots_b, arr_rates_r,
                                  arr_rates_b, par, kr)  # fmt: skip
            steps += 1
            if steps > max_steps:
                status[m] = TOO_MANY_STEPS
                break
            t_stop = min(stops[sp], nxt)
            gap = tau = t_stop - t
            events = 0.0  # expected in the leap: none for an exact run
            rates(t, y, k[0], par, kr, scratch, False)
            if not exact[n]:
                # a leap loses at most epsilon of either side (at the leap's start rates);
                # one that would hold few events is simulated event by event instead
                lr = side_sum(k[0], par, o_w_r, 0, kr)
                lb = side_sum(k[0], par, o_w_b, kr, kb)
                if lr > 0.0:
                    tau = min(tau, epsilon * s_r / lr)
                if lb > 0.0:
                    tau = min(tau, epsilon * s_b / lb)
                for i in range(d):
                    events += tau * (k[0, i] + par[o_inflow + i])
            if events < MIN_LEAP_EVENTS or s_r <= 0.0 or s_b <= 0.0:  # (a held side at 0)
                t_new, j = event(t, t_stop, y, k[0], y_stage, par, kr, scratch)
                oi = snap(traj[m], arrived[m], times, oi, t_new, t, y, got[m], k, 0.0)
                if j >= 0:
                    y[j % d] += 1.0 if j >= d else -1.0
                    got[m, j % d] += 1.0 if j >= d else 0.0
                t = t_new
                continue
            tau = leap(t, tau, y, k, y_new, y_stage, atol[n], par, kr, scratch, tab)
            t_new = t_stop if tau >= gap else t + tau
            # snapshots after the end: finish() rewrites them
            oi = snap(traj[m], arrived[m], times, oi, t_new, t, y, got[m], k, tau)
            for i in range(d):
                y_stage[i] = y[i] - k[1, i]  # the lowest the leap's path can go
            if below(y_stage, par, kr, lev_r, lev_b):  # the run may end in the leap
                f = cross(y, k, y_new, y_stage, scratch, par, kr, lev_r, lev_b)
                t_new = t + tau * f if f >= 0.0 else t_new
            t = t_new
            for i in range(d):
                got[m, i] += k[2, i]  # the leap's arrivals (leap; cross: to its end)
                y[i] = y_new[i]


def simulate_stochastic(
    eng: Engagement,
    *,
    replications: int,
    seed: int,
    t_max: float = 365.0,
    times: ArrayLike | None = None,
    keys: ArrayLike | None = None,
    method: StochasticMethod = "auto",
    epsilon: float = 0.01,
    max_iterations: int = 50_000_000,
    round_strengths: bool = False,
) -> BattleResult:
    """Run ``replications`` stochastic battles for each of the N scenarios of ``eng``.

    The chain counts whole units: initial strengths and discrete arrivals are rounded to
    the nearest whole unit, and (unless ``round_strengths``) refused where that changes
    one by more than :data:`.magnitudes.WHOLE_TOLERANCE` of it (1.4 v 0.6 thousand men is
    not a battle of 1 v 1: give 1400 v 600 men).  Returns N * replications runs,
    scenario-major (``result.scenario`` and ``result.replication`` say which is which).

    Parameters
    ----------
    t_max, times : float, sequence of float, optional
        Longest battle (days, > 0) and the days of the trajectory, as in :func:`.solve.simulate`.
    keys : array of int, shape (N,), optional
        The scenarios' random streams (default ``0..N-1``): global sample numbers in chunks.
    method : str
        ``auto`` (exact for scenarios of at most :data:`EXACT_LIMIT` units, arrivals due
        by ``t_max`` included, tau-leaping for larger ones, scenario by scenario),
        ``gillespie`` or ``tau_leap``.
    epsilon : float
        Tau-leaping: the largest expected loss per leap, as a fraction of a side.
    max_iterations : int
        Most events or leaps a run takes (an exact run expected to need more: refused).
    round_strengths : bool
        Round every strength to whole units whatever its fraction: the scenario runs (782.25
        tanks where a share of a count is present; the built-ins' largest rounding 0.056%).
    """
    t_max, times = stochastic_inputs(checked(eng).n, t_max, times, replications, seed, keys,
                                     epsilon, max_iterations, method)  # fmt: skip
    key_arr, N = check_stochastic(eng, keys, round_strengths), eng.n
    table = RunTable.build(eng, t_max=t_max, times=times, rtol=LEAP_RTOL, whole_units=True)
    units, auto = units_held(table, t_max), method == "auto"  # what the run will hold
    exact = (units <= EXACT_LIMIT if auto else np.full(N, method == "gillespie")).astype(np.int8)
    check_events(eng, table, exact, t_max, int(max_iterations))  # before hours of events
    seeds = states(int(seed), "replications", key_arr, replications).astype(np.int64).reshape(-1)
    M = N * replications
    out = KernelOutput.empty(M, table.y0.shape[1], times.size)
    got = np.zeros((M, table.y0.shape[1]))
    arrived = np.zeros((M, times.size, table.y0.shape[1]))
    compiled.compile_kernels(compiled.STOCHASTIC_KERNELS)
    from forceratio.simulator import stochastic

    compiled.run_chunked(
        stochastic.run_chunk, M, int(replications), float(t_max), float(epsilon),
        int(max_iterations), tableau.LEAP_TABLE, exact, seeds, *table.arrays(),
        *out.arrays(), got, arrived, chunk=64, work=work_shapes(table),
    )  # fmt: skip
    if np.any(out.status != OK):
        raise ForceratioError(
            f"stochastic engine: {int((out.status != OK).sum())} runs not finished after "
            f"{max_iterations} events or leaps"
        )
    used = {"gillespie" if e else "tau_leap" for e in exact}
    name = used.pop() if len(used) == 1 else "gillespie+tau_leap"
    rows = np.repeat(np.arange(N), replications)
    rep = np.tile(np.arange(replications, dtype=np.int64), N)
    # the start's rounding and arrivals at t = 0 (in y0) count with those drawn after it
    start = table.y0[rows] - np.concatenate([eng.red.strength, eng.blue.strength], axis=1)[rows]
    res = out.result(eng, times, name, rows, rep, got=got + start)
    if not times.size:
        return res
    arrived += start[:, None, :]
    kr = eng.red.k
    return dataclasses.replace(res, red_arrived_trajectory=arrived[:, :, :kr],
                               blue_arrived_trajectory=arrived[:, :, kr:])  # fmt: skip

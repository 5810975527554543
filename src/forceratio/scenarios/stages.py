"""A run in stages between the days a sector's mobile count changes (issue 13,
docs/design/issue13-mechanisms.md 8.12).

The engine's capture rate is one number per run, so a capacity to encircle that changes
at dates is integrated stage by stage: each stage starts from the previous one's state,
with the schedules (fire multipliers, arrivals) shifted to its start, the levels at which
each side is out kept as they were on day 0 (and a side held until its last arrival still
held), and the flows of the counts in force.  Runs that end in a stage keep their end; the
stages' outputs are joined into one :class:`~forceratio.simulator.result.BattleResult` on
the scenario's days.  The same equations as one run with a rate that steps at the change
days: a scenario without changes (or with changes after its end) runs exactly as before,
in one call.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from forceratio.scenarios.capacity import change_days, stage_flows
from forceratio.scenarios.multipliers import _knots
from forceratio.scenarios.schema import Scenario
from forceratio.simulator.engagement import Engagement, Side
from forceratio.simulator.operational import Flows
from forceratio.simulator.result import END_REASONS, BattleResult
from forceratio.simulator.runs import RunTable, reference
from forceratio.simulator.schedules import Multiplier, Reinforcements
from forceratio.simulator.solve import MAX_STEPS, simulate

FloatArray = NDArray[np.float64]
T_MAX = END_REASONS.index("t_max")


def _interp_rows(knots: FloatArray, values: FloatArray, t: FloatArray) -> FloatArray:
    """The piecewise-linear function with knots (M,) or (N, M) and values (N or 1, M)
    (held at its ends) at times t (N, T)."""
    n = max(values.shape[0], knots.shape[0] if knots.ndim == 2 else 1, t.shape[0])
    kn = np.broadcast_to(np.atleast_2d(knots), (n, knots.shape[-1]))
    va = np.broadcast_to(values, (n, values.shape[-1]))
    tt = np.broadcast_to(t, (n, t.shape[-1]))
    return np.stack([np.interp(tt[i], kn[i], va[i]) for i in range(n)])


def _shift_multiplier(m: Multiplier | None, start: float, n: int) -> Multiplier | None:
    """``m`` from day ``start`` on, with ``start`` as its day 0."""
    if m is None:
        return None
    kn = np.broadcast_to(np.atleast_2d(m.knots), (n, m.knots.shape[-1]))
    corners = np.concatenate([np.zeros((n, 1)), np.where(kn > start, kn - start, np.nan)], axis=1)
    new = _knots(corners)
    t = np.broadcast_to(np.atleast_2d(new), (n, new.shape[-1])) + start
    return Multiplier(new, _interp_rows(m.knots, m.values, t))


def _shift_reinforcements(r: Reinforcements | None, start: float) -> Reinforcements | None:
    """The arrivals after day ``start``, with ``start`` as day 0 (those on ``start`` came in
    the stage before, on its last stop); exposed in transit, the schedule from then on is
    what is left of it, exp(-k start) (the exposure still runs from the first day)."""
    if r is None:
        return None
    late = r.times > start
    times, amounts = r.times[late] - start, r.amounts[..., late, :]
    knots, rates = r.rate_knots, r.rates
    if r.exposed:
        left = np.exp(-r.transit_loss * start)[:, None, None]
        amounts, rates = amounts * left, rates * left
    if knots.size:
        after = knots > start
        if not after.any():
            knots, rates = np.zeros(0), rates[..., :0, :]
        else:
            j0 = int(np.argmax(after))  # the first knot after start
            if j0 == 0:
                knots = knots - start
            else:  # the interval across start, from start on
                knots = np.concatenate([[0.0], knots[j0:] - start])
                rates = rates[..., j0 - 1 :, :]
    if times.size == 0 and knots.size == 0:
        return None
    return Reinforcements(times, amounts, knots, rates, r.transit_loss)


def _levels(eng: Engagement) -> tuple[FloatArray, NDArray[np.bool_], FloatArray]:
    """Each side's level (N, 2) at which it is out, whether that is its breakpoint, and the
    day before which it cannot be out (:func:`~forceratio.simulator.runs.hold_until`)."""
    tab = RunTable.build(eng, t_max=1.0, times=np.zeros(0))
    return tab.level, tab.by_breakpoint.astype(bool), tab.hold


def _restart(side: Side, state: FloatArray, level: FloatArray, by_bp: NDArray[np.bool_],
             hold: FloatArray, start: float, flows: Flows) -> Side:  # fmt: skip
    """``side`` from day ``start``: its state then, its schedules shifted, the stage's
    flows, its hold (N,) kept (a side held until its last arrival on day ``hold`` stays
    held until then, whatever its strength on ``start``) and the breakpoint that keeps its
    level: a fraction of its strength on ``start``, or where it is still held of what it
    will measure against (:func:`~forceratio.simulator.runs.reference`: that strength plus
    what is still due by then; above 1 where it lost more on the way than its breakpoint
    allows, then out at its last arrival)."""
    left = np.where(hold > start, hold - start, 0.0)
    moved = dataclasses.replace(
        side,
        strength=np.ascontiguousarray(state),
        multiplier=_shift_multiplier(side.multiplier, start, side.n),
        reinforcements=_shift_reinforcements(side.reinforcements, start),
        flows=flows,
        hold=left if np.any(left > 0.0) else None,
    )
    power = (state * side.weights).sum(axis=1)
    held = left > 0.0
    ref = reference(moved, power, left) if held.any() else power
    with np.errstate(divide="ignore", invalid="ignore"):
        bp = np.where(by_bp & (ref > 0), level / ref, 0.0)
    bp = np.where(held, bp, np.clip(bp, 0.0, np.nextafter(1.0, 0.0)))
    return dataclasses.replace(moved, breakpoint=bp)


def simulate_staged(
    scn: Scenario,
    eng: Engagement,
    par: Mapping[str, FloatArray],
    n: int,
    times: FloatArray,
    *,
    method: str = "auto",
    rtol: float = 1e-7,
    max_steps: int = MAX_STEPS,
) -> BattleResult:
    """The deterministic runs of ``eng`` (N samples x S sectors) to the scenario's end in
    stages between its mobile counts' change days, recorded at ``times``; ``max_steps``:
    the integrator's most steps per battle in each stage (:func:`.simulate`'s)."""
    cuts = change_days(scn)
    t_max = float(scn.duration_days)
    if not cuts:
        return simulate(eng, t_max=t_max, times=times, method=method, rtol=rtol,  # type: ignore[arg-type]
                        max_steps=max_steps)  # fmt: skip
    bounds = [0.0, *cuts, t_max]
    rows, kr, kb = eng.n, eng.red.k, eng.blue.k
    level, by_bp, hold = _levels(eng)
    traj = np.zeros((rows, times.size, kr + kb))
    filled = np.zeros((rows, times.size), dtype=bool)
    final = np.zeros((rows, kr + kb))
    t_end = np.full(rows, t_max)
    end_code = np.full(rows, T_MAX, dtype=np.int8)
    winner = np.zeros(rows, dtype=np.int8)
    done = np.zeros(rows, dtype=bool)
    arrived = {"red": np.zeros(rows), "blue": np.zeros(rows)}
    transit = {"red": np.zeros((rows, kr)), "blue": np.zeros((rows, kb))}  # lost on the way
    cur = eng
    first: BattleResult | None = None
    for k, (a, z) in enumerate(itertools.pairwise(bounds)):
        if k > 0:
            fl = stage_flows(scn, par, n, a)
            red = _restart(eng.red, final[:, :kr], level[:, 0], by_bp[:, 0], hold[:, 0], a,
                           fl["USSR"])  # fmt: skip
            blue = _restart(eng.blue, final[:, kr:], level[:, 1], by_bp[:, 1], hold[:, 1], a,
                            fl["Germany"])  # fmt: skip
            cur = dataclasses.replace(eng, red=red, blue=blue)
        inside = (times >= a) & (times <= z)
        res = simulate(cur, t_max=z - a, times=times[inside] - a, method=method, rtol=rtol,  # type: ignore[arg-type]
                       max_steps=max_steps)  # fmt: skip
        first = res if first is None else first
        live = ~done
        idx = np.flatnonzero(inside)
        got = np.concatenate([res.red_trajectory, res.blue_trajectory], axis=2)
        new = live[:, None] & ~filled[:, idx]
        traj[:, idx] = np.where(new[:, :, None], got, traj[:, idx])
        filled[:, idx] |= live[:, None]
        here = np.concatenate([res.red_final_by_category, res.blue_final_by_category], axis=1)
        final = np.where(live[:, None], here, final)
        for key, got_arr in (("red", res.red_arrived), ("blue", res.blue_arrived)):
            if got_arr is not None:
                arrived[key] = arrived[key] + np.where(live, got_arr, 0.0)
        for key, lost in (
            ("red", res.red_transit_by_category),
            ("blue", res.blue_transit_by_category),
        ):
            if lost is not None:
                transit[key] = transit[key] + np.where(live[:, None], lost, 0.0)
        ended = live & (res.end_code != T_MAX)
        t_end = np.where(ended, a + res.end_time, t_end)
        end_code = np.where(ended, res.end_code, end_code).astype(np.int8)
        winner = np.where(ended, res.winner_code, winner).astype(np.int8)
        done |= ended
    # a run over before a recorded day holds its final state there (as the engine does)
    traj = np.where(filled[:, :, None], traj, final[:, None, :])
    assert first is not None
    return dataclasses.replace(
        first,
        winner_code=winner,
        end_code=end_code,
        duration=np.where(end_code != T_MAX, t_end, np.nan),
        end_time=t_end,
        red_final_by_category=final[:, :kr],
        blue_final_by_category=final[:, kr:],
        times=times,
        red_trajectory=traj[:, :, :kr],
        blue_trajectory=traj[:, :, kr:],
        red_arrived=arrived["red"] if first.red_arrived is not None else None,
        blue_arrived=arrived["blue"] if first.blue_arrived is not None else None,
        red_transit_by_category=transit["red"]
        if first.red_transit_by_category is not None
        else None,
        blue_transit_by_category=(
            transit["blue"] if first.blue_transit_by_category is not None else None
        ),
    )


def capture_schedule(
    scn: Scenario, par: Mapping[str, FloatArray], n: int
) -> tuple[FloatArray, list[dict[str, Flows]]] | None:
    """The change days (C,) and each stage's flows (C + 1), for the quadratures of the
    captured men (:mod:`.operations`); None without changes."""
    cuts = change_days(scn)
    if not cuts:
        return None
    return np.array(cuts), [stage_flows(scn, par, n, d) for d in [0.0, *cuts]]

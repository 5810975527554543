"""The input checks of a stochastic simulation (:func:`.stochastic.simulate_stochastic`)
that need the engagement: whole units, no transit losses, the scenarios' keys, and an
exact simulation expected to take more events than allowed (:func:`check_events`, refused
before it starts).  Kept apart from :mod:`.stochastic` and :mod:`.solve`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forceratio.errors import InputError
from forceratio.simulator.engagement import Engagement
from forceratio.simulator.magnitudes import check_engagement_whole
from forceratio.simulator.runs import RunTable, delivered, most_events
from forceratio.simulator.solve import integrate

IntArray = NDArray[np.int64]


def check_stochastic(eng: Engagement, keys: ArrayLike | None, round_strengths: bool) -> IntArray:
    """The checks of :func:`.stochastic.simulate_stochastic`'s engagement ``eng`` after its
    arguments' (:func:`forceratio.arguments.stochastic_inputs`): whole units (unless
    ``round_strengths``), no arrivals lost in transit, and the scenarios' ``keys``
    (default ``0..N-1``), returned as an array of shape (N,)."""
    if not round_strengths:
        check_engagement_whole(eng)
    for role, side in (("red", eng.red), ("blue", eng.blue)):
        if side.reinforcements is not None and side.reinforcements.exposed:
            raise InputError(
                f"{side.name or role}.reinforcements.transit_loss",
                "arrivals lost in transit are simulated deterministically only: set it to 0 "
                "for stochastic runs",
            )
    N = eng.n
    key_arr = np.arange(N, dtype=np.int64) if keys is None else np.asarray(keys, dtype=np.int64)
    if key_arr.shape != (N,) or np.any(key_arr < 0):
        raise InputError("keys", f"need {N} non-negative integer keys")
    return key_arr


def check_events(
    eng: Engagement, table: RunTable, exact: NDArray[np.int8], t_max: float, most: int
) -> None:  # fmt: skip
    """Refuse, before it starts, an exact stochastic simulation (``exact`` > 0) of a
    scenario of ``eng`` expected to take more than ``most`` events a run (``max_iterations``:
    it would draw them all and then fail, at ~2 us an event: the default 5e7, ~100 s a
    run).  The expectation is its deterministic path's units lost and arrived by its end,
    found only where :func:`.runs.most_events` allows more."""
    busy = np.flatnonzero((exact > 0) & (most_events(table, t_max) > most))
    if not busy.size:
        return
    r = integrate(eng, t_max=t_max, times=np.zeros(0))
    events = np.zeros(eng.n)
    rows = np.arange(eng.n)
    for side, final in ((eng.red, r.red_final_by_category), (eng.blue, r.blue_final_by_category)):
        got = delivered(side, r.end_time, rows)[0].sum(axis=1)  # units arrived by its end
        events += side.strength.sum(axis=1) + 2.0 * got - final.sum(axis=1)
    worst = int(busy[np.argmax(events[busy])])
    if events[worst] > most:
        raise InputError(
            "max_iterations", f"scenario {worst}: the exact simulation draws one event a unit "
            f"lost or arrived, about {events[worst]:.3g} a run (its deterministic path), more "
            f"than max_iterations {most}: use method 'tau_leap' or 'auto', or raise it",
        )  # fmt: skip

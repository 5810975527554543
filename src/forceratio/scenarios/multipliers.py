"""Each side's fire multiplier over time, m(t): the product of its modifiers, quality,
posture, air superiority, and Dupuy's surprise falling linearly to 1 over ``decay_days``.
A side ``unprepared`` until ``modifiers.posture.unprepared_until`` (issue 13: an army in
transit forms its groupings) takes its ``ready_posture`` over the next day.

m(t) is piecewise linear on knots (:class:`~forceratio.simulator.schedules.Multiplier`):
the corners of every factor (day 0, the end of the surprise, the start and end of the
posture change).  Where two ramps overlap (a surprise still wearing off while the posture
changes) their product is quadratic and is taken linear between the knots, an
approximation over at most one day.  The knots are shared by the batch when every sample
has the same corners, else one row per sample (a sweep over a day).  The capture switch
and the advance see the effective strength, so they follow the same schedule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from forceratio.scenarios.schema import SIDES

if TYPE_CHECKING:
    from forceratio.scenarios.build import Prepared

FloatArray = NDArray[np.float64]


def _knots(corners: FloatArray) -> FloatArray:
    """Strictly increasing knots from corner times (N, C) (NaN: no corner): (M,) when every
    sample has the same, else (N, M), a shorter row padded after its last corner (where
    the multiplier holds its last value)."""
    x = np.sort(corners, axis=1)  # NaN last
    dup = np.zeros(x.shape, dtype=bool)
    dup[:, 1:] = x[:, 1:] == x[:, :-1]
    x = np.sort(np.where(dup, np.nan, x), axis=1)
    valid = np.isfinite(x)
    count = valid.sum(axis=1)
    m = int(count.max())
    x, valid = x[:, :m], valid[:, :m]
    last = x[np.arange(x.shape[0]), count - 1]
    j = np.arange(m)[None, :]
    x = np.where(valid, x, last[:, None] + (j - count[:, None] + 1.0))
    return np.asarray(x[0] if np.all(x == x[0]) else x, dtype=float)


def fire_multipliers(
    prep: Prepared, par: Mapping[str, FloatArray], n: int
) -> tuple[FloatArray, dict[str, FloatArray]]:
    """(knots (M,) or (N, M), side -> multiplier values (N, M)) of each side's fire."""
    scn = prep.scenario
    mods = scn.modifiers
    pos = mods.posture
    decay = par["modifiers.surprise.decay_days"]
    # the posture change: from the unprepared factor on day D to the ready one on day D + 1
    until = par.get("modifiers.posture.unprepared_until", np.full(n, np.inf))
    until = np.where(until < scn.duration_days, until, np.inf)
    changes = np.isfinite(until)
    dated = sorted((c for c in pos.changes if c.day < scn.duration_days), key=lambda c: c.day)
    corners = np.stack(
        [
            np.zeros(n),
            np.where(decay > 0, decay, np.nan),
            np.where(changes, until, np.nan),
            np.where(changes, until + 1.0, np.nan),
        ]
        + [np.full(n, c.day + e) for c in dated for e in (0.0, 1.0)],
        axis=1,
    )
    knots = _knots(corners)
    t = np.broadcast_to(knots, (n, knots.shape[-1]))
    ready = np.clip(t - np.where(changes, until, 0.0)[:, None], 0.0, 1.0) * changes[:, None]

    def factor(posture: str) -> FloatArray:
        if posture == "attack":
            return np.ones(n)
        if posture == "unprepared":
            return par["modifiers.posture.unprepared_factor"]
        return np.full(n, prep.factors[f"posture.{posture}"])

    out: dict[str, FloatArray] = {}
    for side in SIDES:
        posture = getattr(pos, side)
        pf = np.broadcast_to(factor(posture)[:, None], t.shape)
        if posture == "unprepared":
            pf = pf + (factor(pos.ready_posture)[:, None] - pf) * ready
        for c in dated:  # the dated changes, each over one day from its day
            new = getattr(c, side)
            if new is not None:
                pf = pf + (factor(new)[:, None] - pf) * np.clip(t - c.day, 0.0, 1.0)
        value = par[f"modifiers.quality.{side}"][:, None] * pf
        if mods.air_strike.by == side:
            value = value * par["modifiers.air_strike.superiority_factor"][:, None]
        out[side] = np.array(value, dtype=float)
    if mods.surprise.surprised != "none" and mods.surprise.level != "none":
        surprised = mods.surprise.surprised
        surpriser = "Germany" if surprised == "USSR" else "USSR"
        d = decay[:, None]
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):  # clipped
            left = np.where(d > 0, np.clip(1.0 - t / d, 0, 1), 0.0)
        for side, key in ((surpriser, "surpriser_fire"), (surprised, "surprised_fire")):
            f = par[f"modifiers.surprise.{key}"][:, None]
            # f itself while the surprise is whole (1 + (f - 1) rounded f <= 1e-16 to 0, so
            # that 1e-20 ran as no fire while 1e-7 was refused as below MULTIPLIER_RANGE)
            out[side] = out[side] * (f * left + (1.0 - left))
    return knots, out

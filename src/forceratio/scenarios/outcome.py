"""The outcome rule's first rule, the engine's end, written once for every run.

A side has lost at the first of: it breaks (or is annihilated) in a sector, its captured
men pass a share, the attacker has advanced a depth (README, "Outcome rule";
:mod:`.operations` adds the last two when a flow is on).  The break is known from the
engine alone, so it decides a run with or without the operational outputs; only when no
rule fires does the attrition margin (the side keeping the larger share of its starting
combat power) decide.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from forceratio.simulator.result import BLUE, RED, T_MAX

FloatArray = NDArray[np.float64]
ObjectArray = NDArray[np.object_]
#: The outcome rule's names, in their order of precedence on a tie.
RULES = ("break", "captured", "depth", "attrition margin")
#: The winner when a side has lost ("draw": both sides at once).
BEATEN = {"USSR": "Germany", "Germany": "USSR", "draw": "draw"}


def first_break(
    t_end: FloatArray, end_code: NDArray[np.int64], win_code: NDArray[np.int64]
) -> tuple[FloatArray, ObjectArray]:
    """The engine's end rule over the sectors: per run (N, R), the day the earliest sector
    was decided by a break or an annihilation (``inf``: none was) and the side that lost it
    (``"USSR"``, ``"Germany"``, ``"draw"`` when both).  ``t_end``, ``end_code`` and
    ``win_code`` are per run and sector (N, R, S)."""
    t_break_s = np.where(np.asarray(end_code) != T_MAX, t_end, np.inf)
    first = np.argmin(t_break_s, axis=2)[..., None]
    t_break = np.take_along_axis(t_break_s, first, axis=2)[..., 0]
    won = np.take_along_axis(np.asarray(win_code), first, axis=2)[..., 0]
    loser = np.where(won == RED, "Germany", np.where(won == BLUE, "USSR", "draw"))
    return t_break, loser.astype(object)


def break_or_margin(
    t_end: FloatArray,
    end_code: NDArray[np.int64],
    win_code: NDArray[np.int64],
    margin_winner: ObjectArray,
) -> tuple[ObjectArray, ObjectArray]:
    """``winner`` and ``decided_by`` (N, R) of a run without operational outputs: the
    break when a sector was decided, else the attrition margin."""
    t_break, loser = first_break(t_end, end_code, win_code)
    broke = np.isfinite(t_break)
    beaten = np.vectorize(BEATEN.get, otypes=[object])(loser) if loser.size else loser
    winner = np.where(broke, beaten, margin_winner).astype(object)
    decided_by = np.where(broke, "break", "attrition margin").astype(object)
    return winner, decided_by

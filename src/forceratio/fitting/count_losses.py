"""Which losses a side's daily count uses, for the count likelihoods (:mod:`.casualties`).

**Which losses.** A side's ``{side}_losses`` column, when the series has one, is its daily
count (what a user giving it means; days left empty there do not enter); only a side without
that column has its losses taken as the day-to-day drops in its strength after arrivals, with
a note: where the strengths include returns to duty or unrecorded replacements, a drop is
not a count of casualties.  ``losses_from`` says which each side used.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from forceratio.fitting.data import Battle

FloatArray = NDArray[np.float64]


def daily_losses(b: Battle) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per interval j: red's and blue's losses (NaN where unknown) and the strengths at its
    start (after arrivals): (T-1,) each.  A side's losses are its loss column where the
    series has one (the row ending the interval), else the drop in its strength."""
    r0 = b.red[:-1] + b.red_in[:-1]
    b0 = b.blue[:-1] + b.blue_in[:-1]
    lr = r0 - b.red[1:] if b.red_loss is None else b.red_loss[1:]
    lb = b0 - b.blue[1:] if b.blue_loss is None else b.blue_loss[1:]
    return lr, lb, r0, b0


#: The start of the read-time note that the strengths' fit does not use a loss column (the
#: count likelihoods do, so it is left out of their notes).
_UNUSED_LOSSES = ("red_losses: not used", "blue_losses: not used")


def rows_word(b: Battle) -> str:
    """What a count covers, for the notes: "days" when every row is one day after the last,
    else "rows" (multi-day rows were called days)."""
    return "days" if np.all(np.diff(b.t) == 1.0) else "rows"


def loss_sources(b: Battle, used: list[int]) -> tuple[dict[str, str], list[str]]:
    """Which losses each side's count used, and the notes saying so."""
    src, notes = {}, [n for n in b.notes if not n.startswith(_UNUSED_LOSSES)]
    for side, col, n in (("red", b.red_loss, used[0]), ("blue", b.blue_loss, used[1])):
        if col is not None:
            src[side] = f"{side}_losses"
            notes.append(
                f"{side}: its daily losses are the {side}_losses column ({n} {rows_word(b)})"
            )
            notes.append(_long_steps(b, side, col))
        else:
            src[side] = "strength drops"
            notes.append(
                f"{side}: no {side}_losses column, so its daily losses are the drops in its "
                f"strength after arrivals ({n} {rows_word(b)}); where the strengths include "
                f"returns to duty or replacements not listed as arrivals, a drop is not a count "
                f"of casualties: give {side}_losses"
            )
    return src, [x for x in notes if x]


def _long_steps(b: Battle, side: str, col: FloatArray) -> str:
    """A note when ``side``'s loss column ends a step longer than the series' usual one (a
    day missing from a daily table: its row left out, not written empty): that row's losses
    are read as the whole step's.  On the real Ardennes series with three days' rows left
    out, the Poisson rates fell 11%, with no note (tests/fitting/test_loss_column_alignment.py)."""
    step, given = np.diff(b.t), np.isfinite(col[1:])
    if not given.any():
        return ""
    usual = float(np.median(step[given]))
    long = np.flatnonzero(given & (step > usual * (1.0 + 1e-9)))
    if not long.size:
        return ""
    j = int(long[0])
    first, last = b.day0 + b.t[j], b.day0 + b.t[j + 1]
    return (
        f"{side}_losses: {long.size} row(s) end a step longer than the usual {usual:g} day(s), "
        f"the first from day {first:g} to {last:g}: each such row's losses are read as the "
        "whole step's; if they are its last day's alone, give the days between as rows with "
        "empty cells (those days are then left out, not counted as days without losses)"
    )

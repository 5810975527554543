"""A battle's daily loss columns (``red_losses``, ``blue_losses``, :mod:`.data`).

A loss column fills the strength of a side on the days it is missing: its last strength
(observed, or so implied) plus the arrivals since, less each day's losses since; a day whose
losses are missing too breaks the chain until the next strength given.  Where a strength is
given, the strengths' fit uses it and the loss column is **not** used (the error model is
of reported strengths; losses and strengths of real tables rarely reconcile, since returns to
duty, unreported replacements and non-battle losses move one and not the other): a note says
so, and names the first row where they disagree by more than :data:`~.data.RISE_TOLERANCE`
of the strength (the count likelihoods of :mod:`.casualties` use the column, without that
note).  The first row's losses (before the series starts) are not used either.

A loss column must still be possible (review of hfit5): a day's losses larger than what the
side had at the start of that day (its last strength, given or implied, plus the arrivals
since) by more than that tolerance are refused naming the row and column; over a stretch
with no strength given this is the losses' cumulative sum against the strength before it
(from the first row: the initial strength plus the arrivals).  A negative loss is refused
when the cell is read.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from forceratio.errors import InputError

FloatArray = NDArray[np.float64]


def implied_strengths(
    side: str, obs: FloatArray, loss: FloatArray, arr: FloatArray, where: str,
    lines: list[int], tolerance: float,
) -> str:  # fmt: skip
    """Fill ``obs`` (men, NaN where not observed; changed in place) from the losses where
    the strength is missing; refuse impossible losses; the note on the rows where both are
    given ("" when there are none).  ``arr``: arrivals in the after-observation form."""
    level, since = float(obs[0]), 0  # the strength before row i, and the row it was last given
    both, first_off = 0, ""
    for i in range(1, len(obs)):
        before = level + float(arr[i - 1])  # what the side has during the day ending at row i
        lost = float(loss[i])
        if np.isfinite(lost) and np.isfinite(before) and lost > before * (1.0 + tolerance):
            had = f"its strength on row {lines[since]}" + (
                " less the losses since" if since < i - 1 else ""
            )
            raise InputError(
                f"{where}: row {lines[i]}, column {side}_losses",
                f"{lost:,.6g} lost in a day when {side} had {max(before, 0.0):,.6g} ({had}, "
                "plus any arrivals): more than the side had",
            )
        if np.isfinite(obs[i]):
            if np.isfinite(lost):
                both += 1
                fall = before - float(obs[i])
                if not first_off and abs(fall - lost) > tolerance * max(before, float(obs[i])):
                    first_off = (
                        f"row {lines[i]}: the strength falls by {fall:,.6g}, the column says "
                        f"{lost:,.6g}"
                    )
            level, since = float(obs[i]), i
        elif np.isfinite(lost) and np.isfinite(before):
            level = before - lost
            obs[i] = max(level, 0.0)
        else:
            level = np.nan
    if not both:
        return ""
    off = (
        f"; on some they disagree by more than {tolerance:.0%} of the strength ({first_off}): "
        "check the columns"
        if first_off
        else ""
    )
    return (
        f"{side}_losses: not used on the {both} rows where {side}'s strength is also given "
        f"(the fit uses the strengths; the losses fill only missing strengths){off}"
    )


def no_loss_note(name: str, obs: FloatArray, arrivals: FloatArray, losses: FloatArray) -> str:
    """A note when side ``name`` shows no loss: every strength observed at or above the
    first plus the arrivals since (``arrivals[j]`` joins after row j), and no positive loss
    in its loss column (NaN where not given).  The other side's rate, which these losses
    measure, is then bounded above only: its interval runs from 0 (README, fit)."""
    expected = obs[0] + np.concatenate([[0.0], np.cumsum(arrivals)[:-1]])
    seen = np.isfinite(obs)
    if np.any(obs[seen] < expected[seen]) or np.any(np.nan_to_num(losses[1:]) > 0):
        return ""
    other = "blue" if name == "red" else "red"
    return (
        f"{name}: no losses observed: the rate is bounded above only ({other}_rate, which "
        f"{name}'s losses measure: its interval runs from 0, its estimate sits at the floor)"
    )

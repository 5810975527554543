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

#: The fewest rows with both a strength fall and a loss for :func:`column_note` to judge a
#: column's layout (ASSUMPTION: 4, as a side seen fewer than four times is not checked for
#: a last fall either).
MIN_ROWS = 4
#: A layout is named when the column moved one row matches the falls with under this share
#: of the (median) mismatch on its own rows (ASSUMPTION: 0.5; false and found notes measured
#: on realistic reports in tests/fitting/test_loss_column_alignment.py) ...
ALIGNED = 0.5
#: ... and that mismatch is over this share of a day's median losses (ASSUMPTION: 0.1; where
#: a day's losses barely change from day to day, no layout can be told from another).
UNSEEN = 0.1


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


def _falls(obs: FloatArray, arr: FloatArray) -> FloatArray:
    """Each row's fall from the row before (men; NaN where either strength is missing, and
    for the first row): the strength before plus the arrivals since, less this one."""
    return np.concatenate([[np.nan], obs[:-1] + arr[:-1] - obs[1:]])


def column_note(side: str, obs: FloatArray, loss: FloatArray, arr: FloatArray) -> str:
    """A note when ``side``'s loss column, where the strengths are given too, looks laid out
    otherwise than the fit reads it ("" when it does not): a row's losses are those of the day
    ending at that row.  On the loss scale, not the strength's (5% of a strength is many days'
    losses): the column one row early (each row's losses match the fall to the *next* row,
    the layout of a table giving each day's start strength and its casualties on one line:
    the ACSDB Ardennes series), one row late, or running totals (never falling, and summing
    to over twice the strengths' falls).  ``obs`` the strengths as given (NaN where not),
    ``arr`` the arrivals in the after-observation form."""
    fall, col = _falls(obs, arr), f"{side}_losses"
    pairs = np.isfinite(fall) & np.isfinite(loss)
    if np.count_nonzero(pairs) < MIN_ROWS:
        return ""
    given = loss[np.isfinite(loss)]
    total, fell = float(loss[pairs].sum()), float(fall[pairs].sum())
    if given.size >= MIN_ROWS and np.all(np.diff(given) >= 0) and total > 2.0 * max(fell, 0.0):
        return (
            f"{col}: looks like running totals: it never falls over its {given.size} rows and "
            f"sums to {total:,.0f} where {side}'s strength falls by {fell:,.0f} over the same "
            "rows; the fit reads a row as the losses of that day alone: give the daily losses "
            "(the differences)"
        )
    for step, word, move in ((1, "early", "down"), (-1, "late", "up")):
        moved = np.roll(fall, -step)  # moved[i]: the fall to row i + step
        if step == 1:
            moved[-1] = np.nan
        else:
            moved[0] = np.nan
        both = pairs & np.isfinite(moved)
        if np.count_nonzero(both) < MIN_ROWS:
            continue
        own = float(np.median(np.abs(fall[both] - loss[both])))
        other = float(np.median(np.abs(moved[both] - loss[both])))
        if other < ALIGNED * own and own > UNSEEN * float(np.median(np.abs(loss[both]))):
            return (
                f"{col}: looks one row {word}: its losses match {side}'s strength falls one "
                f"row {'later' if step == 1 else 'earlier'} (median mismatch {other:,.0f} "
                f"men) far better than on their own rows ({own:,.0f} men); the fit reads a "
                f"row's losses as those of the day ending at that row: move the column {move} "
                "one row (or check it)"
            )
    return ""

"""A side's strength that rises beyond the arrivals recorded (:mod:`.data`): attrition
cannot produce a rise, so one larger than reporting noise is named in a note, or taken as
arrivals (``--rises arrivals``).  Two kinds are found: a single step above
:data:`RISE_TOLERANCE` of the strength, and a cumulative rise over several steps, none of
them above it (a steady flow of replacements folded into the strength, review18a), which
cannot be placed at one step and is never taken as arrivals."""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: A rise in a side's strength beyond the arrivals recorded that is larger than this share
#: of its strength cannot be reporting noise (ASSUMPTION: reports good to about 1-1.5%, so
#: two reports differ by more than 5% about once in a thousand); smaller rises are noise.
RISE_TOLERANCE = 0.05
RISES: tuple[str, ...] = ("note", "arrivals")


def _rises(obs: FloatArray, arr: FloatArray) -> list[tuple[int, int, float]]:
    """(i, j, men) for consecutive observations i < j between which the strength rises by
    more than :data:`RISE_TOLERANCE` beyond the arrivals recorded (after-observation form)."""
    idx = np.flatnonzero(np.isfinite(obs))
    out = []
    for i, j in itertools.pairwise(idx):
        came = float(arr[i:j].sum())
        rise = float(obs[j] - obs[i] - came)
        if rise > RISE_TOLERANCE * max(float(obs[i]) + came, float(obs[j])):
            out.append((int(i), int(j), rise))
    return out


def _neighbour_loss(obs: FloatArray, arr: FloatArray, t: FloatArray, i: int, j: int) -> float:
    """The side's losses over t[i]..t[j] at the median daily loss of up to two intervals on
    each side (intervals that are themselves rises left out): what an arrival inferred from
    a rise must add to it."""
    idx = np.flatnonzero(np.isfinite(obs))
    pos = int(np.searchsorted(idx, i))
    per_day = []
    for a, b in itertools.pairwise(idx):
        k = int(np.searchsorted(idx, a))
        if a == i or abs(k - pos) > 2:
            continue
        drop = float(obs[a] + arr[a:b].sum() - obs[b])
        if drop >= -RISE_TOLERANCE * float(obs[a] + arr[a:b].sum()):
            per_day.append(max(drop, 0.0) / float(t[b] - t[a]))
    return float(np.median(per_day)) * float(t[j] - t[i]) if per_day else 0.0


def check_rises(
    side: str, obs: FloatArray, arr: FloatArray, day: FloatArray, rises: str
) -> tuple[FloatArray, str]:
    """The arrivals (with each unexplained rise added when ``rises == "arrivals"``) and the
    note naming the rises."""
    found = _rises(obs, arr)
    if not found:
        return arr, ""
    shown = "; ".join(
        f"{men:,.0f} from day {day[i]:g} to day {day[j]:g}" for i, j, men in found[:3]
    )
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    total = sum(m for _, _, m in found)
    what = f"{side} rises beyond the arrivals recorded: {shown}{more} ({total:,.0f} men in all)"
    if rises == "note":
        return arr, (
            f"{what}. Attrition cannot produce a rise: the fit takes it as noise, which biases "
            f"the rate at which {side} is hit low. Give {side}_reinforcements (or check "
            "--arrivals), or take the rises as arrivals (rises='arrivals', --rises arrivals)"
        )
    arr = arr.copy()
    t = day - day[0]
    added = 0.0
    for i, j, men in found:
        extra = men + _neighbour_loss(obs, arr, t, i, j)
        arr[j - 1] += extra
        added += extra
    return arr, (
        f"{what}; taken as {added:,.0f} men of arrivals, each joining just before the "
        "observation that shows it: the rise plus the losses of the neighbouring days over the "
        "interval (an estimate, low when the arrivals joined early in a longer interval; the "
        "intervals leave out its error)"
    )

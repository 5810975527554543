"""A side's strength that rises beyond the arrivals recorded (:mod:`.data`): attrition
cannot produce a rise, so one larger than reporting noise is named in a note, or taken as
arrivals (``--rises arrivals``).  Two kinds are found: a single step above the
series' own noise (:data:`RISE_SDS`; :data:`RISE_TOLERANCE` in series too short to measure
it), and a cumulative rise over several steps, none of them above
:data:`RISE_TOLERANCE` (a steady flow of replacements folded into the strength), which
cannot be placed at one step and is never taken as arrivals.  Also here: a last 0 reached by
a fall far above the side's daily losses (:func:`zero_note`), which the fit would take as an
annihilation."""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.typing import NDArray

from forceratio.errors import InputError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: A rise in a side's strength beyond the arrivals recorded that is larger than this share
#: of its strength cannot be reporting noise (ASSUMPTION: reports good to about 1-1.5%, so
#: two reports differ by more than 5% about once in a thousand); smaller rises are noise.
RISE_TOLERANCE = 0.05
RISES: tuple[str, ...] = ("note", "arrivals")
#: A rise from one report to a later one (not the next) larger than this share of the
#: strength is named (:func:`_drift`): twice :data:`RISE_TOLERANCE`, since the largest of
#: the many differences between two reports is larger than one step's (ASSUMPTION: 10% is
#: 3.5 sd of the difference of two reports off by 2%; no note over 200 draws of 2% noise).
DRIFT_TOLERANCE = 2 * RISE_TOLERANCE
#: A single rise is named (:func:`_rises`) when the jump of the strength over its trend and
#: its net change across the step, fitted on up to :data:`RISE_WINDOW` reports on each side,
#: are both above this many standard errors of the reports' own noise measured from the
#: series (ASSUMPTION, set from the rates measured 2026-12-05 in
#: tests/fitting/test_fit_small_rises.py: at most 2-3 noise-only series in 100 get a
#: false note at 0.5%-5% lognormal noise).  :data:`RISE_NEAR`: the steps on each side that
#: give a step's usual change when clear rises are sought (:func:`_clear_steps`).
RISE_SDS, RISE_NEAR = 3.5, 3
#: The yardstick of :func:`_spread` leaves out values beyond this many robust standard
#: deviations (other rises), and :func:`_clear_steps` takes a step beyond it as a clear rise
#: where the windows stop (hfit7's measurement of the old single-step rule: 5 kept the
#: false-note and detection rates of the plain root-mean-square (4 and 5 false notes in 100
#: draws at 2% and 3% noise; a 10% rise found 55 and 17 times) and finds both of two 25%
#: rises in 37 of 40 draws, the plain one 19 (ASSUMPTION, measured 2026-12-04 on
#: tests/fitting's synthetic series; 4: 4 and 7 false notes, 39 of 40)).
RISE_TRIM = 5.0
#: A single rise at or below this share of the strength is never named, however clean the
#: reports (ASSUMPTION: keeps rounding in near-exact reports out; a hidden 2.5% rise
#: in the Ardennes series is above it).
RISE_FLOOR = 0.01
#: Reports on each side of a step that its jump is fitted on (fewer where the series ends or
#: a clear rise intervenes): 5 puts a jump's standard error at 1.28 and the net change's at
#: 1.10 times one report's error, against 1.41 for a single step (ASSUMPTION: a straight
#: trend over ten reports).
RISE_WINDOW = 5
#: The fewest reports left to measure the noise with before the fixed :data:`RISE_TOLERANCE`
#: decides alone (short series).
RISE_MIN_GAPS = 3
CHI2_1_MEDIAN = 0.454936  # scipy.stats.chi2(1).median()


def _rises(obs: FloatArray, arr: FloatArray, t: FloatArray) -> list[tuple[int, int, float]]:
    """(i, j, men) for consecutive observations i < j between which the strength rises by
    more than :data:`RISE_FLOOR` beyond the arrivals recorded (after-observation form)
    and by more than the reports' own noise explains: fitted on up to :data:`RISE_WINDOW`
    reports on each side (:func:`_shift`), both the jump over the trend and the net change
    across the step (a rise, not a day without losses) above :data:`RISE_SDS` standard
    errors, the reports' noise measured from the series itself (:func:`_gaps`, leaving out
    the reports next to this step or to a clear rise).  Where fewer than
    :data:`RISE_MIN_GAPS` reports are left to measure it, the fixed :data:`RISE_TOLERANCE`."""
    idx = np.flatnonzero(np.isfinite(obs))
    i, j = idx[:-1], idx[1:]
    came = np.array([float(arr[a:b].sum()) for a, b in zip(i, j, strict=True)])
    rise = obs[j] - obs[i] - came
    base = np.maximum(np.maximum(obs[i] + came, obs[j]), 1e-300)
    # the strength net of the arrivals recorded, as a share: a hidden arrival is a step up
    level = np.concatenate([[0.0], np.cumsum(rise / base)])
    clear = _clear_steps(rise / base / (t[j] - t[i]))
    shift = np.array([_shift(level, t[idx], k, clear) for k in range(rise.size)])
    gaps = _gaps(level, t[idx])
    out = []
    for k in range(rise.size):
        if rise[k] <= RISE_FLOOR * base[k]:
            continue
        # the reports on either side of this step and of any clear step are left out of
        # the yardstick: a rise moves them
        moved = np.r_[clear - 1, clear, k - 1, k]
        kept = np.delete(gaps, moved[(moved >= 0) & (moved < gaps.size)])
        if kept.size < RISE_MIN_GAPS:
            named = bool(rise[k] > RISE_TOLERANCE * base[k])
        else:
            noise = _spread(kept)
            jump, per_jump, net, per_net = shift[k]
            named = jump > RISE_SDS * noise * per_jump and net > RISE_SDS * noise * per_net
        if named:
            out.append((int(i[k]), int(j[k]), float(rise[k])))
    return out


def _gaps(level: FloatArray, t: FloatArray) -> FloatArray:
    """Each inner report's distance from the straight line through its two neighbours
    (shape (n - 2,)), scaled to one report's error (reports off independently by equal
    shares): what :func:`_spread` makes the reports' own noise of."""
    a, b = t[1:-1] - t[:-2], t[2:] - t[1:-1]
    w1, w2 = b / (a + b), a / (a + b)
    gap: FloatArray = (level[1:-1] - w1 * level[:-2] - w2 * level[2:]) / np.sqrt(
        1.0 + w1**2 + w2**2
    )
    return gap


def _clear_steps(step: FloatArray) -> IntArray:
    """The steps (shape (n,), shares a day) beyond :data:`RISE_TRIM` robust standard
    deviations of the side's usual change over up to :data:`RISE_NEAR` steps on each side:
    other rises (or reports far off), where a window of :func:`_shift` stops."""
    if step.size < 3:
        return np.zeros(0, dtype=np.int64)
    excess = np.empty_like(step)
    for k in range(step.size):
        near = np.r_[
            step[max(k - 1 - RISE_NEAR, 0) : max(k - 1, 0)], step[k + 2 : k + 2 + RISE_NEAR]
        ]
        excess[k] = step[k] - (np.median(near) if near.size else 0.0)
    robust = math.sqrt(float(np.median(excess**2)) / CHI2_1_MEDIAN)
    return np.flatnonzero(np.abs(excess) > RISE_TRIM * robust).astype(np.int64)


def _shift(
    level: FloatArray, t: FloatArray, k: int, clear: IntArray
) -> tuple[float, float, float, float]:
    """The jump of ``level`` (shape (n,), shares) at step k (between reports k and k + 1)
    over a straight trend through up to :data:`RISE_WINDOW` reports on each side, and the
    net change across the step (the jump plus the trend's change over it), each with its
    standard error per unit of report noise (reports off independently by equal shares):
    (jump, per_jump, net, per_net).  Least squares on ``level = a + b t + jump [after]``;
    with two reports only, no trend."""
    before, after = clear[clear < k], clear[clear > k]
    lo = max(k - RISE_WINDOW + 1, int(before[-1]) + 1 if before.size else 0)
    hi = min(k + 1 + RISE_WINDOW, int(after[0]) + 1 if after.size else level.size)
    rows = np.arange(lo, hi)
    dt = float(t[k + 1] - t[k])
    x = np.column_stack(
        [np.ones(rows.size), t[rows] - t[k], (rows > k).astype(float)]
        if rows.size > 2
        else [np.ones(rows.size), (rows > k).astype(float)]
    )
    cov = np.linalg.inv(x.T @ x)
    coef = cov @ x.T @ level[rows]
    g = np.array([0.0, dt, 1.0]) if rows.size > 2 else np.array([0.0, 1.0])
    return float(coef[-1]), math.sqrt(cov[-1, -1]), float(g @ coef), math.sqrt(g @ cov @ g)


def _spread(excess: FloatArray) -> float:
    """What reporting noise and day-to-day variation make of one report in this series, from
    the other reports' gaps (:func:`_gaps`; 0 with fewer than three): their root-mean-square
    once those beyond :data:`RISE_TRIM` times a robust scale are left out (the scale
    sqrt(median(x^2) / 0.4549), 0.4549 the median of chi-square with one degree of freedom,
    the standard deviation for normal steps). Other rises in the same series are not noise:
    a plain root-mean-square let two rises hide each other."""
    if excess.size < 3:
        return 0.0
    robust = math.sqrt(float(np.median(excess**2)) / CHI2_1_MEDIAN)
    kept = excess[np.abs(excess) <= RISE_TRIM * robust]
    return math.sqrt(float(np.mean(kept**2))) if kept.size >= 3 else robust


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


def _drift(obs: FloatArray, arr: FloatArray) -> tuple[int, int, float] | None:
    """The largest rise beyond the arrivals recorded from an observation to a later one that
    is not the next, as (i, j, men), when it is above :data:`DRIFT_TOLERANCE` of the strength
    (the larger of the two, arrivals included); None otherwise.  With ``L = obs - the
    arrivals so far``, the rise from i to j is ``L[j] - L[i]``: a running minimum."""
    idx = np.flatnonzero(np.isfinite(obs))
    before = np.concatenate([[0.0], np.cumsum(arr)])  # before[j]: the arrivals before row j
    level = obs[idx] - before[idx]
    best: tuple[int, int, float] | None = None
    share = DRIFT_TOLERANCE
    low = 0  # position (in idx) of the lowest level up to two observations back
    for pos in range(2, idx.size):
        if level[pos - 2] < level[low]:
            low = pos - 2
        i, j = int(idx[low]), int(idx[pos])
        rise = float(level[pos] - level[low])
        base = max(float(obs[i] + before[j] - before[i]), float(obs[j]))
        if base > 0 and rise > share * base:
            best, share = (i, j, rise), rise / base
    return best


def check_rises(
    side: str, obs: FloatArray, arr: FloatArray, day: FloatArray, rises: str
) -> tuple[FloatArray, str]:
    """The arrivals (with each unexplained single rise added when ``rises == "arrivals"``)
    and the note naming the rises; a cumulative rise (:func:`_drift`, on the arrivals with
    the single rises counted as such) is named in the note, and refused with
    ``"arrivals"``: it cannot be placed at one step."""
    new, note = _single(side, obs, arr, day, rises)
    found = _rises(obs, arr, day - day[0])
    explained = new.copy()
    if rises == "note":
        for _, j, men in found:
            explained[j - 1] += men
    drift = _drift(obs, explained)
    if drift is None:
        return new, note
    i, j, men = drift
    share = men / max(float(obs[i] + explained[i:j].sum()), float(obs[j]))
    what = (
        f"{side} rises by {men:,.0f} men ({share:.0%} of its strength) from day {day[i]:g} to "
        f"day {day[j]:g} beyond the arrivals recorded, in steps none of which is above "
        f"{RISE_TOLERANCE:.0%}"
    )
    if rises == "arrivals":
        raise InputError(
            f"column {side}",
            f"{what}: --rises arrivals takes only a single rise as arrivals, and a steady flow "
            f"cannot be placed at one step; give {side}_reinforcements (or {side}_losses with "
            "--likelihood poisson or negbin)",
        )
    drift_note = (
        f"{what}: a steady flow of replacements or returns folded into the strength? Attrition "
        f"cannot produce it: the fit takes it as noise, which biases the rate at which {side} "
        f"is hit low (to 0 when the rise outweighs the losses). Give {side}_reinforcements, or "
        f"{side}_losses with --likelihood poisson or negbin"
    )
    return new, "; ".join(x for x in (note, drift_note) if x)


def _single(
    side: str, obs: FloatArray, arr: FloatArray, day: FloatArray, rises: str
) -> tuple[FloatArray, str]:
    """:func:`check_rises` for the single rises above :data:`RISE_TOLERANCE`."""
    found = _rises(obs, arr, day - day[0])
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


#: A last 0 reached by a fall this many times the side's median daily loss before it is
#: noted as implausible for attrition (ASSUMPTION: a side's losses a day, b E^p O^q, do not
#: grow as it shrinks (q >= 0), so its last day's fall is about the days' before, reporting
#: noise aside).  Over the up to :data:`ZERO_DAYS` intervals before the last positive report.
ZERO_FACTOR, ZERO_DAYS = 3.0, 5


def zero_note(side: str, obs: FloatArray, arr: FloatArray, day: FloatArray) -> str:
    """A note when ``side``'s last report is 0 reached by a fall far above its daily losses
    before (a surrender, or the side no longer reported), which the fit would take as an
    annihilation it must reach; "" otherwise, or with fewer than two intervals before."""
    idx = np.flatnonzero(np.isfinite(obs))
    if idx.size < 4 or obs[idx[-1]] != 0.0 or obs[idx[-2]] <= 0.0:
        return ""
    per_day = []
    for a, b in itertools.pairwise(idx[-2 - ZERO_DAYS : -1]):
        per_day.append(max(float(obs[a] + arr[a:b].sum() - obs[b]), 0.0) / float(day[b] - day[a]))
    i, j = int(idx[-2]), int(idx[-1])
    fall = float(obs[i] + arr[i:j].sum()) / float(day[j] - day[i])
    usual = float(np.median(per_day))
    if fall <= ZERO_FACTOR * usual:
        return ""
    times = f"{fall / usual:.0f} times" if usual > 0 else "while it lost nothing on the days before"
    return (
        f"{side} falls from {obs[i]:,.0f} to 0 from day {day[i]:g} to day {day[j]:g}, {fall:,.0f} "
        f"a day, {times} its median daily loss over the {len(per_day)} intervals before "
        f"({usual:,.0f}): the fit takes the 0 as an annihilation its path must reach, which "
        f"pulls the rates; if {side} surrendered, broke or was no longer reported, leave that "
        "cell empty"
    )

"""Scenario discovery: the boxes of parameter space where an outcome holds, by the Patient
Rule Induction Method (PRIM) of Friedman & Fisher (1999), as scenario discovery uses it
(Bryant & Lempert 2010; Kwakkel & Jaxa-Rozen 2016).

A box is a set of conditions ``low <= parameter <= high``.  For the points of a sweep
(``x``, shape (n, d)) and a yes/no outcome (``y``, shape (n,)):

- *coverage*: the share of all the points where the outcome holds that fall in the box;
- *density*: the share of the points in the box where the outcome holds;
- *mass*: the share of all points that fall in the box.

Peeling (F&F section 3): from the box holding every point, repeatedly cut off the
``alpha`` share of the box's points at the low or the high end of one parameter, whichever
of the 2d candidate cuts leaves the highest density, until the box would hold less than
``min_mass`` of the points.  Each step is a point of the *peeling trajectory*; the box
chosen is the one with the largest coverage whose density reaches ``threshold``, the
densest of those on a tie in coverage (the densest box when none reaches ``threshold``).
Pasting (F&F section 4) then widens the chosen box again, ``alpha`` at a time, while that
raises its density; last, each edge the box restricts moves in to the last point where the
outcome holds (the same coverage, no lower density: a sharp flip is found where the data
put it, not up to one peel beyond it).  Covering (F&F section 5): the points of a box
found are set aside and the search repeats on the rest, for up to ``max_boxes`` boxes,
stopping when a box's density falls below ``threshold``.

Written here rather than taken from the EMA Workbench (``ema_workbench.analysis.prim``):
see README, "Scenario discovery".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from forceratio.errors import InputError

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Step:
    """One box on the peeling trajectory."""

    coverage: float
    density: float
    mass: float
    n: int
    restricted: int  # how many parameters the box restricts


@dataclass(frozen=True)
class Box:
    """A box: its limits on every parameter (``names`` order), and the statistics of the
    points it holds, measured on the whole sweep."""

    names: tuple[str, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    bounds: tuple[tuple[float, float], ...]  # the sweep's range of each parameter
    coverage: float
    density: float
    mass: float
    n: int
    trajectory: tuple[Step, ...] = field(default=(), repr=False)
    chosen: int = 0  # index of the box on its trajectory

    def conditions(self) -> list[dict[str, Any]]:
        """The restricted parameters only: ``{parameter, low, high}``."""
        out = []
        for j, name in enumerate(self.names):
            lo, hi = self.bounds[j]
            if self.low[j] > lo or self.high[j] < hi:
                out.append({"parameter": name, "low": self.low[j], "high": self.high[j]})
        return out

    def to_json(self, trajectory: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "conditions": self.conditions(),
            "coverage": self.coverage,
            "density": self.density,
            "mass": self.mass,
        }
        if trajectory:
            d["trajectory"] = [vars(s) for s in self.trajectory]
            d["chosen_step"] = self.chosen
        return d


def _inside(x: FloatArray, low: FloatArray, high: FloatArray) -> BoolArray:
    return np.asarray(np.all((x >= low) & (x <= high), axis=1))


def _peel(
    x: FloatArray, y: BoolArray, low: FloatArray, high: FloatArray, alpha: float, min_n: int
) -> tuple[FloatArray, FloatArray] | None:
    """The best of the 2d cuts of ``alpha`` of the box's points, or None when no cut keeps
    ``min_n`` points."""
    inside = _inside(x, low, high)
    xb, yb = x[inside], y[inside]
    best: tuple[float, int, int, float] | None = None  # density, n kept, (dim, side), edge
    for j in range(x.shape[1]):
        col = xb[:, j]
        for side in (0, 1):
            edge = float(np.quantile(col, alpha if side == 0 else 1.0 - alpha))
            keep = col >= edge if side == 0 else col <= edge
            if side == 0 and edge <= low[j]:  # ties: cut strictly past the edge
                keep = col > edge
            if side == 1 and edge >= high[j]:
                keep = col < edge
            n = int(keep.sum())
            if n < min_n or n == col.size:
                continue
            dens = float(yb[keep].mean())
            if best is None or (dens, n) > (best[0], best[1]):
                new_edge = float(col[keep].min() if side == 0 else col[keep].max())
                best = (dens, n, 2 * j + side, new_edge)
    if best is None:
        return None
    lo, hi = low.copy(), high.copy()
    j, side = divmod(best[2], 2)
    if side == 0:
        lo[j] = best[3]
    else:
        hi[j] = best[3]
    return lo, hi


def _paste(
    x: FloatArray, y: BoolArray, low: FloatArray, high: FloatArray, alpha: float
) -> tuple[FloatArray, FloatArray]:
    """Widen the box while one of the 2d widenings by ``alpha`` of its points raises the
    density (F&F section 4)."""
    while True:
        inside = _inside(x, low, high)
        n_in = int(inside.sum())
        dens = float(y[inside].mean()) if n_in else 0.0
        step = max(1, int(np.ceil(alpha * n_in)))
        best: tuple[float, FloatArray, FloatArray] | None = None
        for j in range(x.shape[1]):
            others = _inside(np.delete(x, j, axis=1), np.delete(low, j), np.delete(high, j))
            for side in (0, 1):
                cand = x[others & ((x[:, j] < low[j]) if side == 0 else (x[:, j] > high[j])), j]
                if cand.size == 0:
                    continue
                cand = np.sort(cand)
                # the ``step`` points nearest the box come in
                k = min(step, cand.size)
                edge = float(cand[-k] if side == 0 else cand[k - 1])
                lo, hi = low.copy(), high.copy()
                if side == 0:
                    lo[j] = edge
                else:
                    hi[j] = edge
                sel = _inside(x, lo, hi)
                d2 = float(y[sel].mean())
                if d2 > dens and (best is None or d2 > best[0]):
                    best = (d2, lo, hi)
        if best is None:
            return low, high
        _, low, high = best


def _tighten(
    x: FloatArray, y: BoolArray, lo: FloatArray, hi: FloatArray, low: FloatArray, high: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Each edge the box restricts (not at the sweep's own ``low``/``high``) moved in to the
    last point inside where the outcome holds: the same coverage, the density no lower, and
    the edge at the data's flip rather than up to one peel (``alpha`` of the points)
    beyond it."""
    sel = _inside(x, lo, hi) & y
    if not sel.any():
        return lo, hi
    inner_lo, inner_hi = x[sel].min(axis=0), x[sel].max(axis=0)
    return np.where(lo > low, inner_lo, lo), np.where(hi < high, inner_hi, hi)


def _choose(steps: Sequence[Step], threshold: float) -> int:
    """The step of the trajectory to keep: the largest coverage among the boxes whose
    density reaches ``threshold``, a tie on coverage going to the densest (then the
    smallest: peeling on past the last point where the outcome fails loses no coverage,
    and the box that stops at the flip is the answer, not the first box over the
    threshold); the densest box when none reaches it."""
    good = [i for i, s in enumerate(steps) if s.density >= threshold]
    if not good:
        return int(np.argmax([s.density for s in steps]))
    return max(good, key=lambda i: (steps[i].coverage, steps[i].density, -steps[i].n))


def prim(
    x: FloatArray,
    y: Any,
    names: Sequence[str],
    *,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    threshold: float = 0.8,
    max_boxes: int = 3,
    paste: bool = True,
) -> list[Box]:
    """Boxes where ``y`` holds, best first (see the module docstring)."""
    x = np.asarray(x, dtype=float)
    yy = np.asarray(y, dtype=bool)
    if x.ndim != 2 or x.shape[0] != yy.size or x.shape[1] != len(names):
        raise InputError("x", "need one value per sample for every parameter")
    if not 0.0 < alpha < 0.5:
        raise InputError("alpha", f"must be in (0, 0.5), got {alpha:g}")
    if not 0.0 < min_mass < 1.0:
        raise InputError("min_mass", f"must be in (0, 1), got {min_mass:g}")
    if not 0.0 <= threshold <= 1.0:
        raise InputError("threshold", f"must be in [0, 1], got {threshold:g}")
    if not np.all(np.isfinite(x)):
        raise InputError("x", "parameter values must be finite")
    n_all = yy.size
    total = int(yy.sum())
    bounds = tuple((float(c.min()), float(c.max())) for c in x.T) if n_all else ()
    boxes: list[Box] = []
    remaining = np.ones(n_all, dtype=bool)
    min_n = max(1, int(np.ceil(min_mass * n_all)))
    while len(boxes) < max_boxes and total and yy[remaining].any():
        xr, yr = x[remaining], yy[remaining]
        low = np.array([b[0] for b in bounds])
        high = np.array([b[1] for b in bounds])
        path = [(low, high)]
        while True:
            nxt = _peel(xr, yr, path[-1][0], path[-1][1], alpha, min_n)
            if nxt is None:
                break
            path.append(nxt)
        steps = []
        for lo, hi in path:
            sel = _inside(xr, lo, hi)
            n = int(sel.sum())
            restricted = int(np.sum((lo > low) | (hi < high)))
            steps.append(
                Step(float(yr[sel].sum() / total), float(yr[sel].mean()), n / n_all, n, restricted)
            )
        chosen = _choose(steps, threshold)
        lo, hi = path[chosen]
        if paste:
            lo, hi = _paste(xr, yr, lo, hi, alpha)
        lo, hi = _tighten(xr, yr, lo, hi, low, high)
        sel = _inside(xr, lo, hi)
        dens = float(yr[sel].mean())
        if boxes and dens < threshold:
            break
        boxes.append(
            Box(
                tuple(names),
                tuple(float(v) for v in lo),
                tuple(float(v) for v in hi),
                bounds,
                float(yr[sel].sum() / total),
                dens,
                float(sel.sum() / n_all),
                int(sel.sum()),
                tuple(steps),
                chosen,
            )
        )
        idx = np.flatnonzero(remaining)
        remaining[idx[sel]] = False
        if not boxes[-1].conditions():  # the whole space: nothing more to cover
            break
    return boxes


_OPS = ("<=", ">=", "<", ">")
#: The fewest samples :func:`discover` searches (a fresh ``discover`` sweep's least ``--samples``).
MIN_SAMPLES = 16


class Held(NamedTuple):
    """Whether an outcome holds in each row of a sweep (``held``), whether it was measured
    there at all (``known``: False where an outcome column is not a number), and the outcome
    in words."""

    held: BoolArray
    known: BoolArray
    words: str


def outcome_holds(df: Any, outcome: str) -> Held:
    """Whether ``outcome`` holds in each row of a sweep's table, where it is known, and the
    outcome in words: ``winner`` (the attacker wins), ``defender`` (the defender wins), or a
    threshold on an outcome column (``soviet_losses<500000``, ``attacker_margin>=0.1``).
    A row whose column is not a number (NaN) is unknown, neither holding nor failing; an
    infinite value compares as one (``loss_exchange_ratio>2`` holds at +inf)."""
    from forceratio.plots.labels import outcome_label
    from forceratio.sweeps.evaluate import OUTCOMES

    text = outcome.replace(" ", "")
    every = np.ones(len(df), dtype=bool)
    if text in ("winner", "attacker"):
        return Held(np.asarray(df["attacker_wins"], dtype=bool), every, "the attacker wins")
    if text == "defender":
        held = ~np.asarray(df["attacker_wins"], dtype=bool) & (np.asarray(df["winner"]) != "draw")
        return Held(np.asarray(held), every, "the defender wins")
    for op in _OPS:
        name, sep, value = text.partition(op)
        if not sep:
            continue
        if name not in OUTCOMES:
            raise InputError("outcome", f"unknown outcome {name!r}; choose {', '.join(OUTCOMES)}")
        try:
            level = float(value)
        except ValueError:
            raise InputError("outcome", f"{value!r} is not a number") from None
        if not np.isfinite(level):  # every comparison with NaN is false
            raise InputError("outcome", f"{name}{op}{value}: the level must be finite")
        col = np.asarray(df[name], dtype=float)
        known = ~np.isnan(col)
        if col.size and not known.any():  # not "in none of the samples"
            raise InputError("outcome", f"{name} is not a number in any of the {col.size:,} rows")
        with np.errstate(invalid="ignore"):
            held = {"<=": col <= level, ">=": col >= level, "<": col < level, ">": col > level}[op]
        return Held(np.asarray(held & known), known, f"{outcome_label(name)} {op} {level:g}")
    raise InputError(
        "outcome", f"expected winner, defender or COLUMN<VALUE / COLUMN>VALUE, got {outcome!r}"
    )


class Discovery(NamedTuple):
    """What :func:`discover` found: the boxes, the outcome in words, the samples searched
    and the samples left out because the outcome was not a number in any of their runs."""

    boxes: list[Box]
    words: str
    samples: int
    unknown: int = 0


def discover(df: Any, params: Sequence[str], outcome: str = "winner", **options: Any) -> Discovery:
    """PRIM boxes of a sweep's table (one row per sample and replication): with
    replications, the outcome of a sample is whether it holds in at least half of its runs
    where it is known.  A run whose outcome column is not a number is left out (not counted
    as the outcome failing), a sample none of whose runs is known too, and their number is
    returned with the boxes; coverage, density and mass are over the samples searched."""
    if df.empty:
        raise InputError("df", "the sweep holds no rows")
    missing = [p for p in params if p not in df.columns]
    if missing:
        raise InputError("params", f"the sweep did not vary {missing[0]!r}")
    for p in params:  # named here: prim only knows its matrix
        bad = int((~np.isfinite(np.asarray(df[p], dtype=float))).sum())
        if bad:
            raise InputError(p, f"not a finite number in {bad:,} of {len(df):,} rows")
    held, known, words = outcome_holds(df, outcome)
    if "sample" in df.columns and df["sample"].duplicated().any():
        frame = df[["sample", *params]].assign(_held=held, _known=known)
        per = frame.groupby("sample", sort=True).agg(
            {**dict.fromkeys(params, "first"), "_held": "sum", "_known": "sum"}
        )
        x_all = per[list(params)].to_numpy(dtype=float)
        n_known = per["_known"].to_numpy()
        keep = n_known > 0
        y_all = per["_held"].to_numpy() >= 0.5 * np.maximum(n_known, 1)
    else:
        x_all = df[list(params)].to_numpy(dtype=float)
        keep, y_all = known, held
    x, y = x_all[keep], y_all[keep]
    unknown = int(keep.size - keep.sum())
    left_out = f" ({unknown:,} more left out: the outcome is not a number there)" if unknown else ""
    if y.size < MIN_SAMPLES:  # nothing to peel: one sample's "box" is the whole space
        raise InputError(
            "samples",
            f"PRIM needs at least {MIN_SAMPLES} samples to peel a box, got {y.size}{left_out}",
        )
    if not y.any():
        raise InputError("outcome", f"{words}: in none of the {y.size} samples{left_out}")
    return Discovery(prim(x, y, list(params), **options), words, int(y.size), unknown)

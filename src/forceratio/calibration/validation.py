"""Leave-one-group-out: refit without each group's records, then predict them.

For the 1941 record a group is an operation; leaving it out and predicting its losses is
the honest test of whether the shared parameters carry over.  Records with an empty group
are never left out.  Each refit is a full calibration (``fit_map`` by default, or the
sampler); the held-out records are predicted at the refit's point estimate.

The per-group error is ``exp(mean |log(model / historical)|) - 1`` over the group's records,
so that an over- and an under-prediction within one operation cannot cancel; a bound the
model meets counts as exact (a lower bound reached, an upper bound not exceeded: each only
says "at least" or "at most").  Beside it, the signed geometric-mean error
``exp(mean log(model / historical)) - 1`` says in which direction the group is missed.
An interval record the model falls inside counts as exact, outside it is measured from the
nearer end.  A record out of the likelihood is predicted and reported, but left out of its
group's errors (it is not fitted either: the errors measure what the fit was asked to meet);
a group with no record in the likelihood is not refitted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from forceratio.arguments import Seed, seed_sequence
from forceratio.calibration.mode import fit_map
from forceratio.calibration.problem import Problem
from forceratio.calibration.result import CalibrationResult
from forceratio.errors import InputError

FloatArray = NDArray[np.float64]
#: The columns of :attr:`LeaveOneOut.groups`.
GROUP_COLUMNS = ["held_out", "relative_error", "geometric_mean_error", "n_records"]

Fit = Callable[[Problem, np.random.SeedSequence], CalibrationResult]


def _map_fit(problem: Problem, seed: np.random.SeedSequence) -> CalibrationResult:
    return fit_map(problem, seed=seed)


@dataclass(frozen=True)
class LeaveOneOut:
    """records : one row per held-out record (held_out, record, kind, historical, model,
    relative_error, lower_bound, upper_bound); groups : one row per group
    (:func:`groups_of`: held_out, relative_error, geometric_mean_error, n_records); fits :
    the refits by group."""

    records: pd.DataFrame
    groups: pd.DataFrame
    fits: dict[str, CalibrationResult]

    @property
    def median_absolute_error(self) -> float:
        return float(np.median(np.abs(self.groups["relative_error"])))


def _log_ratios(
    model: ArrayLike,
    historical: ArrayLike,
    lower: ArrayLike,
    upper: ArrayLike | None,
    low: ArrayLike | None = None,
    high: ArrayLike | None = None,
) -> FloatArray:
    """ln(model / historical) per record, 0 for a bound the model meets; for an interval
    (``low``/``high`` finite) 0 inside it, else ln(model / the nearer end)."""
    m = np.asarray(model, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(m / np.asarray(historical, dtype=float))
        met = np.asarray(lower, dtype=bool) & (logs >= 0.0)
        if upper is not None:
            met |= np.asarray(upper, dtype=bool) & (logs <= 0.0)
        out = np.where(met, 0.0, logs)
        if low is not None and high is not None:
            lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
            iv = np.isfinite(lo) & np.isfinite(hi)
            gap = np.where(m < lo, np.log(m / lo), np.where(m > hi, np.log(m / hi), 0.0))
            out = np.where(iv, gap, out)
    return np.asarray(out)


def group_error(
    model: ArrayLike,
    historical: ArrayLike,
    lower: ArrayLike,
    upper: ArrayLike | None = None,
    low: ArrayLike | None = None,
    high: ArrayLike | None = None,
) -> float:
    """``exp(mean |ln(model / historical)|) - 1`` (>= 0): errors of opposite sign do not
    cancel; a met bound (or an interval the model falls in) counts as exact."""
    logs = _log_ratios(model, historical, lower, upper, low, high)
    return float(np.expm1(np.mean(np.abs(logs))))


def group_bias(
    model: ArrayLike,
    historical: ArrayLike,
    lower: ArrayLike,
    upper: ArrayLike | None = None,
    low: ArrayLike | None = None,
    high: ArrayLike | None = None,
) -> float:
    """The signed ``exp(mean ln(model / historical)) - 1``: over- and under-predictions
    cancel; a met bound (or an interval the model falls in) counts as exact."""
    return float(np.expm1(np.mean(_log_ratios(model, historical, lower, upper, low, high))))


def groups_of(records: pd.DataFrame) -> pd.DataFrame:
    """Per held-out group of ``records`` (rows with held_out, model, historical,
    lower_bound and optionally upper_bound, low/high, in_likelihood): ``relative_error``
    (:func:`group_error`), ``geometric_mean_error`` (:func:`group_bias`) and ``n_records``
    (those in the likelihood: a record out of it is not counted), in first-seen order."""
    rows = []
    if "in_likelihood" in records:
        records = records[records["in_likelihood"].fillna(True).astype(bool)]
    for g, mine in records.groupby("held_out", sort=False):
        upper = mine["upper_bound"].fillna(False) if "upper_bound" in mine else None
        ends = (mine["low"], mine["high"]) if "low" in mine and "high" in mine else (None, None)
        args = (mine["model"], mine["historical"], mine["lower_bound"], upper, *ends)
        rows.append(
            {
                "held_out": str(g),
                "relative_error": group_error(*args),
                "geometric_mean_error": group_bias(*args),
                "n_records": len(mine),
            }
        )
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def leave_one_group_out(
    problem: Problem,
    *,
    fit: Fit = _map_fit,
    seed: Seed = 0,
    groups: list[str] | None = None,
) -> LeaveOneOut:
    """Refit without each group (all named groups by default) and predict it.

    fit : (problem, seed) -> result; ``fit_map`` by default (seconds per group); pass e.g.
    ``lambda p, s: sample_posterior(p, seed=s)`` for full posteriors.
    """
    rec = problem.records
    fitted = {r.group for r in rec if r.in_likelihood}
    todo = [g for g in rec.groups if g and g in fitted] if groups is None else list(groups)
    unknown = [g for g in todo if g not in problem.records.groups]
    if unknown:
        raise InputError("groups", f"unknown groups {unknown}")
    if len(todo) < 2:
        raise InputError("groups", "leave-one-group-out needs at least two groups")
    seeds = seed_sequence(seed).spawn(len(todo))
    rows: list[dict[str, object]] = []
    fits: dict[str, CalibrationResult] = {}
    hist = problem.records.values
    lower = problem.records.lower_bound
    for g, s in zip(todo, seeds, strict=True):
        held = problem.records.in_group(g)
        result = fit(problem.without(held), s)
        fits[g] = result
        batch, _ = problem.full(result.point[None, :])
        pred = problem.predict(batch)[0]
        for j in np.flatnonzero(held):
            r = problem.records.items[j]
            rows.append(
                {
                    "held_out": g,
                    "record": r.name,
                    "kind": r.kind,
                    "historical": float(hist[j]),
                    "model": float(pred[j]),
                    "relative_error": float(pred[j] / hist[j] - 1.0),
                    "lower_bound": bool(lower[j]),
                    "upper_bound": r.upper_bound,
                    "low": np.nan if r.low is None else r.low,
                    "high": np.nan if r.high is None else r.high,
                    "in_likelihood": r.in_likelihood,
                    "reason": r.reason,
                }
            )
    records = pd.DataFrame(rows)
    return LeaveOneOut(records, groups_of(records), fits)

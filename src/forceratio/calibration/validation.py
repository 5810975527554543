"""Leave-one-group-out: refit without each group's records, then predict them.

For the 1941 record a group is an operation; leaving it out and predicting its losses is
the honest test of whether the shared parameters carry over.  Records with an empty group
are never left out.  Each refit is a full calibration (``fit_map`` by default, or the
sampler); the held-out records are predicted at the refit's point estimate.

The per-group error is the geometric-mean ratio minus one over the group's records, a
lower-bound record counting as exact when the model reaches it (it only says "at least"):
``exp(mean(log(model / historical))) - 1``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forceratio.calibration.mode import Seed, fit_map, seed_sequence
from forceratio.calibration.problem import Problem
from forceratio.calibration.result import CalibrationResult
from forceratio.errors import InputError

Fit = Callable[[Problem, np.random.SeedSequence], CalibrationResult]


def _map_fit(problem: Problem, seed: np.random.SeedSequence) -> CalibrationResult:
    return fit_map(problem, seed=seed)


@dataclass(frozen=True)
class LeaveOneOut:
    """records : one row per held-out record (held_out, record, kind, historical, model,
    relative_error, lower_bound); groups : one row per group (held_out, relative_error,
    n_records); fits : the refits by group."""

    records: pd.DataFrame
    groups: pd.DataFrame
    fits: dict[str, CalibrationResult]

    @property
    def median_absolute_error(self) -> float:
        return float(np.median(np.abs(self.groups["relative_error"])))


def group_error(model: np.ndarray, historical: np.ndarray, lower: np.ndarray) -> float:
    """Geometric-mean relative error, a satisfied lower bound counting as exact."""
    ratio = np.asarray(model, dtype=float) / np.asarray(historical, dtype=float)
    ratio = np.where(np.asarray(lower, dtype=bool) & (ratio >= 1.0), 1.0, ratio)
    with np.errstate(divide="ignore"):
        return float(np.exp(np.mean(np.log(ratio))) - 1.0)


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
    todo = [g for g in problem.records.groups if g] if groups is None else list(groups)
    unknown = [g for g in todo if g not in problem.records.groups]
    if unknown:
        raise InputError("groups", f"unknown groups {unknown}")
    if len(todo) < 2:
        raise InputError("groups", "leave-one-group-out needs at least two groups")
    seeds = seed_sequence(seed).spawn(len(todo))
    rows: list[dict[str, object]] = []
    summary: list[dict[str, object]] = []
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
                }
            )
        summary.append(
            {
                "held_out": g,
                "relative_error": group_error(pred[held], hist[held], lower[held]),
                "n_records": int(held.sum()),
            }
        )
    return LeaveOneOut(pd.DataFrame(rows), pd.DataFrame(summary), fits)

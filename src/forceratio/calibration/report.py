"""A calibration as JSON-ready data (the shape of ``forceratio calibrate --format json``).

Keys: ``method``; ``parameters`` (name -> median, map, ci90/ci95 low/high as credible
intervals, prior_low/high); ``residuals`` (record, kind, group, historical, model,
relative_error, lower_bound); ``predictive`` (quantiles per record); ``posterior_draws``;
``diagnostics`` (None for the MAP mode); and, when a leave-one-group-out is given,
``out_of_sample`` (held_out, record, historical, model, relative_error, lower_bound per
record) and ``out_of_sample_groups`` (held_out; relative_error, exp(mean |ln(model /
historical)|) - 1, which cannot cancel; the signed geometric_mean_error; n_records).  Non-finite
numbers become None, which JSON can hold.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from forceratio.calibration.result import CalibrationResult
from forceratio.calibration.validation import LeaveOneOut


def clean(v: Any) -> Any:
    """Plain JSON data: numpy scalars as Python numbers, non-finite floats as None."""
    if isinstance(v, dict):
        return {str(k): clean(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [clean(x) for x in v]
    if hasattr(v, "item"):  # numpy scalars
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in df.to_dict(orient="records")]


def to_json(result: CalibrationResult, loo: LeaveOneOut | None = None) -> dict[str, Any]:
    """The result (and an optional leave-one-group-out) as plain, JSON-ready data."""
    params = result.parameters.drop(columns=["label"], errors="ignore")
    out: dict[str, Any] = {
        "method": result.method,
        "parameters": {str(k): dict(v) for k, v in params.to_dict(orient="index").items()},
        "residuals": _rows(result.residuals),
        "predictive": _rows(result.predictive),
        "posterior_draws": result.posterior_draws,
        "diagnostics": None if result.diagnostics is None else result.diagnostics.to_dict(),
    }
    if loo is not None:
        out["out_of_sample"] = _rows(loo.records)
        out["out_of_sample_groups"] = _rows(loo.groups)
    return dict(clean(out))

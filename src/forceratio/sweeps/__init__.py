"""Sweeps, sensitivity and thresholds over a scenario's parameters.

``design`` (chunk-invariant sampling designs), ``evaluate`` (one chunk through the engine),
``store`` (atomic Parquet parts and a manifest), ``runner`` (in process, local workers or
Dask), ``sensitivity`` (Sobol indices, thresholds).
"""

from __future__ import annotations

from forceratio.sweeps.design import Design, Vary
from forceratio.sweeps.evaluate import SweepSpec, evaluate_chunk
from forceratio.sweeps.runner import run_sweep, summarize_store

__all__ = ["Design", "SweepSpec", "Vary", "evaluate_chunk", "run_sweep", "summarize_store"]

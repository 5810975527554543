"""Sweeps, sensitivity and thresholds over a scenario's parameters.

``design`` (chunk-invariant sampling designs), ``evaluate`` (one chunk through the engine),
``inputs`` (the digests a store is matched by), ``store`` (atomic Parquet parts and a
manifest) with ``store_checks`` (a store against the sweep that opens it), ``runner`` (in
process or local workers) and ``cluster`` (Dask), ``posterior`` (the whole-record
posterior's draws as a sweep dimension), ``probability`` (P(attacker wins) with its
interval), ``sensitivity`` (Sobol indices, thresholds), ``morris`` (elementary-effects
screening), ``explain`` (one assumption at a time), ``mechanisms`` (what carries the
answer over the posterior), ``discover`` (PRIM boxes).
"""

from __future__ import annotations

from forceratio.sweeps.design import Design, Vary
from forceratio.sweeps.evaluate import SweepSpec, evaluate_chunk
from forceratio.sweeps.runner import run_sweep, summarize_store

__all__ = ["Design", "SweepSpec", "Vary", "evaluate_chunk", "run_sweep", "summarize_store"]

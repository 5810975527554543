"""What a sweep may use before it starts: local worker processes against the cores, and the
sweep's disk and memory against the limits (:mod:`forceratio.limits`).  Kept apart from the
``sweep`` command (:mod:`forceratio.cli.sweeps`) so each stays short."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from forceratio.errors import InputError


def check_workers(workers: int, scheduler: str | None) -> None:
    """Refuse more local worker processes than cores (``--workers 1000``, or a typo for
    10, would start 1000 interpreters), and local workers beside a Dask scheduler."""
    from forceratio.limits import BYTES_PER_WORKER, human, usable_cores

    if scheduler and workers > 1:
        raise InputError(
            "--workers", "sets local processes; a --scheduler's cluster has its own workers"
        )
    cores = usable_cores()
    if workers > cores:
        raise InputError(
            "--workers",
            f"{workers:,} worker processes on {cores} core(s): the chunks are CPU-bound, so "
            f"workers beyond the cores only add memory (~{human(BYTES_PER_WORKER)} each); "
            f"use at most {cores}",
        )


def check_sweep_size(
    prep: Any, samples: int, d: int, replications: int, chunk_size: int, workers: int, out: Path
) -> None:
    """Refuse a sweep whose output would not fit on disk, or whose chunks in flight (beside
    the command itself, or in worker processes) would not fit in memory, before it starts:
    named ``--samples`` when one chunk holds them all (without replications), else
    ``--chunk-size`` (a smaller chunk helps), and ``--workers`` when one worker and its
    chunk fit but not all of them (each runs its own chunk, the command none)."""
    from forceratio.limits import (
        BYTES_COMMAND_BASE,
        BYTES_PER_WORKER,
        check_disk,
        check_memory,
        sweep_bytes,
    )
    from forceratio.scenarios.run import batch_bytes

    reps = max(replications, 1)
    rows = samples * reps
    columns = d + 17  # sample, replication, the varied parameters, 15 outcomes
    parts = 1 + (samples - 1) // chunk_size  # one Parquet part per chunk
    check_disk("--samples", out, sweep_bytes(rows, columns, parts), f"{rows:,} rows")
    local = min(workers, parts)  # no more processes than chunks
    chunk = min(chunk_size, samples)
    work, _ = batch_bytes(prep, chunk, replications=replications)
    chunks = f"{chunk:,} samples x {reps:,} run(s)"
    field = "--samples" if samples <= chunk_size and not replications else "--chunk-size"
    if workers == 1:  # the chunks run in this process
        check_memory(field, BYTES_COMMAND_BASE + work, f"the sweep and a chunk of {chunks}")
        return
    one = BYTES_PER_WORKER + work  # a worker process and its chunk (each its own blocks)
    check_memory(
        field, BYTES_COMMAND_BASE + one, f"the sweep and a worker with a chunk of {chunks}"
    )
    estimate = BYTES_COMMAND_BASE + local * one
    check_memory(
        "--workers", estimate, f"{local} worker processes with {local} chunk(s) of {chunks}"
    )

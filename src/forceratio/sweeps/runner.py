"""Run a sweep chunk by chunk: in this process, in local worker processes, or on a Dask
cluster (:mod:`.cluster`); every chunk lands in the :class:`ChunkStore` atomically, this
process being the only one that lands a part.  The numbers do not depend on how the
chunks are run."""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import math
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forceratio.errors import InputError
from forceratio.sweeps import cluster
from forceratio.sweeps.evaluate import OUTCOMES, SweepSpec, evaluate_chunk, part_columns, resolved
from forceratio.sweeps.inputs import fingerprint, input_digest
from forceratio.sweeps.store import MANIFEST, RESUME_HINT, ChunkStore

Progress = Callable[[int, int], None]  # (chunks done, chunks total)
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class SweepRun:
    path: Path
    chunks: int
    computed: int
    rows: int


def chunk_bounds(total: int, chunk_size: int) -> list[tuple[int, int]]:
    return [(a, min(a + chunk_size, total)) for a in range(0, total, chunk_size)]


def _jobs(todo: list[int], bounds: list[tuple[int, int]]) -> Iterator[tuple[int, int, int]]:
    for i in todo:
        yield i, bounds[i][0], bounds[i][1]


def run_sweep(
    spec: SweepSpec,
    out: Path | str,
    *,
    chunk_size: int = 20_000,
    workers: int = 1,
    scheduler: str | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    max_chunks: int | None = None,
) -> SweepRun:
    """Evaluate every missing chunk of ``spec`` into ``out``.  ``max_chunks`` stops after
    that many new chunks (to test interruption and resumption)."""
    if chunk_size < 1:
        raise InputError("chunk_size", "must be >= 1")
    if workers < 1:
        raise InputError("workers", "must be >= 1")
    if not spec.design.vary and not (spec.replications or spec.data_uncertainty or spec.posterior):
        raise InputError(
            "vary",
            f"nothing varies in this sweep of {spec.scenario}: every run would be the same; "
            "vary a parameter (its declared ranges: `forceratio sweep NAME --list`), or add "
            "replications, data uncertainty or posterior draws",
        )
    spec = resolved(spec)  # the calibration named before the manifest and workers
    inputs = input_digest(spec)
    store = ChunkStore(out)
    manifest = {"spec": spec.to_json(), "chunk_size": chunk_size, "format": 2, "inputs": inputs}
    client = None if scheduler is None else cluster.connect(scheduler)  # (claims no --out)
    fresh = not (store.path / MANIFEST).exists()
    made = not store.path.exists()
    try:
        done = store.open(manifest, resume=resume)  # holds the directory until closed
        return _run_open(
            spec, store, done, fingerprint(spec, inputs), chunk_size, workers, client,
            progress, max_chunks,
        )  # fmt: skip
    except InputError as exc:
        if fresh and store.locked:  # this run's claim: a refusal leaves no trace
            removed = _unclaim(store.path, made)
            if removed and exc.problem.endswith(RESUME_HINT):  # nothing left to resume
                problem = exc.problem.removesuffix(RESUME_HINT)
                raise InputError(exc.field, problem + NOTHING_KEPT) from None
        raise
    finally:
        store.close()
        if client is not None:
            client.close()


def _unclaim(path: Path, made: bool) -> bool:
    """Remove the manifest a refused sweep wrote (and the folder it made), so the
    corrected command runs without --resume; kept when a part already landed.  Whether
    it was removed."""
    if any(p.suffix == ".parquet" for p in path.iterdir()):
        return False
    (path / MANIFEST).unlink(missing_ok=True)
    if made:
        with contextlib.suppress(OSError):  # not empty: someone else's files stay
            path.rmdir()
    return True


#: A failed part's message when no part had landed and the sweep's claim was removed.
NOTHING_KEPT = "; no part was finished, so nothing was kept: run the sweep again once there is room"


def _run_open(
    spec: SweepSpec,
    store: ChunkStore,
    done: set[int],
    mark: str,
    chunk_size: int,
    workers: int,
    client: Any,
    progress: Progress | None,
    max_chunks: int | None,
) -> SweepRun:
    """:func:`run_sweep` once the store is open: the missing chunks, each part marked with
    the sweep's fingerprint ``mark``."""
    bounds = chunk_bounds(spec.runs, chunk_size)
    check_done(store, spec, done, bounds, mark)
    todo = [i for i in range(len(bounds)) if i not in done]
    if max_chunks is not None:
        todo = todo[:max_chunks]
    finished = len(bounds) - len(todo)
    if progress:
        progress(finished, len(bounds))

    def landed(i: int, df: pd.DataFrame) -> None:
        nonlocal finished
        store.write(i, df, mark)
        finished += 1
        if progress:
            progress(finished, len(bounds))

    def written(i: int) -> None:
        nonlocal finished
        finished += 1
        if progress:
            progress(finished, len(bounds))

    if client is not None:
        cluster.run_chunks(spec, _jobs(todo, bounds), client, landed)
    elif workers == 1:
        _keep_freed_memory()  # this process evaluates the chunks (workers do it themselves)
        _run_here(spec, todo, bounds, landed)
    else:
        _run_pool(spec, todo, bounds, workers, store, mark, written)
    rows = sum(
        (b - a) * max(spec.replications, 1)
        for i, (a, b) in enumerate(bounds)
        if i in done or i in todo
    )
    return SweepRun(store.path, len(bounds), len(todo), rows)


def check_done(
    store: ChunkStore,
    spec: SweepSpec,
    done: set[int],
    bounds: list[tuple[int, int]],
    mark: str | None = None,
) -> None:
    """Refuse, before any work, a finished part that is not this sweep's chunk: a chunk
    number beyond the sweep, other columns, another number of rows, another sweep's
    fingerprint, or rows other than its chunk's runs at its design's values, or (a part
    written without a fingerprint) other outcomes of its first run than this sweep's (one
    line naming the part, which is kept)."""
    reps = max(spec.replications, 1)
    columns = part_columns(spec)
    mark = fingerprint(spec) if mark is None else mark
    for i in sorted(done):
        part = store.part(i)
        if i >= len(bounds):
            raise store.refuse(part, f"is chunk {i}, but this sweep has {len(bounds)} chunks")
        a, b = bounds[i]
        meta = store.footer(part)
        names = list(meta.schema.names)
        if names != columns:
            odd = [c for c in names if c not in columns] or [c for c in columns if c not in names]
            what = f"e.g. {odd[0]!r}" if odd else "in another order"
            raise store.refuse(part, f"has other columns than this sweep's ({what})")
        if meta.num_rows != (b - a) * reps:
            raise store.refuse(
                part, f"has {meta.num_rows:,} rows, not its chunk's {(b - a) * reps:,}"
            )
        found = store.fingerprint(part)
        if found and found != mark:
            raise store.refuse(part, "was written by another sweep (its spec or inputs differ)")
        pts, where = spec.points(a, b)
        expected = {
            "sample": np.repeat(np.arange(a, b, dtype=np.int64), reps),
            "replication": np.tile(np.arange(reps, dtype=np.int64), b - a),
            **{k: np.repeat(np.asarray(v), reps) for k, v in where.items()},
            **{k: np.repeat(np.asarray(v, dtype=float), reps) for k, v in pts.items()},
        }
        got = store.read_part(part, [c for c in columns if c in expected])
        for name, want in expected.items():
            if name not in got.column_names:
                continue
            have = got.column(name).to_numpy()
            if have.shape != want.shape or not np.array_equal(have, want):
                rows = f"runs {a}..{b - 1}" if name == "sample" else f"{name} values"
                raise store.refuse(part, f"holds other rows than its chunk's ({rows})")
        if not found:  # written before parts carried a fingerprint: rerun its first run
            _check_first_run(store, part, spec, a, reps)


def _check_first_run(store: ChunkStore, part: Path, spec: SweepSpec, a: int, reps: int) -> None:
    """Refuse ``part`` (chunk starting at run ``a``) if its first run's outcomes are not
    the ones this sweep computes for it (chunks are invariant: the same numbers)."""
    fresh = evaluate_chunk(spec, a, a + 1)
    held = store.read_part(part, list(OUTCOMES)).slice(0, reps).to_pandas()
    for name in OUTCOMES:
        want, have = fresh[name].to_numpy(dtype=float), held[name].to_numpy(dtype=float)
        if not np.allclose(have, want, rtol=1e-9, atol=0.0, equal_nan=True):
            raise store.refuse(part, f"holds other outcomes than this sweep's ({name})")


def _run_here(
    spec: SweepSpec,
    todo: list[int],
    bounds: list[tuple[int, int]],
    landed: Callable[[int, pd.DataFrame], None],
) -> None:
    """Evaluate the chunks in this process, two at a time on threads when the engine runs
    on several: the engine releases the GIL, so one chunk's engine keeps the cores busy
    while the other's inputs, post-processing and Parquet part are made (alone, each of
    those phases leaves cores idle).  Chunks land as they finish (the store takes parts
    in any order); each chunk's numbers are its own, so the overlap cannot change them."""
    from forceratio.scenarios.run import engine_threads

    jobs = _jobs(todo, bounds)
    if engine_threads() == 1 or len(todo) < 2 or not _fit_twice(spec, bounds):
        # nothing to overlap (or plain-Python kernels, or no memory for two chunks)
        for i, a, b in jobs:
            landed(i, evaluate_chunk(spec, a, b))
        return
    with ThreadPoolExecutor(2, thread_name_prefix="forceratio-chunk") as pool:
        inflight: dict[Future[pd.DataFrame], int] = {}
        try:
            for i, a, b in itertools.islice(jobs, 2):
                inflight[pool.submit(evaluate_chunk, spec, a, b)] = i
            while inflight:
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                for fut in sorted(done, key=inflight.__getitem__):
                    i = inflight.pop(fut)
                    try:
                        df = fut.result()
                    except Exception:
                        _land_rest(inflight, landed)
                        raise
                    nxt = next(jobs, None)
                    if nxt is not None:  # the next chunk's engine first, then this part
                        inflight[pool.submit(evaluate_chunk, spec, nxt[1], nxt[2])] = nxt[0]
                    landed(i, df)
        finally:  # an error or an interruption: a chunk not started does not start
            for fut in inflight:
                fut.cancel()


def _land_rest(
    inflight: dict[Future[pd.DataFrame], int], landed: Callable[[int, pd.DataFrame], None]
) -> None:
    """After a chunk failed: the other chunk in flight still lands if it succeeds (its
    work is done; the serial loop would have landed it before), then the failure is
    reported."""
    for fut, i in sorted(inflight.items(), key=lambda item: item[1]):
        if not fut.cancel() and fut.exception() is None:
            landed(i, fut.result())
    inflight.clear()


def _fit_twice(spec: SweepSpec, bounds: list[tuple[int, int]]) -> bool:
    """Whether two of the largest chunks fit in memory at once beside the command (the
    command line checked one): the scenario's :func:`~forceratio.scenarios.run.batch_bytes`
    of each (a flat 4 kB a run let two chunks of 20,000 samples take 300 MB where 156 MB
    were counted)."""
    from forceratio.limits import BYTES_COMMAND_BASE, check_memory
    from forceratio.scenarios.run import batch_bytes
    from forceratio.sweeps.evaluate import prepared_for

    n = max(b - a for a, b in bounds)
    one, _ = batch_bytes(
        prepared_for(spec.scenario, spec.sets, spec.tables), n, None, spec.replications
    )
    try:
        check_memory("chunk_size", BYTES_COMMAND_BASE + 2 * one, "two chunks")
    except InputError:
        return False
    return True


def _keep_freed_memory() -> None:
    """Have glibc's malloc keep freed memory for the next chunk's arrays instead of
    returning it to the system: a chunk allocates and frees arrays of tens of MB many
    times, and each fresh mapping's pages fault in again (3 of the 17 s of CPU of a
    100,000-sample sweep were system time; 1.4 s with this).  Arrays up to 32 MB (glibc's
    largest threshold) come from the heap, whose top is trimmed above 1 GiB only."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):  # not glibc: its own defaults
        pass


def _run_pool(
    spec: SweepSpec,
    todo: list[int],
    bounds: list[tuple[int, int]],
    workers: int,
    store: ChunkStore,
    mark: str,
    written: Callable[[int], None],
) -> None:
    """Local worker processes evaluate the chunks and each writes its part to a temporary
    file (:meth:`ChunkStore.stage`); this process alone renames a part into place
    (:meth:`ChunkStore.land`), holding the store's lock.  So a part lands only while the
    sweep that locked the folder is alive: a worker left behind by a killed command lands
    nothing (and stops itself: :func:`_worker_start`), and its temporary file is deleted
    by the next ``--resume``.  After a failure or an interruption no chunk
    starts; those running finish and land, then it is raised."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    jobs = _jobs(todo, bounds)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_start)
    inflight: dict[Future[str], int] = {}

    def submit(i: int, a: int, b: int) -> None:
        inflight[pool.submit(_evaluate_and_stage, spec, a, b, str(store.path), i, mark)] = i

    try:
        for job in itertools.islice(jobs, 2 * workers):
            submit(*job)
        while inflight:
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=inflight.__getitem__):
                i = inflight.pop(fut)
                store.land(i, Path(fut.result()))
                written(i)
                nxt = next(jobs, None)
                if nxt is not None:
                    submit(*nxt)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        for fut, i in sorted(inflight.items(), key=lambda item: item[1]):
            if not fut.cancelled() and fut.exception() is None:
                with contextlib.suppress(InputError):  # (the first failure is the one told)
                    store.land(i, Path(fut.result()))
        raise
    finally:
        pool.shutdown(wait=True)


def _evaluate_and_stage(
    spec: SweepSpec, start: int, stop: int, path: str, index: int, mark: str
) -> str:
    """(In a worker process) chunk ``index``'s part, staged for the sweep to land."""
    df = evaluate_chunk(spec, start, stop)
    return str(ChunkStore(path, "out").stage(index, df, mark))


def _worker_start() -> None:
    """A worker process: one compiled-kernel thread (the workers share the cores), freed
    memory kept, and a thread that ends the worker at once when the sweep's process ends
    without stopping it (SIGKILL, or SIGTERM's default), instead of running on through its
    queue.  It waits on ``multiprocessing.parent_process().sentinel``, which
    every spawned process has on every platform (a pipe whose other end only the parent
    holds; on Windows its handle): no polling, no Linux-only prctl."""
    import multiprocessing as mp
    import os
    import threading
    from multiprocessing.connection import wait as wait_for

    os.environ["NUMBA_NUM_THREADS"] = "1"
    _keep_freed_memory()
    parent = mp.parent_process()
    if parent is None:  # pragma: no cover - a pool's worker always has one
        return

    def watch() -> None:
        wait_for([parent.sentinel])
        os._exit(1)  # no cleanup to run: nothing this worker staged can land now

    threading.Thread(target=watch, name="forceratio-parent-watch", daemon=True).start()


def summarize_store(path: Path | str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Quantiles of every outcome (read one column at a time), P(attacker wins) with its
    95% interval over the design points, posterior draws and replications the rows sample
    (grouped as the sweep made them: :mod:`forceratio.sweeps.probability`) and the share
    of runs each outcome rule decided."""
    store = ChunkStore(path, "path")
    rows = []
    for name in OUTCOMES:
        col = store.column(name).to_numpy(dtype=float)
        finite = col[np.isfinite(col)]
        q = np.quantile(finite, QUANTILES) if finite.size else [math.nan] * len(QUANTILES)
        rows.append(
            {
                "outcome": name,
                "mean": float(finite.mean()) if finite.size else math.nan,
                **{f"q{round(p * 100):02d}": float(v) for p, v in zip(QUANTILES, q, strict=True)},
            }
        )
    from forceratio.sweeps.probability import win_probability

    wins = store.column("attacker_wins").to_numpy(dtype=bool)
    spec = store.manifest().get("spec", {})  # the draws and how they meet the points
    p = win_probability(
        wins,
        store.column("sample").to_numpy(dtype=np.int64),
        len((spec.get("posterior") or {}).get("index", ())) or None,
        paired=bool(spec.get("paired", False)),
    )
    extra: dict[str, Any] = {
        "rows": float(wins.size),
        "attacker_win_probability": p.estimate,
        "attacker_win_probability_ci": [p.low, p.high],
        "attacker_win_probability_ci_over": p.over,
        "attacker_win_probability_effective_runs": p.effective_runs,
    }
    if "decided_by" in store.read_schema():
        rules = store.column("decided_by").astype(str).value_counts(normalize=True)
        extra["decided_by"] = {str(k): float(v) for k, v in rules.sort_index().items()}
    if "draw" in store.read_schema():
        from forceratio.calibration import summarise_over_draws

        per = pd.Series(wins).groupby(store.column("draw").to_numpy()).agg(["mean", "size"])
        extra["posterior_draws"] = len(per)
        if per["size"].min() > 1:  # each draw met several design points: P per draw
            over = summarise_over_draws(per["mean"].to_numpy())
            extra["attacker_win_probability_per_draw"] = {
                "median": over.median,
                "low": over.low,
                "high": over.high,
            }
    return pd.DataFrame(rows), extra

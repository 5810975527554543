"""Sweep benchmark: samples per second of ``strike-12june-strip`` through the sweep machinery,
against a naive loop that runs the same design's rows one sample at a time, in one run.

Run:  python benchmarks/bench_sweep.py [--quick] [--out DIR]

Prints samples/s for 10^5 and 10^6 Sobol samples (--quick: 10^4 and 10^5): in one process
with the compiled kernel on every core, in one process on one thread, and with two worker
processes of one thread each, (i) over the scenario's declared uncertainty ranges (which
include the surprise's decay: every sample then has its own multiplier knots) and (ii) over the
same ranges without the decay.  The naive loop runs the first 200 rows of the same design
(every declared range varied, ``split=False`` as the sweep runs them), one ``run`` per row.

The speed-up over the naive loop is a ratio of CPU time (``time.process_time``) of one
process on one thread, i.e. per core.  The all-cores and two-worker figures are wall-clock
throughput (the workers' CPU is not this process's) and get no ratio: a wall rate of several
cores over a one-core loop is not a per-core speed-up.  Every figure is the median of
``--repeat`` timings (default 3), after one small untimed sweep that compiles the kernel (or
loads it from numba's cache).  The machine is shared and noisy: read the ratios.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from forceratio import scenarios
from forceratio.scenarios.compare import Session
from forceratio.scenarios.run import run
from forceratio.sweeps.design import Design, Vary
from forceratio.sweeps.evaluate import SweepSpec
from forceratio.sweeps.runner import run_sweep

NAME = "strike-12june-strip"


def spec(n: int, with_decay: bool, cal: tuple[tuple[str, float], ...]) -> SweepSpec:
    prep = scenarios.load(NAME)
    vary = [
        Vary(p, lo, hi)
        for p, (lo, hi) in prep.scenario.uncertainty.items()
        if with_decay or "decay" not in p
    ]
    return SweepSpec(NAME, Design.make("sobol", vary, n, 1), calibration=cal)


def timed_sweep(
    s: SweepSpec, workers: int, root: Path, threads: int | None = None
) -> tuple[float, float]:
    """(samples per wall second, samples per CPU second of this process); ``threads`` caps
    the compiled kernel's threads in this process."""
    import numba

    out = root / f"w{workers}-{s.design.samples}-{len(s.design.vary)}"
    shutil.rmtree(out, ignore_errors=True)
    default = numba.get_num_threads()
    numba.set_num_threads(threads or default)
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        run_sweep(s, out, chunk_size=20_000, workers=workers)
    finally:
        numba.set_num_threads(default)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    shutil.rmtree(out, ignore_errors=True)
    return s.design.samples / dt, s.design.samples / dc


def naive(s: SweepSpec, n: int = 200) -> tuple[float, float]:
    """One ``run`` per row of ``s``'s design (the engine called with a batch of one, the
    sweep's own rows and ``split=False``): (samples per wall second, per CPU second)."""
    prep = scenarios.load(NAME)
    pts = s.design.points(0, n)
    cal = dict(s.calibration or ())
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(n):
        run(prep, samples={k: v[i : i + 1] for k, v in pts.items()}, calibration=cal, split=False)
    return n / (time.perf_counter() - t0), n / (time.process_time() - c0)


def median_rate(measure: Callable[[], tuple[float, float]], repeat: int) -> tuple[float, float]:
    """The medians of ``repeat`` (wall, CPU) rates (one timing is the machine's noise as much
    as ours)."""
    got = [measure() for _ in range(repeat)]
    return statistics.median(g[0] for g in got), statistics.median(g[1] for g in got)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument(
        "--scale",
        action="store_true",
        help="only 10^7 samples (decay fixed): one process on one thread v two workers",
    )
    ap.add_argument("--repeat", type=int, default=3, help="timings per figure (the median)")
    ap.add_argument(
        "--per-core",
        action="store_true",
        help="only the naive loop and the 1-process 1-thread sweep (one core: a shared machine)",
    )
    args = ap.parse_args()
    sizes = (10_000, 100_000) if args.quick else (100_000, 1_000_000)
    session = Session()
    cal = tuple(sorted(session.rates(session.prepare(NAME)).items()))
    root = args.out or Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    timed_sweep(spec(1_000, True, cal), 1, root)  # compile (or load) before any timing
    if args.scale:
        big = spec(10_000_000, False, cal)
        one, _ = median_rate(lambda: timed_sweep(big, 1, root, 1), args.repeat)
        two, _ = median_rate(lambda: timed_sweep(big, 2, root), args.repeat)
        print(f"10^7 samples, decay fixed: 1 process 1 thread {one:,.0f}/s; 2 workers {two:,.0f}/s")
        print(f"two workers / one thread (wall): {two / one:.2f}x")
        return
    for with_decay in (True, False):
        label = (
            "declared ranges (incl. decay_days)" if with_decay else "declared ranges w/o decay_days"
        )
        wall0, cpu0 = median_rate(partial(naive, spec(sizes[0], with_decay, cal)), args.repeat)
        print(
            f"{label}, naive loop of the design's rows, one sample per engine call: "
            f"{wall0:,.0f} samples/s wall, {cpu0:,.0f} per CPU s"
        )
        for n in sizes:
            for workers, threads, how in (
                (1, None, "1 process, kernel on all cores"),
                (1, 1, "1 process, 1 thread"),
                (2, None, "2 worker processes, 1 thread each"),
            ):
                if args.per_core and threads != 1:
                    continue
                one_sweep = partial(timed_sweep, spec(n, with_decay, cal), workers, root, threads)
                wall, cpu = median_rate(one_sweep, args.repeat)
                line = f"{label}, {n:>9,} samples, {how}: {wall:>9,.0f} samples/s wall"
                if threads == 1 and workers == 1:  # per core: CPU time over CPU time
                    line += f", {cpu:,.0f} per CPU s ({cpu / cpu0:,.0f}x the naive loop per core)"
                else:
                    line += " (several cores: no per-core ratio)"
                print(line)


if __name__ == "__main__":
    main()

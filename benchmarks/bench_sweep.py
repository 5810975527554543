"""Sweep benchmark: samples per second of ``strike-12june-strip`` through the sweep machinery,
against a naive loop that runs the scenario one sample at a time, in one run.

Run:  python benchmarks/bench_sweep.py [--quick] [--out DIR]

Prints samples/s for 10^5 and 10^6 Sobol samples (--quick: 10^4 and 10^5): in one process
with the compiled kernel on every core, in one process on one thread, and with two worker
processes of one thread each, (i) over the scenario's declared uncertainty ranges (which
include the surprise's decay: every sample then has its own multiplier knots) and (ii) over the
same ranges without the decay; and the naive per-sample loop on 200 samples.  Every figure is
the median of ``--repeat`` timings (default 3), after one small untimed sweep that compiles the
kernel (or loads it from numba's cache).  The machine is shared and noisy: read the ratios.
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

import numpy as np

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


def timed_sweep(s: SweepSpec, workers: int, root: Path, threads: int | None = None) -> float:
    """Samples/s; ``threads`` caps the compiled kernel's threads in this process."""
    import numba

    out = root / f"w{workers}-{s.design.samples}-{len(s.design.vary)}"
    shutil.rmtree(out, ignore_errors=True)
    default = numba.get_num_threads()
    numba.set_num_threads(threads or default)
    t0 = time.perf_counter()
    try:
        run_sweep(s, out, chunk_size=20_000, workers=workers)
    finally:
        numba.set_num_threads(default)
    dt = time.perf_counter() - t0
    shutil.rmtree(out, ignore_errors=True)
    return s.design.samples / dt


def naive(cal: dict[str, float], n: int = 200) -> float:
    """One ``run`` per sample (the engine called with a batch of one)."""
    prep = scenarios.load(NAME)
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    for _ in range(n):
        run(prep, samples={"modifiers.quality.Germany": [rng.uniform(0.67, 1.5)]}, calibration=cal)
    return n / (time.perf_counter() - t0)


def median_rate(measure: Callable[[], float], repeat: int) -> float:
    """The median of ``repeat`` rates (one timing is the machine's noise as much as ours)."""
    return statistics.median(measure() for _ in range(repeat))


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
    args = ap.parse_args()
    sizes = (10_000, 100_000) if args.quick else (100_000, 1_000_000)
    session = Session()
    cal = tuple(sorted(session.rates(session.prepare(NAME)).items()))
    root = args.out or Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    timed_sweep(spec(1_000, True, cal), 1, root)  # compile (or load) before any timing
    if args.scale:
        big = spec(10_000_000, False, cal)
        one = median_rate(lambda: timed_sweep(big, 1, root, 1), args.repeat)
        two = median_rate(lambda: timed_sweep(big, 2, root), args.repeat)
        print(f"10^7 samples, decay fixed: 1 process 1 thread {one:,.0f}/s; 2 workers {two:,.0f}/s")
        print(f"two workers / one thread: {two / one:.2f}x")
        return
    base = median_rate(lambda: naive(dict(cal)), args.repeat)
    print(f"naive loop, one sample per engine call: {base:,.0f} samples/s")
    for with_decay in (True, False):
        label = (
            "declared ranges (incl. decay_days)" if with_decay else "declared ranges w/o decay_days"
        )
        for n in sizes:
            for workers, threads, how in (
                (1, None, "1 process, kernel on all cores"),
                (1, 1, "1 process, 1 thread"),
                (2, None, "2 worker processes, 1 thread each"),
            ):
                one_sweep = partial(timed_sweep, spec(n, with_decay, cal), workers, root, threads)
                rate = median_rate(one_sweep, args.repeat)
                print(
                    f"{label}, {n:>9,} samples, {how}: {rate:>9,.0f} samples/s "
                    f"({rate / base:,.0f}x the naive loop)"
                )


if __name__ == "__main__":
    main()

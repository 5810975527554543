"""The exact simulation with and without thinning (a time-varying fire multiplier), one run.

Run:  FORCERATIO_THREADS=1 NUMBA_NUM_THREADS=1 python benchmarks/bench_thinning.py
(with ``PYTHONPATH=OTHER/src`` for another checkout, interleaved, to compare two engines).
Prints the median of 5 timings (CPU time) of 4,000 Gillespie replications of 400 v 400
(square law), red's fire falling from 3x to 1x over 10 days, and the same with constant
fire; then a naive baseline in the same run: the same two cases as a plain Python loop, one
event at a time (thinning against red's fire at its 3x peak), 400 replications a timing.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from forceratio import Engagement, Multiplier, get_law, make_side, simulate_stochastic


def _median(eng: Engagement) -> float:
    times = []
    for seed in range(5):
        t = time.process_time()
        simulate_stochastic(
            eng, replications=4000, seed=seed, t_max=8.0, times=np.zeros(0), method="gillespie"
        )
        times.append(time.process_time() - t)
    return statistics.median(times)


def naive_gillespie(rng: np.random.Generator, peak: float) -> tuple[float, float, float]:
    """One run to day 8 of 400 v 400 (square law, both rates 0.01), red's fire falling
    linearly from ``peak`` times to 1x over 10 days, event by event, by thinning: candidate
    events at the rate bound with red's fire at ``peak``, each kept with probability
    rate(t) / bound (Lewis and Shedler 1979).  Returns (last time, red, blue)."""
    red, blue, t = 400.0, 400.0, 0.0
    while red > 0 and blue > 0:
        lr, bound = 0.01 * blue, 0.01 * blue + 0.01 * peak * red
        t += rng.exponential(1.0 / bound)
        if t >= 8.0:
            break
        u = rng.random() * bound
        if u < lr:
            red -= 1
        elif u < lr + 0.01 * (peak + (1.0 - peak) * min(t / 10.0, 1.0)) * red:
            blue -= 1
    return min(t, 8.0), red, blue


def naive_median(peak: float, reps: int = 400) -> float:
    """CPU seconds per replication of :func:`naive_gillespie`, the median of 5 seeds."""
    times = []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        t = time.process_time()
        for _ in range(reps):
            naive_gillespie(rng, peak)
        times.append((time.process_time() - t) / reps)
    return statistics.median(times)


def main() -> None:
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()  # no options: --help prints the above and exits, anything else is refused
    mult = Multiplier(np.array([0.0, 10.0]), np.array([[3.0, 1.0]]))
    varying = Engagement(
        get_law("square"),
        make_side("red", 400.0, 0.01, n=1, k_enemy=1, multiplier=mult),
        make_side("blue", 400.0, 0.01, n=1, k_enemy=1),
    )
    flat = Engagement(
        get_law("square"),
        make_side("red", 400.0, 0.01, n=1, k_enemy=1),
        make_side("blue", 400.0, 0.01, n=1, k_enemy=1),
    )
    for eng in (varying, flat):  # compile and warm up
        simulate_stochastic(eng, replications=10, seed=1, t_max=8.0, times=np.zeros(0))
    vary, fl = _median(varying), _median(flat)
    print(f"varying {vary:.4f} s  flat {fl:.4f} s (CPU)")
    nv, nf = naive_median(3.0), naive_median(1.0)
    print(f"naive Python loop, CPU per replication: varying {nv * 1e3:.3f} ms, flat "
          f"{nf * 1e3:.3f} ms; the engine {nv / (vary / 4000):.1f}x and "
          f"{nf / (fl / 4000):.1f}x it")  # fmt: skip


if __name__ == "__main__":
    main()

"""The exact simulation with and without thinning (a time-varying fire multiplier), one run.

Run:  FORCERATIO_THREADS=1 NUMBA_NUM_THREADS=1 python benchmarks/bench_thinning.py
(with ``PYTHONPATH=OTHER/src`` for another checkout, interleaved, to compare two engines).
Prints the median of 5 timings of 4,000 Gillespie replications of 400 v 400 (square law),
red's fire falling from 3x to 1x over 10 days, and the same with constant fire.
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
        t = time.perf_counter()
        simulate_stochastic(
            eng, replications=4000, seed=seed, t_max=8.0, times=np.zeros(0), method="gillespie"
        )
        times.append(time.perf_counter() - t)
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
    print(f"varying {_median(varying):.4f} s  flat {_median(flat):.4f} s")


if __name__ == "__main__":
    main()

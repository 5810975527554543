"""Tau-leaping (square law), one run: CPU seconds, medians of 5 seeds.

Run:  FORCERATIO_THREADS=1 NUMBA_NUM_THREADS=1 python benchmarks/bench_tauleap.py
(with ``PYTHONPATH=OTHER/src`` for another checkout, interleaved, to compare two engines).
Cases: 10,000 replications of 5,000 v 4,000 to annihilation, without and with 366 daily
output times; 10,000 of 3,000 v 2,950 with breakpoints at 0.3 (every run ends in a leap
that crosses a level); 2,000 of 10^5 v 0.97 10^5 with breakpoints at 0.3.  Then a naive
baseline in the same run: the first case as a plain Python loop, one replication at a
time, of single-stage leaps that lose at most ``epsilon`` (0.01, the engine's default) of a
side (Poisson losses, no exact steps near the end, no second stage: cruder than the
engine), in CPU time per replication.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from forceratio import Engagement, get_law, make_side, simulate_stochastic


def _engagement(r0: float, b0: float, a: float, b: float, bp: float) -> Engagement:
    return Engagement(
        get_law("square"),
        make_side("red", r0, a, n=1, k_enemy=1, breakpoint=bp),
        make_side("blue", b0, b, n=1, k_enemy=1, breakpoint=bp),
    )


def _median(eng: Engagement, reps: int, times: np.ndarray) -> float:
    out = []
    for seed in range(5):
        t = time.process_time()
        simulate_stochastic(
            eng, replications=reps, seed=seed, t_max=1e4, times=times, method="tau_leap"
        )
        out.append(time.process_time() - t)
    return statistics.median(out)


def naive_tau_leap(
    r0: float, b0: float, a: float, b: float, rng: np.random.Generator, epsilon: float = 0.01
) -> tuple[float, float, float]:
    """One run of the square law (red's rate ``a`` against blue, blue's ``b`` against red)
    to annihilation, leap by leap: (end time, red left, blue left)."""
    red, blue, t = r0, b0, 0.0
    while red > 0 and blue > 0:
        lr, lb = b * blue, a * red  # red's and blue's loss rates, men a day
        tau = epsilon * min(red / lr, blue / lb)
        red -= min(float(rng.poisson(lr * tau)), red)
        blue -= min(float(rng.poisson(lb * tau)), blue)
        t += tau
    return t, red, blue


def naive_median(reps: int) -> tuple[float, float]:
    """CPU seconds per replication of :func:`naive_tau_leap` on 5,000 v 4,000 (median of 5
    seeds) and the mean red survivors of the last seed's runs."""
    out, left = [], 0.0
    for seed in range(5):
        rng = np.random.default_rng(seed)
        t = time.process_time()
        runs = [naive_tau_leap(5e3, 4e3, 0.01, 0.012, rng) for _ in range(reps)]
        out.append((time.process_time() - t) / reps)
        left = float(np.mean([r[1] for r in runs]))
    return statistics.median(out), left


def main() -> None:
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()  # no options: --help prints the above and exits, anything else is refused
    none, daily = np.zeros(0), np.arange(366.0)
    annihilation = _engagement(5e3, 4e3, 0.01, 0.012, 0.0)
    cases = [
        ("5,000 v 4,000, no times", annihilation, 10_000, none),
        ("5,000 v 4,000, 366 times", annihilation, 10_000, daily),
        (
            "3,000 v 2,950, breakpoints 0.3",
            _engagement(3e3, 2950, 1e-3, 1.04e-3, 0.3),
            10_000,
            none,
        ),
        ("1e5 v 0.97e5, breakpoints 0.3", _engagement(1e5, 9.7e4, 1e-3, 1.1e-3, 0.3), 2_000, none),
    ]
    for _, eng, _, times in cases:  # compile and warm up
        simulate_stochastic(eng, replications=10, seed=1, t_max=1e4, times=times)
    first = 0.0
    for name, eng, reps, times in cases:
        cpu = _median(eng, reps, times)
        first = first or cpu / reps
        print(f"{name}: {cpu:.4f} s")
    naive, left = naive_median(200)
    print(f"naive Python tau-leap loop, 5,000 v 4,000, no times: {naive * 1e3:.3f} ms CPU per "
          f"replication (mean red left {left:,.0f}); the engine {naive / first:.1f}x it per "
          f"replication")  # fmt: skip


if __name__ == "__main__":
    main()

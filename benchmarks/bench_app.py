"""How long the explorer takes to answer one point (the run, its trajectories and the
64-run sweep around it), in process, after the calibration is cached: wall time, and the
process's CPU time (``time.process_time``), which a shared machine's load inflates far less.

    NUMBA_NUM_THREADS=1 python benchmarks/bench_app.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import statistics
import time

from forceratio.app.model import Explorer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    ex = Explorer()
    for name in ("strike-12june-strip", "barbarossa-22june"):
        info = ex.scenario(name)
        values = {p["path"]: p["value"] for p in info["parameters"]}
        ex.run(name, values)  # warm: compilation, caches
        times, cpu = [], []
        for k in range(args.repeat):
            values[info["parameters"][0]["path"]] = info["parameters"][0]["low"] + 0.01 * k
            t0, c0 = time.perf_counter(), time.process_time()
            ex.run(name, values)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        print(
            f"{name}: one point in {statistics.median(times) * 1e3:.0f} ms median, "
            f"{max(times) * 1e3:.0f} ms worst of {args.repeat}; CPU "
            f"{statistics.median(cpu) * 1e3:.1f} ms median"
        )


if __name__ == "__main__":
    main()

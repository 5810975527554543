"""Bootstrap benchmark: the battles the parametric bootstrap draws (``fitting/bootstrap.py``).

Run:  python benchmarks/bench_bootstrap.py [--src SRC ...] [--draws 199] [--repeats 7]

For each ``src`` folder given (default: the installed package), in a fresh process on one
thread (``NUMBA_NUM_THREADS=1``, ``FORCERATIO_THREADS=1``): the square, linear and
logarithmic fits of the Iwo Jima fixture (``tests/fitting/fixtures/iwo_1.csv``), then the
CPU time of drawing ``--draws`` battles from each (the day-by-day simulation the refits
start from; the noise sizes drawn once, outside the timing), medians of ``--repeats``, the
trees alternating.  Prints the medians and, with two trees, the ratio first / second
(> 1: the second is faster).  The refits themselves (about 0.2-0.5 s each) are not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fitting" / "fixtures" / "iwo_1.csv"
LAWS = ("square", "linear", "logarithmic")

CHILD = """
import json, sys, time
import numpy as np
from forceratio.fitting import bootstrap, read_battle
from forceratio.fitting.daily import _guess
from forceratio.fitting.estimate import Objective, best_of
from forceratio.fitting.model import free_initial, law_spec
import pandas as pd

draw = getattr(bootstrap, "draw_battles", None) or getattr(bootstrap, "simulate")
b = read_battle(pd.read_csv(sys.argv[1]))
n, repeats = int(sys.argv[2]), int(sys.argv[3])
out = {}
for law in sys.argv[4:]:
    spec = law_spec(law, initial=free_initial(b))
    obj = Objective(b, spec, None)
    theta = best_of(obj, [_guess(b, spec)]).theta
    rng = np.random.default_rng(0)
    sig = (np.full(n, 0.01), np.abs(rng.normal(0.2, 0.1, n)))
    draw(obj, theta, sig, np.random.default_rng(1))  # compile and warm
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        draw(obj, theta, sig, np.random.default_rng(1))
        times.append(time.process_time() - t0)
    out[law] = times
print(json.dumps(out))
"""


def measure(src: str | None, draws: int, repeats: int) -> dict[str, list[float]]:
    """CPU times (s) of drawing ``draws`` battles per law, in a fresh process."""
    env = dict(os.environ, NUMBA_NUM_THREADS="1", FORCERATIO_THREADS="1",
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")  # fmt: skip
    if src is not None:
        env["PYTHONPATH"] = src
    args = [sys.executable, "-c", CHILD, str(FIXTURE), str(draws), str(repeats), *LAWS]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    result: dict[str, list[float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", action="append", default=None, help="a src folder (repeatable)")
    ap.add_argument("--draws", type=int, default=199)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=2, help="the trees alternate this often")
    a = ap.parse_args()
    srcs: list[str | None] = list(a.src) if a.src else [None]
    print(f"load {os.getloadavg()[0]:.1f}; {a.draws} draws, medians of {a.repeats}, CPU s")
    runs: dict[int, dict[str, list[float]]] = {
        i: {law: [] for law in LAWS} for i in range(len(srcs))
    }
    for _ in range(a.rounds):
        for i, src in enumerate(srcs):
            for law, times in measure(src, a.draws, a.repeats).items():
                runs[i][law].append(statistics.median(times))
    for law in LAWS:
        meds = [statistics.median(runs[i][law]) for i in range(len(srcs))]
        line = "  ".join(f"{m * 1e3:9.1f} ms" for m in meds)
        ratio = f"  ratio {meds[0] / meds[1]:.2f}" if len(meds) == 2 else ""
        rounds = " / ".join(
            ", ".join(f"{v * 1e3:.1f}" for v in runs[i][law]) for i in range(len(srcs))
        )
        print(f"{law:12s} {line}{ratio}   (rounds: {rounds})")


if __name__ == "__main__":
    main()

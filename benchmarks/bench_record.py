"""The whole-record model (the calibration's likelihood) on posterior draws, tree against tree.

Run:  python benchmarks/bench_record.py [--draws 400] [--repeats 5] [--rounds 2] --src A --src B

The calibration's cost is the model of every 1941 record operation run on a batch of parameter
draws (``Problem.predict``): the sampler, the mode, the leave-one-out refits and the
predictive table all call it.  For each source tree (``--src``, default: the installed
package), a fresh process loads the shipped posterior, takes ``--draws`` of its draws (the
same ones, seed 0), runs the model once to compile and warm up, then ``--repeats`` times; it
prints the median seconds.  The trees alternate within a round so that they see the same
load; the last line gives each tree's median over the rounds against the first tree's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

#: One tree's measurement, in a fresh process: prints the median seconds of ``repeats`` calls.
MEASURE = """
import statistics, sys, time
import numpy as np
from forceratio.scenarios import record_fit
from forceratio.scenarios.session import Session
draws, repeats = int(sys.argv[1]), int(sys.argv[2])
rec = record_fit.inputs(Session().table)
res = record_fit.shipped(rec)
if res is None:
    sys.exit("the shipped posterior does not match this tree's inputs")
pick = res.draws[np.random.default_rng(0).choice(len(res.draws), draws, replace=False)]
batch, _ = rec.problem.full(pick)
rec.problem.predict(batch[:10])
times = []
for _ in range(repeats):
    t = time.perf_counter()
    rec.problem.predict(batch)
    times.append(time.perf_counter() - t)
print(statistics.median(times))
"""


def one(src: str, cache: str, draws: int, repeats: int) -> float:
    """The median seconds of the model on ``draws`` draws, in a fresh process."""
    env = dict(os.environ, FORCERATIO_CACHE_DIR=cache)
    if src:
        env["PYTHONPATH"] = src
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(draws), str(repeats)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=400)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--src", action="append", default=[], help="a source tree's src folder")
    args = ap.parse_args()
    trees = args.src or [""]
    got: dict[str, list[float]] = {t: [] for t in trees}
    with tempfile.TemporaryDirectory() as cache:
        for r in range(args.rounds):
            for src in trees:
                s = one(src, cache, args.draws, args.repeats)
                got[src].append(s)
                load = os.getloadavg()[0]
                print(f"round {r + 1} {src or 'installed'}: {s:.3f} s (load {load:.1f})")
    base = statistics.median(got[trees[0]])
    for src in trees:
        m = statistics.median(got[src])
        print(f"{src or 'installed'}: median {m:.3f} s, {m / base:.2f} x the first tree")


if __name__ == "__main__":
    main()

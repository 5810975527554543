"""The first and the warm 100,000-sample sweep of ``strike-12june-strip`` in fresh processes.

Run:  python benchmarks/bench_coldstart.py [--repeats 3] [--samples 100000] [--src PATH ...]

Each round runs, for each source tree (``--src``, default: the installed package), one
fresh process in a new user's state (the cold start): an empty compile cache (a new
``NUMBA_CACHE_DIR``), an empty forceratio cache (a new ``FORCERATIO_CACHE_DIR``: no cached
calibration or sweep inputs) and an empty ``XDG_CACHE_HOME``; then one more with those
caches as the first left them (warm).  The trees alternate within a round so that they see
the same load.  Prints wall and CPU time (user + system, all threads) of every
run, the load average, and the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

#: As the console script ``forceratio sweep ...`` runs it (``forceratio.cli:main``).
SWEEP = (
    "import sys; from forceratio.cli import main; "
    "sys.argv = ['forceratio', 'sweep', 'strike-12june-strip', '--samples', sys.argv[2], "
    "'--seed', '1', '--no-progress', '--out', sys.argv[1]]; main()"
)


#: The cache folders a new user has empty, each a fresh folder for the cold run.
CACHES = ("NUMBA_CACHE_DIR", "FORCERATIO_CACHE_DIR", "XDG_CACHE_HOME")


def one(src: str, cache: str, samples: int) -> tuple[float, float]:
    """Wall and CPU seconds of one sweep in a fresh process whose caches (compiled code,
    forceratio's, XDG's) are folders in ``cache`` (empty: a new user's state)."""
    dirs = {k: os.path.join(cache, k.lower()) for k in CACHES}
    env = dict(os.environ, **dirs)
    env.pop("FORCERATIO_THREADS", None)
    if src:
        env["PYTHONPATH"] = src
    with tempfile.TemporaryDirectory() as out:
        usage0, t0 = os.times(), time.perf_counter()
        subprocess.run([sys.executable, "-c", SWEEP, out + "/sweep", str(samples)], env=env,
                       check=True, capture_output=True)  # fmt: skip
        wall, usage1 = time.perf_counter() - t0, os.times()
    cpu = (usage1.children_user - usage0.children_user) + (
        usage1.children_system - usage0.children_system
    )
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--src", action="append", default=[], help="a source tree's src folder")
    args = ap.parse_args()
    trees = args.src or [""]
    got: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for r in range(args.repeats):
        for src in trees:
            with tempfile.TemporaryDirectory() as cache:
                for kind in ("cold", "warm"):
                    load = os.getloadavg()[0]
                    wall, cpu = one(src, cache, args.samples)
                    got.setdefault((src or "installed", kind), []).append((wall, cpu))
                    print(f"round {r + 1} {src or 'installed'} {kind}: {wall:.1f} s wall, "
                          f"{cpu:.1f} s CPU (load {load:.1f})", flush=True)  # fmt: skip
    print(f"medians of {args.repeats}, {args.samples:,} samples:")
    for (src, kind), v in got.items():
        wall = statistics.median(w for w, _ in v)
        cpu = statistics.median(c for _, c in v)
        print(f"    {src} {kind}: {wall:.1f} s wall, {cpu:.1f} s CPU")


if __name__ == "__main__":
    main()

"""Timeline of one 100,000-sample sweep of ``strike-12june-strip`` in a fresh process: when
the compiling child forks and ends, when the command is ready to run, when each chunk's
engine starts and ends, its operational outputs, its Parquet part, and the exit.

Run:  python benchmarks/timeline_coldstart.py [--src PATH] [--samples 100000] [--warm]

Measures the cold start (an empty ``NUMBA_CACHE_DIR``; ``--warm`` runs once more on the
filled cache) as ``bench_coldstart.py`` does, through the console entry point, and prints
every mark in seconds from the process's start, with the CPU time of the marking thread
and of its process.  The marks come from wrapping functions as their modules are
imported (nothing in the package is changed); the compiling child writes its own.
"""

from __future__ import annotations

import argparse
import functools
import glob
import importlib.abc
import importlib.machinery
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

#: module -> functions (``Class.method`` for a method) whose entry and exit are marked
WRAP = {
    "forceratio.simulator.warmup": ["warm_up", "_first_calls"],
    "forceratio.simulator.compiled": ["run_chunked"],
    "forceratio.sweeps.evaluate": ["evaluate_chunk"],
    "forceratio.scenarios.run": ["run"],
    "forceratio.scenarios.operations": ["operational"],
    "forceratio.cli.sweep_setup": ["sweep_setup"],
    "forceratio.cli.sweeps": ["sweep_command"],
    "forceratio.sweeps.runner": ["run_sweep", "summarize_store"],
    "forceratio.sweeps.store": ["ChunkStore.write"],
}
IMPORTS = {"typer", "pandas", "numba", "scipy.stats", "forceratio.cli.app"}
MARKS: list[tuple[float, int, str, str, float, float]] = []
T0 = 0.0


def mark(what: str) -> None:
    MARKS.append((time.time() - T0, os.getpid(), threading.current_thread().name, what,
                  time.thread_time(), time.process_time()))  # fmt: skip


def _wrap(f: Callable[..., Any], name: str) -> Callable[..., Any]:
    @functools.wraps(f)
    def marked(*a: Any, **k: Any) -> Any:
        mark("> " + name)
        try:
            return f(*a, **k)
        finally:
            mark("< " + name)

    return marked


class _Loader(importlib.abc.Loader):
    def __init__(self, inner: Any, name: str) -> None:
        self.inner, self.name = inner, name

    def __getattr__(self, attr: str) -> Any:  # resources and the like: the real loader's
        return getattr(self.inner, attr)

    def create_module(self, spec: Any) -> ModuleType | None:
        return self.inner.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        noted = self.name in IMPORTS
        if noted:
            mark("import> " + self.name)
        self.inner.exec_module(module)
        if noted:
            mark("import< " + self.name)
        for name in WRAP.get(self.name, []):
            owner, _, attr = name.rpartition(".")
            obj = getattr(module, owner) if owner else module
            setattr(obj, attr, _wrap(getattr(obj, attr), name))


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Sequence[str] | None, target: Any = None) -> Any:
        if name not in WRAP and name not in IMPORTS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader, name)
        return spec


def _dump() -> None:
    with open(f"{os.environ['TIMELINE_OUT']}.{os.getpid()}.json", "w") as f:
        json.dump(MARKS, f)


def _child(out: str, samples: str) -> None:
    """In the measured process: install the marks, then run the sweep."""
    import atexit

    fork, exit_, waitpid = os.fork, os._exit, os.waitpid

    def marked_fork() -> int:
        mark("fork")
        pid = fork()
        if pid == 0:
            MARKS.clear()
            mark("child starts")
        return pid

    def marked_exit(code: int) -> None:
        mark("os._exit")
        _dump()
        exit_(code)

    def marked_waitpid(pid: int, options: int) -> tuple[int, int]:
        got = waitpid(pid, options)
        mark("child reaped")
        return got

    os.fork, os._exit, os.waitpid = marked_fork, marked_exit, marked_waitpid  # type: ignore[assignment]
    sys.meta_path.insert(0, _Finder())

    def at_exit() -> None:
        mark("exit")
        _dump()

    atexit.register(at_exit)
    mark("start")
    sys.argv = ["forceratio", "sweep", "strike-12june-strip", "--samples", samples, "--seed",
                "1", "--no-progress", "--out", out]  # fmt: skip
    from forceratio.cli import main

    main()


def _show(prefix: str) -> None:
    marks = []
    for name in glob.glob(prefix + ".*.json"):
        with open(name) as f:
            marks += json.load(f)
    marks.sort()
    parent = min(m[1] for m in marks)
    for t, pid, thread, what, tcpu, cpu in marks:
        who = "parent" if pid == parent else f"child {pid}"
        print(f"{t:7.3f} {who:12s} {thread[:20]:20s} {what:34s} (CPU {tcpu:.2f} / {cpu:.2f})")


def main() -> None:
    global T0
    if sys.argv[1:2] == ["--child"]:
        T0 = float(os.environ["TIMELINE_T0"])
        _child(sys.argv[2], sys.argv[3])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default="", help="a source tree's src folder")
    ap.add_argument("--samples", default="100000")
    ap.add_argument("--warm", action="store_true", help="also a run on the filled cache")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("cold", "warm") if args.warm else ("cold",):
            env = dict(os.environ, NUMBA_CACHE_DIR=tmp + "/cache", TIMELINE_OUT=f"{tmp}/{kind}")
            env.pop("FORCERATIO_THREADS", None)
            if args.src:
                env["PYTHONPATH"] = args.src
            print(f"{kind} sweep, {args.samples} samples (load {os.getloadavg()[0]:.1f})")
            env["TIMELINE_T0"] = repr(time.time())
            cmd = [sys.executable, __file__, "--child", f"{tmp}/{kind}-out", args.samples]
            subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
            end = time.time() - float(env["TIMELINE_T0"])
            _show(f"{tmp}/{kind}")
            print(f"{end:7.3f} the process has ended (as its parent sees it)")


if __name__ == "__main__":
    main()

"""Compile the engines a command will run ahead of it, in a child process (issue 11,
defect 7).

The command line calls :func:`warm_up` first thing (``forceratio.cli.start_engine``), so
the child compiles while typer, pandas, the tables and the scenario load; the child shares
no lock with the command (a core of its own) and leaves its compile in numba's disk
cache, which a thread of the command then loads.  An engine's first real call
(:func:`.compiled.compile_kernels`) waits for that instead of compiling.  This is
process plumbing, not numerics: it knows the simulator only through its first calls.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import signal
import sys
import threading
import time
from pathlib import Path

from forceratio.simulator import compiled

_child: int | None = None  # a process compiling engines into the disk cache
_child_done = threading.Event()
_child_keys: frozenset[str] = frozenset()  # its engines' entry points
_child_start = 0.0  # (time.time()) a cache index older than this is not the child's
_stopped = False  # stop_warm_up stopped the child: nothing to load
_warming = False  # warm_up was called


def warm_up(*engines: str, child_only: bool = False) -> None:
    """Start compiling the ``engines`` (:data:`forceratio.simulator.compiled.ENGINES`; default the
    deterministic one): in a child process that fills the disk cache (Linux, with a cache
    folder), then a thread here loads that cache; else on a thread (``child_only``: then
    nothing yet).  Best effort: a failure is left for the engine's real first call to
    report (it compiles itself).  A child still compiling when the command ends (bad
    input) is stopped at exit, or earlier by :func:`stop_warm_up`."""
    global _child, _child_keys, _child_start, _warming
    kernels = [compiled.ENGINES[e] for e in engines or ("deterministic",)]
    keys = frozenset(k[-1][0] + "." + k[-1][1] for k in kernels) - compiled._done  # not in use
    if compiled._jit_off() or _warming or not keys:
        return
    folder = compiled.cache_folder()
    child = sys.platform.startswith("linux") and folder != "" and not _cache_filled(folder, keys)
    if child_only and not child:
        return
    _warming = True
    if child:
        with contextlib.suppress(Exception):  # numba imported once, here, not in the child
            for k in kernels:
                compiled.compile_kernels(k)
        _child_keys, _child_start, _child = keys, time.time(), os.fork()
        if _child == 0:  # the child: compile into the cache, then leave at once
            code = 1
            try:
                code = _first_calls(keys)
            finally:
                os._exit(code)
        atexit.register(stop_warm_up)
    threading.Thread(target=_load, args=(keys,), name="forceratio-compile", daemon=True).start()


def stop_warm_up() -> None:
    """Stop and reap :func:`warm_up`'s child if it is still compiling."""
    global _stopped
    if _child and not _child_done.is_set():
        _stopped = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(_child, signal.SIGKILL)
        _child_done.wait(5.0)  # reaped by the loading thread


def wait_for(key: str, which: tuple[tuple[str, str], ...], timeout: float = 300.0) -> None:
    """Wait until the child has the entry point ``key`` (of the kernels ``which``) in the
    disk cache (numba writes the index last), or has ended; stop it after ``timeout`` s."""
    if not _child or key not in _child_keys:
        return
    entry = getattr(sys.modules[f"forceratio.simulator.{which[-1][0]}"], which[-1][1])
    index = getattr(getattr(getattr(entry, "_cache", None), "_cache_file", None), "_index_path", "")
    end = time.monotonic() + timeout
    while not _child_done.wait(0.02):
        with contextlib.suppress(OSError):
            if index and os.path.getmtime(index) >= _child_start:
                return
        if time.monotonic() > end:
            stop_warm_up()


def _cache_filled(folder: str | None, keys: frozenset[str]) -> bool:
    """Whether the disk cache has every entry point of ``keys`` (an index newer than every
    simulator module, where numba puts it): then no child is needed."""
    here = Path(compiled.__file__).parent
    sub = here.name + "_" + hashlib.sha1(os.path.abspath(here).encode()).hexdigest()
    env, xdg = os.environ.get("NUMBA_CACHE_DIR"), os.environ.get("XDG_CACHE_HOME")
    home = Path(xdg or Path(os.path.expanduser("~")) / ".cache") / "numba" / sub
    places = [Path(folder or env or "") / sub] if folder or env else [here / "__pycache__", home]
    newest = max(f.stat().st_mtime for f in here.glob("*.py"))
    return all(
        any(f.stat().st_mtime >= newest for d in places for f in d.glob(f"{key}-*.nbi"))
        for key in keys
    )


def _first_calls(keys: frozenset[str]) -> int:
    """A small first call of each engine in ``keys`` (it compiles, or loads the cache)."""
    from forceratio.simulator.battle import battle

    args = ("power", 1000.0, 800.0, 0.01, 0.012)
    if "integrator.run_chunk" in keys:
        battle(*args, p=1.5, q=0.5, method="integrator")
    if "stochastic.run_chunk" in keys:
        battle(*args, p=1.5, q=0.5, replications=2, seed=0)
    if "closed_form.square_chunk" in keys:
        battle("square", *args[1:])
    return 0


def _load(keys: frozenset[str]) -> None:
    if _child:  # reap the child first, then load what it compiled (unless it was stopped)
        os.waitpid(_child, 0)  # (releases the GIL)
        _child_done.set()
    with contextlib.suppress(Exception):  # the real call reports any failure
        if not _stopped:
            _first_calls(keys)

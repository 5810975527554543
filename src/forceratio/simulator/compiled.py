"""Compiling the scalar kernels (numba) and running them over chunks of runs on threads.

The kernels of :mod:`.kernel`, :mod:`.integrator`, :mod:`.stochastic` and
:mod:`.closed_form` are plain Python functions until :func:`compile_kernels` first needs
them; numba is imported only then (it costs a few tenths of a second).  Each kernel is
compiled once, for C-contiguous float64/int64 arrays, ``nogil``, and cached on disk.

Where the cache goes: numba's own choice (beside the package, else the user's cache
folder) when one is writable, else a folder under the system's temporary directory, else
nowhere (compiled in memory for this process).  A read-only install therefore works
without an error (issue 11, defect 6).

:func:`run_chunked` cuts the runs into chunks and hands them to a pool of threads (one per
available core by default, ``FORCERATIO_THREADS`` to change it); each run is computed by
itself, so the chunking cannot change any number.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import os
import signal
import sys
import tempfile
import threading
import time
import types
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np


def _names(module: str, names: str) -> tuple[tuple[str, str], ...]:
    return tuple((module, name) for name in names.split())


#: (module, function name) of every compiled function; the entry points are the last.
KERNELS = _names(
    "kernel",
    "fire row store layout flows categories rates linear_rate dopri_step side_sum dense_point "
    "dense_sum cross_time dense_state end_rule",
) + _names("integrator", "start_run step_inputs at_stop record finish run_chunk")
#: The stochastic engine calls the deterministic one's helpers (not its entry point).
STOCHASTIC_KERNELS = KERNELS[:-1] + _names("stochastic", "seed_run leap event run_chunk")
SQUARE_KERNELS = _names("closed_form", "square_level_time square_survivor square_chunk")
ENTRY_POINTS = frozenset({"run_chunk", "square_chunk"})
#: The engines :func:`warm_up` can compile ahead of a command.
ENGINES = {"deterministic": KERNELS, "stochastic": STOCHASTIC_KERNELS, "square": SQUARE_KERNELS}
_done: set[str] = set()
_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_child: int | None = None  # a process compiling engines into the disk cache (warm_up)
_child_done = threading.Event()
_child_keys: frozenset[str] = frozenset()  # its engines' entry points
_child_start = 0.0  # (time.time()) a cache index older than this is not the child's
_stopped = False  # stop_warm_up stopped the child: nothing to load
_warming = False  # warm_up was called


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def cache_folder() -> str | None:
    """Where compiled kernels are cached: ``None`` for numba's default place (it is
    writable), a temporary folder when it is not, ``""`` when nothing is writable."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return None
    here = Path(__file__).parent / "__pycache__"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path(os.path.expanduser("~")) / ".cache")
    if _writable(here) or _writable(Path(xdg) / "numba"):
        return None
    tmp = Path(tempfile.gettempdir()) / f"forceratio-numba-{os.getuid()}"
    return str(tmp) if _writable(tmp) else ""


def compile_kernels(which: tuple[tuple[str, str], ...] = KERNELS) -> None:
    """Replace the listed plain functions by their compiled versions (once); numba compiles
    each on its first call."""
    key = which[-1][0] + "." + which[-1][1]
    if key not in _done:
        with _lock:
            if key not in _done:
                _compile(which, key)
    if _child and key in _child_keys and not _child_done.is_set():
        _wait_child(which)


def _compile(which: tuple[tuple[str, str], ...], key: str) -> None:
    from forceratio.simulator import closed_form, integrator, kernel, stochastic

    folder = cache_folder()
    if folder:
        os.environ["NUMBA_CACHE_DIR"] = folder
    import numba

    from forceratio import jit as jit_plumbing

    if folder:
        numba.config.CACHE_DIR = folder  # type: ignore[attr-defined]
    modules = {m.__name__.split(".")[-1]: m for m in (kernel, integrator, stochastic, closed_form)}
    cache = folder != ""
    for mod_name, name in which:
        orig = getattr(modules[mod_name], name)
        if not isinstance(orig, types.FunctionType):
            continue  # compiled already
        # only the entry points are called from Python: a helper has no wrappers, and its
        # code is only linked into the entry points (cached with them), where LLVM inlines
        # the small ones (numba's own inlining, per call site, compiled slower)
        entry = name in ENTRY_POINTS
        options = {} if entry else {"pipeline_class": jit_plumbing.link_only_compiler()}
        jit = numba.njit(  # type: ignore[call-overload]
            cache=cache and entry, nogil=True, error_model="numpy",
            no_cpython_wrapper=not entry, no_cfunc_wrapper=not entry, **options,
        )  # fmt: skip
        fast = jit(orig)
        cache_file: Any = getattr(getattr(fast, "_cache", None), "_cache_file", None)
        if entry and cache and hasattr(cache_file, "_source_stamp"):
            # numba stamps the entry's own file only: every module's (no stale helpers)
            files = sorted(Path(__file__).parent.glob("*.py"))
            cache_file._source_stamp = [
                (f.name, f.stat().st_mtime, f.stat().st_size) for f in files
            ]
        if not hasattr(fast, "get_call_template"):
            pass  # NUMBA_DISABLE_JIT
        elif entry:
            jit_plumbing.memo_typing(fast)
        else:
            jit_plumbing.one_variant(fast)
        # every module that imported this function by name calls the compiled one
        for mod in modules.values():
            if mod.__dict__.get(name) is orig:
                setattr(mod, name, fast)
    _done.add(key)


def warm_up(*engines: str) -> None:
    """Start compiling the ``engines`` (names in :data:`ENGINES`; default the deterministic
    one) while a command that will run them does its own start (imports, tables,
    scenario): in a child process that fills the disk cache (Linux, with a cache folder:
    it shares no lock with this process, so it gets a core of its own), then a thread here
    loads that cache; else on a thread.  An engine's first real call waits for them
    instead of compiling.  Best effort: a failure here is left for that real call to
    report (it compiles itself).  A child still compiling when the command ends (bad
    input) is stopped (:func:`stop_warm_up`)."""
    global _child, _child_keys, _child_start, _warming
    if _jit_off() or _warming:
        return
    _warming = True
    kernels = [ENGINES[e] for e in engines or ("deterministic",)]
    keys = frozenset(k[-1][0] + "." + k[-1][1] for k in kernels) - _done  # (not in use)
    if not keys:
        return
    folder = cache_folder()
    if sys.platform.startswith("linux") and folder != "" and not _cache_filled(folder, keys):
        with contextlib.suppress(Exception):  # numba imported once, here, not in the child
            for k in kernels:
                compile_kernels(k)
        _child_keys, _child_start = keys, time.time()
        _child = os.fork()
        if _child == 0:  # the child: compile into the cache, then leave at once
            code = 1
            try:
                _first_calls(keys)
                code = 0
            finally:
                os._exit(code)
        atexit.register(stop_warm_up)
    load = threading.Thread(target=_load, args=(_child, keys), name="forceratio-compile")
    load.daemon = True
    load.start()


def stop_warm_up() -> None:
    """Stop :func:`warm_up`'s child if it is still compiling (the command ends without
    running the engine, e.g. on bad input) and reap it; nothing is left behind."""
    global _stopped
    if _child and not _child_done.is_set():
        _stopped = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(_child, signal.SIGKILL)
        _child_done.wait(5.0)  # reaped by the loading thread


def _cache_filled(folder: str | None, keys: frozenset[str]) -> bool:
    """Whether the disk cache looks filled with every entry point of ``keys`` (an index
    newer than every simulator module, where numba puts it): then no child is needed."""
    here = Path(__file__).parent
    sub = here.name + "_" + hashlib.sha1(os.path.abspath(here).encode()).hexdigest()
    env, xdg = os.environ.get("NUMBA_CACHE_DIR"), os.environ.get("XDG_CACHE_HOME")
    home = Path(xdg or Path(os.path.expanduser("~")) / ".cache") / "numba" / sub
    places = [Path(folder or env or "") / sub] if folder or env else [here / "__pycache__", home]
    newest = max(f.stat().st_mtime for f in here.glob("*.py"))
    return all(
        any(f.stat().st_mtime >= newest for d in places for f in d.glob(f"{key}-*.nbi"))
        for key in keys
    )


def _first_calls(keys: frozenset[str]) -> None:
    """A small first call of each engine of ``keys`` (compiles it, or loads its cache)."""
    from forceratio.simulator.battle import battle

    args = ("power", 1000.0, 800.0, 0.01, 0.012)
    if "integrator.run_chunk" in keys:
        battle(*args, p=1.5, q=0.5, method="integrator")
    if "stochastic.run_chunk" in keys:
        battle(*args, p=1.5, q=0.5, replications=2, seed=0)
    if "closed_form.square_chunk" in keys:
        battle("square", *args[1:])


def _load(child: int | None, keys: frozenset[str]) -> None:
    """Load the engines here: after the child filled the cache (reaped here; nothing when
    it was stopped), or compiled on this thread."""
    if child:
        os.waitpid(child, 0)  # (releases the GIL)
        _child_done.set()
        if _stopped:
            return
    with contextlib.suppress(Exception):  # the real call reports any failure
        _first_calls(keys)


def _wait_child(which: tuple[tuple[str, str], ...], timeout: float = 300.0) -> None:
    """Wait until :func:`warm_up`'s child has put the entry point of ``which`` in the disk
    cache (or has ended); stop it after ``timeout`` seconds (then the caller compiles)."""
    mod, name = which[-1]
    entry = getattr(sys.modules[f"forceratio.simulator.{mod}"], name)
    index = getattr(getattr(getattr(entry, "_cache", None), "_cache_file", None), "_index_path", "")
    end = time.monotonic() + timeout
    while not _child_done.wait(0.02):
        with contextlib.suppress(OSError):  # numba writes the index last, atomically
            if index and os.path.getmtime(index) >= _child_start:
                return
        if time.monotonic() > end:
            stop_warm_up()


def _jit_off() -> bool:
    return os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0")


def threads() -> int:
    """Threads the kernels run on: ``FORCERATIO_THREADS``, else the cores available (one
    when numba's JIT is disabled: the plain-Python kernels share numpy's global generator)."""
    if _jit_off():
        return 1
    env = os.environ.get("FORCERATIO_THREADS", "")
    if env.strip().isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def run_chunked(
    kernel: Callable[..., Any], n: int, *args: Any, chunk: int = 2048,
    work: tuple[tuple[int, ...], ...] = (),
) -> None:  # fmt: skip
    """Call ``kernel(lo, hi, *work_arrays, *args)`` over ``0..n`` in chunks, on
    :func:`threads` threads; each call gets zeroed arrays of the shapes ``work`` of its own."""
    global _pool
    nt = threads()
    if work:
        kernel = functools.partial(_with_work, kernel, work)
    if nt == 1 or n <= chunk:
        kernel(0, n, *args)
        return
    size = max(chunk, -(-n // (8 * nt)))
    bounds = [(lo, min(n, lo + size)) for lo in range(0, n, size)]
    with _lock:  # one pool, even when two first calls come at once
        if _pool is None or _pool._max_workers != nt:
            _pool = ThreadPoolExecutor(max_workers=nt, thread_name_prefix="forceratio")
        pool = _pool
    for f in [pool.submit(kernel, lo, hi, *args) for lo, hi in bounds]:
        f.result()


def _with_work(
    kernel: Callable[..., Any], work: tuple[tuple[int, ...], ...], lo: int, hi: int, *args: Any
) -> None:
    kernel(lo, hi, *(np.zeros(shape) for shape in work), *args)

"""Compiling the scalar kernels (numba) and running them over chunks of runs on threads.

The kernels of :mod:`.kernel`, :mod:`.integrator`, :mod:`.stochastic` and
:mod:`.closed_form` are plain Python functions until :func:`compile_kernels` first needs
them; numba is imported only then (it costs a few tenths of a second).  Each kernel is
compiled once, for C-contiguous float64/int64 arrays, ``nogil``, and cached on disk
(where: :func:`forceratio.jit.cache_folder`).

:func:`run_chunked` cuts the runs into chunks and hands them to a pool of threads (one per
available core by default, ``FORCERATIO_THREADS`` to change it); each run is computed by
itself, so the chunking cannot change any number.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import types
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from forceratio import jit as jit_plumbing


def _names(module: str, names: str) -> tuple[tuple[str, str], ...]:
    return tuple((module, name) for name in names.split())


#: (module, function name) of the compiled functions, the entry point last: the step and
#: the engine that calls it as a first-class function (:func:`step_function`).
STEP_KERNELS = _names("kernel", "fire layout flows categories rates linear_rate side_sum "
                      "dopri_step")  # fmt: skip
KERNELS = _names(
    "kernel", "row store layout side_sum dense_point dense_sum cross_time dense_state end_rule"
) + _names("integrator", "start_run step_inputs at_stop record finish run_chunk")
#: The stochastic engine calls the step, its helpers and some of the deterministic engine's.
STOCHASTIC_KERNELS = (
    STEP_KERNELS + KERNELS[:-1] + _names("stochastic", "seed_run leap event run_chunk")
)
SQUARE_KERNELS = _names("closed_form", "square_level_time square_survivor square_chunk")
ENTRY_POINTS = frozenset({"run_chunk", "square_chunk", "dopri_step"})
#: The kernels of each engine :mod:`forceratio.warmup` can compile ahead of a command.
ENGINES = {"deterministic": (STEP_KERNELS, KERNELS), "stochastic": (STOCHASTIC_KERNELS,),
           "square": (SQUARE_KERNELS,)}  # fmt: skip
_done: set[str] = set()
_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def cache_folder() -> str | None:
    return jit_plumbing.cache_folder(Path(__file__).parent)


def compile_kernels(which: tuple[tuple[str, str], ...] = KERNELS) -> None:
    """Replace the listed plain functions by their compiled versions (once); numba compiles
    each on its first call."""
    key = which[-1][0] + "." + which[-1][1]
    if key not in _done:
        with _lock:
            if key not in _done:
                _compile(which, key)
    warm = sys.modules.get("forceratio.warmup")
    if warm is not None:  # its child may be compiling this entry point: wait for it
        warm.wait_for(key, which)


@functools.cache
def step_function() -> Any:
    """:func:`.kernel.dopri_step` as the engine's argument ``step``, typed by its signature:
    the engine's compile does not compile it (:func:`.jit.first_class`), so the two can
    compile in two processes at once (:mod:`forceratio.warmup`)."""
    from forceratio.simulator import kernel

    if _jit_off():
        return kernel.dopri_step
    from numba.core import types as nb

    v, m, f = nb.float64[::1], nb.float64[:, ::1], nb.float64
    sig = f(f, f, v, m, v, v, v, f, v, nb.int64, v, m, nb.boolean, nb.boolean)

    def compiled() -> Any:
        compile_kernels(STEP_KERNELS)
        return kernel.dopri_step

    return jit_plumbing.first_class(compiled, sig)


def _compile(which: tuple[tuple[str, str], ...], key: str) -> None:
    from forceratio.simulator import closed_form, integrator, kernel, stochastic

    folder = cache_folder()
    if folder:
        os.environ["NUMBA_CACHE_DIR"] = folder
    import numba

    if folder:
        numba.config.CACHE_DIR = folder  # type: ignore[attr-defined]
    modules = {m.__name__.split(".")[-1]: m for m in (kernel, integrator, stochastic, closed_form)}
    cache = folder != ""
    for mod_name, name in which:
        orig = getattr(modules[mod_name], name)
        if not isinstance(orig, types.FunctionType):
            continue  # compiled already
        # only the entry points are called from Python (the step through its C wrapper): a
        # helper has no wrappers, and its code is only linked into the entry points (cached
        # with them), where LLVM inlines the small ones (numba's own inlining compiles slower)
        entry = name in ENTRY_POINTS
        options = {} if entry else {"pipeline_class": jit_plumbing.link_only_compiler()}
        jit = numba.njit(  # type: ignore[call-overload]
            cache=cache and entry, nogil=True, error_model="numpy",
            no_cpython_wrapper=not entry, no_cfunc_wrapper=name != "dopri_step", **options,
        )  # fmt: skip
        fast = jit(orig)
        cache_file: Any = getattr(getattr(fast, "_cache", None), "_cache_file", None)
        if entry and cache and hasattr(cache_file, "_source_stamp"):
            # numba stamps the entry's own file only: every module's (no stale helpers)
            files = sorted(Path(__file__).parent.glob("*.py"))
            cache_file._source_stamp = [
                (f.name, f.stat().st_mtime, f.stat().st_size) for f in files
            ]
        if hasattr(fast, "get_call_template"):  # (not with NUMBA_DISABLE_JIT)
            if entry:
                jit_plumbing.memo_typing(fast)
            if name != "run_chunk" and name != "square_chunk":  # called by compiled code
                jit_plumbing.one_variant(fast)
        # every module that imported this function by name calls the compiled one
        for mod in modules.values():
            if mod.__dict__.get(name) is orig:
                setattr(mod, name, fast)
    _done.add(key)


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
        submit = _pool.submit
    for f in [submit(kernel, lo, hi, *args) for lo, hi in bounds]:
        f.result()


def _with_work(
    kernel: Callable[..., Any], work: tuple[tuple[int, ...], ...], lo: int, hi: int, *args: Any
) -> None:
    kernel(lo, hi, *(np.zeros(shape) for shape in work), *args)

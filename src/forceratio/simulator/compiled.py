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

import functools
import logging
import os
import stat
import sys
import tempfile
import threading
import types
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np


def _names(module: str, names: str) -> tuple[tuple[str, str], ...]:
    return tuple((module, name) for name in names.split())


#: (module, function name) of every compiled function; the entry points are the last.
KERNELS = (
    _names("packing", "fire row store layout fixed_share side_sum")
    + _names("held", "side_view from_zero balance settle settled_rates")
    + _names(
        "kernel",
        "flows categories rates linear_rate dopri_step dense_point dense_sum cross_time "
        "dense_state end_rule",
    )
    + _names("near_zero", "zero_time zero_cross remnant")
    + _names(
        "integrator",
        "start_run step_inputs at_stop record finish unresolved arriving side_end "
        "gate_step run_chunk",
    )
)
#: The stochastic engine calls the deterministic one's helpers (not its entry point).
STOCHASTIC_KERNELS = KERNELS[:-1] + _names(
    "stochastic",
    "seed_run poisson_at_most leap lost_share stage_share on_path below cross event snap "
    "finish_arrived run_chunk",
)
SQUARE_KERNELS = _names("closed_form", "square_level_time square_survivor square_chunk")
ENTRY_POINTS = frozenset({"run_chunk", "square_chunk"})
#: The engines :mod:`forceratio.simulator.warmup` can compile ahead of a command.
ENGINES = {"deterministic": KERNELS, "stochastic": STOCHASTIC_KERNELS, "square": SQUARE_KERNELS}
_done: set[str] = set()
_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_cache_noted = False  # _no_cache has logged its note


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
    try:
        tmp = Path(tempfile.gettempdir()) / f"forceratio-numba-{os.getuid()}"
    except OSError:  # no usable temporary folder at all
        return _no_cache("no writable folder for it")
    if not _private(tmp):
        # numba unpickles its cache index: a folder another user owns or can write is refused
        return _no_cache(f"{tmp} is not a private folder of this user")
    return str(tmp) if _writable(tmp) else _no_cache(f"{tmp} is not writable")


def _private(folder: Path) -> bool:
    """``folder`` is (made) a directory, not a link, owned by this user and writable by
    nobody else: nobody else can plant a cache index there."""
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = folder.lstat()
    except OSError:
        return False
    mine = st.st_uid == os.getuid()
    return stat.S_ISDIR(st.st_mode) and mine and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _no_cache(why: str) -> str:
    """``""`` (compile in memory), with one logged note per process saying why."""
    global _cache_noted
    if not _cache_noted:
        _cache_noted = True
        logging.getLogger("forceratio.jit").warning(
            "compile cache not used (%s); compiling in memory, each run starts slower", why
        )
    return ""


def compile_kernels(which: tuple[tuple[str, str], ...] = KERNELS) -> None:
    """Replace the listed plain functions by their compiled versions (once); numba compiles
    each on its first call."""
    key = which[-1][0] + "." + which[-1][1]
    if key not in _done:
        with _lock:
            if key not in _done:
                _compile(which, key)
    warm = sys.modules.get("forceratio.simulator.warmup")
    if warm is not None:  # its child may be compiling this entry point: wait for it
        warm.wait_for(key, which)


def _compile(which: tuple[tuple[str, str], ...], key: str) -> None:
    from forceratio.simulator import (
        closed_form,
        held,
        integrator,
        kernel,
        near_zero,
        packing,
        stochastic,
    )

    folder = cache_folder()
    if folder:
        os.environ["NUMBA_CACHE_DIR"] = folder
    import numba

    from forceratio.simulator import jit as jit_plumbing

    if folder:
        numba.config.CACHE_DIR = folder  # type: ignore[attr-defined]
    modules = {
        m.__name__.split(".")[-1]: m
        for m in (packing, held, kernel, near_zero, integrator, stochastic, closed_form)
    }
    cache = folder != ""
    for mod_name, name in which:
        orig = getattr(modules[mod_name], name)
        if not isinstance(orig, types.FunctionType):
            continue  # compiled already
        # only the entry points are called from Python: a helper has no wrappers, and its
        # code is only linked into the entry points (cached with them), where LLVM inlines
        # the small ones (numba's own inlining, per call site, compiled slower)
        entry = name in ENTRY_POINTS
        pipeline = jit_plumbing.entry_compiler if entry else jit_plumbing.link_only_compiler
        jit = numba.njit(  # type: ignore[call-overload]
            cache=cache and entry, nogil=True, error_model="numpy",
            no_cpython_wrapper=not entry, no_cfunc_wrapper=not entry,
            pipeline_class=pipeline(),
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
            jit_plumbing.mend_damaged_cache(fast)
            jit_plumbing.memo_typing(fast)
            jit_plumbing.scalar_loops(fast)
        else:
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
    when numba's JIT is disabled: the plain-Python kernels share numpy's global generator).
    A ``FORCERATIO_THREADS`` that is not a whole number >= 1 is refused (InputError), from
    Python as from the CLI, rather than ignored."""
    from forceratio.limits import check_threads_env, usable_cores

    check_threads_env()
    if _jit_off():
        return 1
    env = os.environ.get("FORCERATIO_THREADS", "")
    if env.strip():
        return int(env)
    return usable_cores()


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

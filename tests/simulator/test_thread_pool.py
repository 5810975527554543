"""The kernels' shared thread pool is made once, even when two first calls come at once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from forceratio.simulator import compiled


def test_two_first_calls_at_once_make_one_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[ThreadPoolExecutor] = []

    def slow_pool(*args: Any, **kwargs: Any) -> ThreadPoolExecutor:
        time.sleep(0.2)  # widen the window between "no pool yet" and "pool made"
        pool = ThreadPoolExecutor(*args, **kwargs)
        made.append(pool)
        return pool

    monkeypatch.setenv("FORCERATIO_THREADS", "2")
    monkeypatch.delenv("NUMBA_DISABLE_JIT", raising=False)
    monkeypatch.setattr(compiled, "_pool", None)
    monkeypatch.setattr(compiled, "ThreadPoolExecutor", slow_pool)
    outs = [np.zeros(10_000), np.zeros(10_000)]

    def fill(lo: int, hi: int, out: np.ndarray) -> None:
        out[lo:hi] += 1.0

    start = threading.Barrier(2)

    def first_call(out: np.ndarray) -> None:
        start.wait()
        compiled.run_chunked(fill, out.size, out, chunk=100)

    callers = [threading.Thread(target=first_call, args=(o,)) for o in outs]
    for t in callers:
        t.start()
    for t in callers:
        t.join()
    try:
        assert len(made) == 1
        assert all(np.all(o == 1.0) for o in outs)  # every run computed once
    finally:
        for pool in made:
            pool.shutdown()

"""A sweep's outcome columns are read back into memory from the C library's ``malloc``, not
from Arrow's own allocator (mimalloc): the sweep's process keeps the heap its runs freed,
which ``malloc`` reuses and mimalloc cannot, so a read-back through mimalloc stacked
10-20 MB on the command's peak, more or less by how the scheduler spread Arrow's threads
(``tests/sweeps/test_batch_memory.py``'s posterior sweep read 0.796-0.826 of it under
load).  And Arrow's default allocator is as it was after.

Oracle: Arrow's own accounting per allocator, in a fresh process where nothing else used
the system allocator (its peak 0 before the read)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.memory_child import SRC

CHILD = """
import json, sys
import numpy as np, pandas as pd, pyarrow as pa
from forceratio.sweeps.store import ChunkStore

store = ChunkStore(sys.argv[1])
store.open({"spec": {"seed": 1}, "chunk_size": 10, "format": 2, "inputs": {}}, resume=False)
for i in range(2):
    store.write(i, pd.DataFrame({"x": np.arange(1_000_000, dtype=float)}), "fp")
malloc = pa.system_memory_pool()
before = (malloc.max_memory(), pa.default_memory_pool().backend_name)
col = store.column("x")
after = (malloc.max_memory(), pa.default_memory_pool().backend_name)
store.close()
print(json.dumps([before, after, float(col.sum()), len(col)]))
"""


def test_a_column_is_read_into_mallocs_memory(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": SRC}
    env.pop("ARROW_DEFAULT_MEMORY_POOL", None)
    ran = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "sw")],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-2000:]
    before, after, total, n = json.loads(ran.stdout)
    assert (n, total) == (2_000_000, 2 * 999_999 * 1_000_000 / 2)  # both parts, whole
    assert before[0] == 0, before  # nothing had used malloc's pool
    assert after[0] >= 8_000_000, after  # a part's column (10^6 floats) came from it
    assert after[1] == before[1], (before, after)  # Arrow's default restored


THREADS = """
import json, sys, threading
import numpy as np, pandas as pd, pyarrow as pa
from forceratio.sweeps.store import ChunkStore

store = ChunkStore(sys.argv[1])
store.open({"spec": {"seed": 1}, "chunk_size": 10, "format": 2, "inputs": {}}, resume=False)
store.write(0, pd.DataFrame({"x": np.arange(100_000, dtype=float)}), "fp")
store.close()
default, malloc = pa.default_memory_pool().backend_name, pa.system_memory_pool()
read, gates, sums = ChunkStore.read_part, {}, {}

def paused(self, *args, **kwargs):  # each reader stops inside its column read, part read
    got = read(self, *args, **kwargs)
    inside, go_on = gates[threading.current_thread().name]
    inside.set()
    assert go_on.wait(60)
    return got

def reader(name):
    gates[name] = (threading.Event(), threading.Event())
    def run():
        sums[name] = float(ChunkStore(sys.argv[1]).column("x").sum())
    thread = threading.Thread(target=run, name=name)
    thread.start()
    assert gates[name][0].wait(60)
    return thread

ChunkStore.read_part = paused
a = reader("a")  # a reads; meanwhile this thread allocates through Arrow's default pool
seen, held = pa.default_memory_pool().backend_name, malloc.bytes_allocated()
numbers = pa.array(list(range(200_000)), pa.float64())  # 1.6 MB, copied from a list
to_malloc = malloc.bytes_allocated() - held
b = reader("b")  # a second read overlaps the first; the first ends first
gates["a"][1].set(); a.join()
gates["b"][1].set(); b.join()
print(json.dumps([default, seen, to_malloc, pa.default_memory_pool().backend_name, sums]))
"""


def _threads(tmp_path: Path) -> list[Any]:
    env = {**os.environ, "PYTHONPATH": SRC}
    env.pop("ARROW_DEFAULT_MEMORY_POOL", None)
    ran = subprocess.run(
        [sys.executable, "-c", THREADS, str(tmp_path / "sw")],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-2000:]
    found: list[Any] = json.loads(ran.stdout)
    return found


def test_another_threads_arrow_memory_is_not_mallocs_during_a_read(tmp_path: Path) -> None:
    """While a column is read on one thread, another thread allocating through Arrow's
    default pool gets that pool, not malloc's (the read once swapped the process's
    default for malloc's while it ran)."""
    default, seen, to_malloc, _, sums = _threads(tmp_path)
    assert default != "system", default  # (else the two could not be told apart)
    assert seen == default, (seen, default)
    assert to_malloc < 200_000, to_malloc  # none of the other thread's 1.6 MB
    assert sums == {"a": 99_999 * 100_000 / 2, "b": 99_999 * 100_000 / 2}


def test_two_overlapping_reads_leave_arrows_default_pool_as_it_was(tmp_path: Path) -> None:
    """Two column reads on two threads, the second starting while the first runs and
    ending after it: Arrow's default pool is the one it was (a swap per read restored,
    at the second's end, malloc's pool it had found at its start)."""
    default, _, _, after, sums = _threads(tmp_path)
    assert after == default, (after, default)
    assert sums == {"a": 99_999 * 100_000 / 2, "b": 99_999 * 100_000 / 2}

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

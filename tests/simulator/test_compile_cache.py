"""The compiled engine's disk cache is keyed on every simulator module, not only on the
file of the entry point (numba's own rule), so an edited helper is never served stale."""

from __future__ import annotations

import os

import pytest

from forceratio.simulator import compiled, integrator


@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0"), reason="no JIT")
def test_the_entry_point_is_stamped_with_the_helpers_and_the_constants() -> None:
    compiled.compile_kernels(compiled.KERNELS)
    cache = getattr(integrator.run_chunk, "_cache", None)
    if cache is None or not hasattr(cache, "_cache_file"):
        pytest.skip("compiled without a disk cache")
    names = {name for name, _, _ in cache._cache_file._source_stamp}
    assert {"kernel.py", "integrator.py", "tableau.py", "result.py"} <= names

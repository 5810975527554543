"""A deterministic batch of scenario samples (``scenarios.run.run(prep, samples=...)``)
had no memory check; it is estimated from the samples, sectors and recorded days and
refused, naming ``samples``, before anything is built."""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

from forceratio.errors import InputError
from forceratio.scenarios.run import run
from forceratio.scenarios.session import Session

MEASURE = """
import sys, numpy as np
from forceratio.scenarios.run import batch_bytes, run
from forceratio.scenarios.session import Session

def kb(key):
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(key))

n, name = int(sys.argv[1]), sys.argv[2]
s = Session()
prep = s.prepare(name)
cal = s.rates(prep)
run(prep, calibration=cal)
x = np.linspace(0.2, 0.6, n)
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")  # the peak (VmHWM) starts again from the resident memory now
base = kb("VmRSS:")
run(prep, samples={"breakpoints.USSR": x}, calibration=cal)
print((kb("VmHWM:") - base) * 1024, batch_bytes(prep, n)[0])
"""


def test_a_huge_batch_is_refused_before_building(monkeypatch: pytest.MonkeyPatch) -> None:
    """100,000 samples of a broadcast value (no memory of their own) under a 64 MB limit:
    refused naming ``samples``, numpy's traced peak under 1 MB (the old code built and ran
    them, about a gigabyte)."""
    session = Session()
    prep = session.prepare("strike-12june-strip")
    cal = session.rates(prep)
    run(prep, calibration=cal)  # warm
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "64M")
    x = np.broadcast_to(np.float64(0.3), (100_000,))
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as err:
            run(prep, samples={"breakpoints.USSR": x}, calibration=cal)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.value.field == "samples"
    assert err.value.problem.startswith("100,000 samples of strike-12june-strip (1 sector(s)")
    assert peak < 1024**2


@pytest.mark.parametrize("name", ["strike-12june-strip", "kiev-1941", "barbarossa-22june"])
def test_the_estimate_is_within_a_half_of_the_real_peak(name: str) -> None:
    """The oracle: the peak resident memory (VmHWM, reset through /proc/self/clear_refs)
    a fresh process adds running 5,000 samples after a warm run."""
    env = {**os.environ, "FORCERATIO_MAX_MEMORY": "unlimited"}
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, "5000", name],
        capture_output=True, text=True, env=env, check=True, timeout=600,
    )  # fmt: skip
    real, estimate = map(float, out.stdout.split()[-2:])
    assert 1 / 1.5 <= real / estimate <= 1.5, (real, estimate)

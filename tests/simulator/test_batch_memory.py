"""A deterministic batch of battles had no memory check on its
per-battle outputs; ``battle()`` now estimates them by the engine's path and refuses,
naming the argument that gives the batch, before allocating anything."""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

import forceratio
from forceratio.errors import InputError

MEASURE = """
import sys, numpy as np, forceratio

def kb(key):
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(key))

n, law, method = int(sys.argv[1]), sys.argv[2], sys.argv[3]
kw = {"w": 0.5} if law == "helmbold" else {}
forceratio.battle(law, np.full(10, 1000.0), 800.0, 0.01, 0.012, method=method, **kw)
red = np.random.default_rng(0).uniform(1e3, 2e3, n)
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")  # the peak (VmHWM) starts again from the resident memory now
base = kb("VmRSS:")
forceratio.battle(law, red, 800.0, 0.01, 0.012, method=method, **kw)
print((kb("VmHWM:") - base) * 1024)
"""


def test_a_huge_batch_is_refused_before_allocating(monkeypatch: pytest.MonkeyPatch) -> None:
    """2 million battles of a broadcast strength (no memory of their own) under a 16 MB
    limit: refused naming ``red``, with the numpy memory traced staying under 1 MB (the
    old code allocated the outputs, about 100 MB, and ran)."""
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "16M")
    red = np.broadcast_to(np.float64(1000.0), (2_000_000,))
    forceratio.battle("square", np.full(10, 1000.0), 800.0, 0.01, 0.012)  # imported, warm
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as err:
            forceratio.battle("square", red, 800.0, 0.01, 0.012)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.value.field == "red"
    assert err.value.problem.startswith("2,000,000 deterministic battles (square) need about")
    assert peak < 1024**2
    with pytest.raises(InputError) as err:  # the batch named by the argument that gives it
        forceratio.battle("linear", 1000.0, 800.0, 0.01, np.full(200_000, 0.012))
    assert err.value.field == "blue_rate"


@pytest.mark.parametrize(
    ("law", "method", "path"),
    [("square", "auto", "square"), ("linear", "auto", "closed_form"),
     ("helmbold", "auto", "integrator"), ("square", "integrator", "integrator")],
)  # fmt: skip
def test_the_estimate_is_within_a_half_of_the_real_peak(law: str, method: str, path: str) -> None:
    """The oracle: the peak resident memory (VmHWM, reset through /proc/self/clear_refs)
    a fresh process adds running 200,000 battles after a warm 10-battle call, against the
    estimate of that batch."""
    from forceratio.limits import BYTES_PER_DETERMINISTIC_RUN

    n = 200_000
    env = {**os.environ, "FORCERATIO_MAX_MEMORY": "unlimited"}
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(n), law, method],
        capture_output=True, text=True, env=env, check=True, timeout=300,
    )  # fmt: skip
    real = float(out.stdout.split()[-1])
    estimate = n * BYTES_PER_DETERMINISTIC_RUN[path]
    assert 1 / 1.5 <= real / estimate <= 1.5, (real, estimate)


def test_the_command_line_refuses_it_in_one_line() -> None:
    env = {**os.environ, "FORCERATIO_MAX_MEMORY": "40"}
    out = subprocess.run(
        [sys.executable, "-m", "forceratio", "battle", "--law", "helmbold", "--w", "0.5"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("forceratio: error: --red: 1 deterministic battles (integrator)")
    assert "Traceback" not in out.stderr

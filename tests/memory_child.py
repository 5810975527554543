"""The fresh process a Python-level memory test measures in: the peak anonymous memory one
call adds and the estimates the memory checks were asked about on the way.

The child spies on :func:`forceratio.limits.check_memory` before anything imports it (every
``(field, estimate)`` asked, in order), runs the test's ``setup`` (imports, a warm call),
resets the peak through ``/proc/self/clear_refs`` and the list of estimates, runs the
``measured`` code and prints ``MEASURED [added bytes, [[field, estimate], ...]]``.  Added is
VmHWM less the resident memory at the reset, less the growth of the mapped files (RssFile:
the libraries' pages, which differ by 80 MB between a fresh install and a warm page cache),
as hmem20 measures the commands (:mod:`tests.command_memory`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import forceratio

SRC = str(Path(forceratio.__file__).parents[1])

SPY = """
import json, sys
import forceratio.limits as limits

asked = []
plain = limits.check_memory

def spy(field, estimate, what):
    asked.append((field, estimate))
    plain(field, estimate, what)

limits.check_memory = spy  # before the code measured imports it

def kb(key):
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(key))
"""
RESET = """
asked.clear()
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")  # the peak (VmHWM) starts again from the resident memory now
base, files = kb("VmRSS:"), kb("RssFile:")
"""
REPORT = """
added = kb("VmHWM:") - base - (kb("RssFile:") - files)
print("MEASURED", json.dumps([added * 1024, asked]))
"""


def child(setup: str, measured: str) -> str:
    """The script for ``python -c``: ``setup``, the reset, ``measured``, the report (both
    Python source, dedented; ``sys`` and ``json`` imported, ``sys.argv`` the arguments)."""
    return SPY + textwrap.dedent(setup) + RESET + textwrap.dedent(measured) + REPORT


def measure(script: str, args: list[str], tmp: Path) -> tuple[float, list[tuple[str, float]]]:
    """``script`` run with ``args`` in a fresh process, no memory limit: (the peak it added,
    bytes; the estimates asked after the reset, in order)."""
    env = {
        **os.environ, "PYTHONPATH": SRC, "FORCERATIO_MAX_MEMORY": "unlimited",
        "FORCERATIO_CACHE_DIR": os.environ.get("FORCERATIO_CACHE_DIR", str(tmp)),
    }  # fmt: skip
    ran = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-2000:]
    added, asked = json.loads(ran.stdout.split("MEASURED")[-1])
    return float(added), [(str(field), float(estimate)) for field, estimate in asked]

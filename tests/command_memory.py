"""A ``forceratio`` command run in a fresh process that reports the peak anonymous memory
it added and the estimates its memory checks were asked about: what the commands' memory
tests (``sweep``, ``sensitivity``, ``threshold``, ``plot``) measure.  The Python-level
calls' counterpart is :mod:`tests.memory_child`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.memory_child import SRC

# The command's peak: VmHWM less the resident memory after importing the CLI, reset through
# /proc/self/clear_refs (a child's ru_maxrss starts from its parent's peak), less the growth of
# the mapped files (RssFile: the libraries' pages, reclaimable, and 80 MB larger in a freshly
# installed environment than on a warm page cache: the fresh-clone CI measured 0.76-0.79 and
# 557 MB under a 480 MB limit where this machine's venv measured 0.96-1.03 and 440 MB).
# Its estimate: the largest one each memory check was asked about, recorded on the way
# (the limit off).
COMMAND_CHILD = """
import json, sys
import forceratio.limits as limits
from forceratio.cli.app import app

asked = {}
plain = limits.check_memory

def spy(field, estimate, what):
    asked[field] = max(asked.get(field, 0.0), estimate)
    plain(field, estimate, what)

limits.check_memory = spy

def kb(key):
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(key))

with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")
base, files = kb("VmRSS:"), kb("RssFile:")
try:
    code = app(sys.argv[1:], standalone_mode=False)
finally:
    added = kb("VmHWM:") - base - (kb("RssFile:") - files)
    print("MEASURED", json.dumps([added * 1024, asked]), file=sys.stderr)
sys.exit(code)
"""


def run_command(
    args: list[str], tmp: Path, limit: str = "unlimited"
) -> subprocess.CompletedProcess[str]:
    """``forceratio ARGS`` in a fresh process under :data:`COMMAND_CHILD`, the memory limit
    ``limit`` (``FORCERATIO_MAX_MEMORY``), the cache the environment's or one in ``tmp``."""
    cache = os.environ.get("FORCERATIO_CACHE_DIR", str(tmp / "cache"))
    env = {
        **os.environ, "PYTHONPATH": SRC, "FORCERATIO_CACHE_DIR": cache,
        "FORCERATIO_MAX_MEMORY": limit,
    }  # fmt: skip
    return subprocess.run(
        [sys.executable, "-c", COMMAND_CHILD, *args],
        env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


def command_peak(ran: subprocess.CompletedProcess[str]) -> tuple[float, dict[str, float]]:
    """(the bytes the command added at its peak, the largest estimate each memory check
    was asked about, by field) of a :func:`run_command`."""
    added, asked = json.loads(ran.stderr.split("MEASURED")[-1])
    return float(added), asked


def refusal_line(ran: subprocess.CompletedProcess[str], start: str) -> str:
    """The one line of a refused command (exit 2; the child's MEASURED line aside), which
    starts ``forceratio: error: `` and then ``start``."""
    assert ran.returncode == 2, ran.stderr[-2000:]
    lines = [ln for ln in ran.stderr.splitlines() if not ln.startswith("MEASURED")]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"forceratio: error: {start}"), lines
    return lines[0]

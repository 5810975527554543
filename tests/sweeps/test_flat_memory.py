"""The last flat memory estimates measured.  ``evaluate_chunk``'s first check
counted 4 kB a run (0.6 of the peak of 20,000 samples of the strike, 0.004 with
replications; ``run()`` then refused naming its own ``samples``), ``plot --kind
distribution`` and ``--kind tornado`` 4 kB a run and nothing for the command or the
figure (0.005-0.11 of their peaks), ``sweep --workers`` 320 MB a worker process beside
the chunks of all of them (1.28-1.38 of the command and its workers' summed peaks, so a
sweep that fits was refused).  Each estimate is now within 0.8-1.3 of the peak measured
as hmem20 measures it (anonymous memory: VmHWM less RssFile's growth, reset through
/proc/self/clear_refs), the workers' summed over the command's children."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from forceratio.errors import InputError
from forceratio.sweeps import Design, SweepSpec, Vary, evaluate_chunk
from tests.command_memory import COMMAND_CHILD, command_peak, refusal_line, run_command
from tests.memory_child import SRC, child, measure

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/status"),
]
VARY = [Vary("breakpoints.USSR", 0.2, 0.6), Vary("breakpoints.Germany", 0.2, 0.6)]

# evaluate_chunk from Python, after a warm chunk of two samples: the peak it adds and the
# first estimate a memory check was asked about on the way (evaluate_chunk's own)
CHUNK = child(
    """
    from forceratio.sweeps import Design, SweepSpec, Vary, evaluate_chunk

    name, n, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    vary = [Vary("breakpoints.USSR", 0.2, 0.6), Vary("breakpoints.Germany", 0.2, 0.6)]
    spec = SweepSpec(name, Design.make("random", vary, n, 1), replications=reps)
    evaluate_chunk(spec, 0, 2)
    """,
    "evaluate_chunk(spec, 0, n)",
)

# the command's children (sweep --workers' processes and multiprocessing's resource
# tracker), polled while it runs: each one's peak anonymous memory, VmHWM less RssFile and
# RssShmem (a fresh process: its whole life), printed at exit beside hmem20's measurement
CHILDREN = """
import atexit, json, os, sys, threading, time

def status(pid):
    with open(f"/proc/{pid}/status") as fh:
        got = dict(line.split(":", 1) for line in fh)
    return {k: int(got[k].split()[0]) for k in ("VmHWM", "RssFile", "RssShmem")}

peaks = {}

def poll():
    while True:
        for tid in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{tid}/children") as fh:
                    pids = fh.read().split()
                for pid in pids:
                    s = status(pid)
                    peaks[pid] = (s["VmHWM"] - s["RssFile"] - s["RssShmem"]) * 1024
            except (OSError, KeyError):
                pass  # a child that has just exited keeps its last reading
        time.sleep(0.02)

threading.Thread(target=poll, daemon=True).start()
atexit.register(lambda: print("CHILDREN", json.dumps(peaks), file=sys.stderr))
"""


def _chunk(name: str, n: int, reps: int, tmp: Path) -> tuple[float, str, float]:
    added, asked = measure(CHUNK, [name, str(n), str(reps)], tmp)
    field, estimate = asked[0]
    return added, field, estimate


@pytest.mark.parametrize(
    ("name", "n", "reps", "field"),
    [("strike-12june-strip", 20000, 0, "stop"), ("kiev-1941", 300, 20, "replications")],
)
def test_evaluate_chunks_first_check_is_close_to_the_peak(
    name: str, n: int, reps: int, field: str, tmp_path: Path
) -> None:
    added, asked, estimate = _chunk(name, n, reps, tmp_path)
    assert asked == field
    assert 0.8 <= estimate / added <= 1.3, (name, estimate, added)


def test_evaluate_chunk_refuses_naming_its_own_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    """20,000 samples of the strike need about 150 MB (137 MB measured): under 100M the
    chunk is refused naming ``stop``, evaluate_chunk's argument; the flat 82 MB let it
    through to ``run()``, which named ``samples``, an argument the caller never gave."""
    spec = SweepSpec("strike-12june-strip", Design.make("random", VARY, 20_000, 1))
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "100M")
    with pytest.raises(InputError) as err:
        evaluate_chunk(spec, 0, 20_000)
    assert err.value.field == "stop", err.value
    assert err.value.problem.startswith("20,000 samples of strike-12june-strip")


PLOT = ["plot", "strike-12june-strip", "--kind"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ([*PLOT, "distribution", "--replications", "5000"], "--replications"),
        ([*PLOT, "tornado", "--samples", "256"], "--samples"),
    ],
    ids=["distribution", "tornado"],
)
def test_a_figures_estimate_is_close_to_the_peak(
    args: list[str], field: str, tmp_path: Path
) -> None:
    ran = run_command([*args, "--out", str(tmp_path / "x.png")], tmp_path)
    assert ran.returncode == 0, ran.stderr[-2000:]
    added, asked = command_peak(ran)
    assert 0.8 <= asked[field] / added <= 1.3, (args, asked, added)


def test_a_distribution_above_the_limit_is_refused_before_its_runs(tmp_path: Path) -> None:
    """5,000 replications of the strike add about 234 MB (the case above): under 200M
    they are refused in one line naming --replications, exit 2, before the runs (the old
    check counted 20 MB and ``run()``'s 110 MB, so the figure was drawn past the limit)."""
    out = tmp_path / "x.png"
    args = [*PLOT, "distribution", "--replications", "5000", "--out", str(out)]
    ran = run_command(args, tmp_path, limit="200M")
    refusal_line(ran, "--replications: ")
    added, asked = command_peak(ran)
    assert added < 0.6 * asked["--replications"], (added, asked)
    assert not out.exists()


def test_worker_processes_are_counted_as_measured(tmp_path: Path) -> None:
    """8,000 samples in chunks of 2,000 on two worker processes: the command and its
    children (two workers, multiprocessing's resource tracker) add about 500 MB.  Under a
    600 MB limit the sweep runs (it was refused: 320 MB a worker beside the chunks of both,
    682 MB) and stays under it, and the estimate is within 0.8-1.3 of the sum."""
    out = tmp_path / "out"
    args = ["sweep", "--no-progress", "strike-12june-strip", "--samples", "8000"]
    args += ["--chunk-size", "2000", "--workers", "2", "--out", str(out)]
    env = {
        **os.environ, "PYTHONPATH": SRC, "FORCERATIO_MAX_MEMORY": "600M",
        "FORCERATIO_CACHE_DIR": os.environ.get("FORCERATIO_CACHE_DIR", str(tmp_path)),
    }  # fmt: skip
    ran = subprocess.run(
        [sys.executable, "-c", CHILDREN + COMMAND_CHILD, *args],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-2000:]
    head, tail = ran.stderr.rsplit("CHILDREN", 1)
    added, asked = json.loads(head.split("MEASURED")[-1])
    children = json.loads(tail)
    assert len(children) >= 2, children  # the two workers were seen
    total = added + sum(children.values())
    assert total <= 600 * 1024**2, (added, children)
    estimate = max(v for k, v in asked.items() if k.startswith("--"))
    assert 0.8 <= estimate / total <= 1.3, (asked, added, children)

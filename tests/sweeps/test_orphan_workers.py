"""review22a M4: the worker processes of ``sweep --workers N`` (and the resource tracker)
outlived a killed command, ran on through their queue and wrote parts outside the
folder's lock, beside a --resume.  Now each worker ends when the command's process does,
and only that process lands a part: nothing lands after its death, and a --resume gives
the rows of an uninterrupted sweep."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

psutil = pytest.importorskip("psutil")  # (a dependency of dask.distributed, a test extra)

ARGS = [
    sys.executable, "-m", "forceratio", "sweep", "strike-12june-strip",
    "--vary", "modifiers.quality.Germany=0.2:1.1", "--samples", "96", "--seed", "4",
    "--chunk-size", "4", "--uncalibrated", "--no-progress", "--format", "json",
]  # fmt: skip
CHUNKS = 24


def _parts(out: Path) -> set[str]:
    return {p.name for p in out.glob("part-*.parquet")}


def _workers(children: list[Any]) -> list[Any]:
    """The pool's worker processes among ``children`` (the resource tracker left out)."""
    found = []
    for c in children:
        try:
            if "spawn_main" in " ".join(c.cmdline()):
                found.append(c)
        except psutil.Error:  # (ended meanwhile)
            pass
    return found


def _running(procs: list[Any]) -> list[Any]:
    """The processes of ``procs`` still running (a zombie has ended: orphaned, it waits
    for whichever process adopted it to reap it)."""
    found = []
    for p in procs:
        try:
            if p.status() != psutil.STATUS_ZOMBIE:
                found.append(p)
        except psutil.NoSuchProcess:
            pass
    return found


def _run(*extra: str) -> None:
    done = subprocess.run([*ARGS, *extra], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_end_with_a_killed_sweep_and_resume_completes_it(
    tmp_path: Path, sig: signal.Signals
) -> None:
    whole = tmp_path / "whole"
    _run("--out", str(whole))  # the reference (and a warm compile cache for the workers)
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [*ARGS, "--workers", "2", "--out", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    children: list[Any] = []
    workers: list[Any] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # a part landed and both workers are up
            time.sleep(0.01)
            children = psutil.Process(proc.pid).children(recursive=True)
            workers = _workers(children)  # (read now: an ended one has no command line)
            if out.is_dir() and _parts(out) and len(workers) == 2:
                break
    finally:
        proc.send_signal(sig)
        proc.wait()
    landed = _parts(out)
    assert 1 <= len(landed) < CHUNKS, "the sweep was not stopped part-way"
    assert len(workers) == 2
    end = time.monotonic() + 10
    while (alive := _running(children)) and time.monotonic() < end:
        time.sleep(0.05)
    for p in alive:  # (not left behind by a failing test)
        p.kill()
    assert not alive, f"still running after the sweep was killed: {[p.pid for p in alive]}"
    assert _parts(out) == landed  # nothing landed once the sweep was gone
    _run("--workers", "2", "--out", str(out), "--resume")
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    a = pd.read_parquet(whole).sort_values("sample", ignore_index=True)
    b = pd.read_parquet(out).sort_values("sample", ignore_index=True)
    assert b["sample"].tolist() == list(range(96))  # no lost and no duplicated rows
    pd.testing.assert_frame_equal(a, b, check_exact=True)

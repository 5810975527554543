"""A temporary part whose writer has ended but was never reaped (a zombie: a worker of a
killed sweep adopted by an init that does not reap, as in the fresh-clone CI of 5 December
2026) is stale: ``--resume`` deletes it.  ``kill(pid, 0)`` alone says such a process is
alive; the oracle here is a real unreaped child, then the same pid once reaped."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from forceratio.sweeps.store import _alive


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and fork")
def test_an_unreaped_writer_is_not_alive() -> None:
    pid = os.fork()
    if pid == 0:  # the child ends at once and stays unreaped until waited for
        os._exit(0)
    try:
        deadline = time.monotonic() + 10
        stat = Path(f"/proc/{pid}/stat")
        while stat.read_text().rsplit(")", 1)[-1].split()[0] != "Z":
            assert time.monotonic() < deadline, "the child did not end"
            time.sleep(0.01)
        tmp = Path(f".part-0000001.parquet.{pid}.tmp")
        assert not _alive(tmp)
    finally:
        os.waitpid(pid, 0)
    assert not _alive(Path(f".part-0000001.parquet.{pid}.tmp"))


def test_a_running_writer_is_alive() -> None:
    assert _alive(Path(f".part-0000001.parquet.{os.getppid()}.tmp"))

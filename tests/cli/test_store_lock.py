"""A sweep holds its directory while it writes (review15hostile D14): a second resumption
started meanwhile is refused in one line instead of deleting the temporary part the first
is writing (which made the first die with 'cannot write part-...: No such file'); and a
resumption deletes only the temporary parts of processes no longer alive."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from forceratio.cli import run
from forceratio.errors import InputError
from forceratio.sweeps.store import MANIFEST, ChunkStore
from tests.cli.refusals import refused

SCN = "strike-12june-strip"
SWEEP = ["sweep", SCN, "--vary", "modifiers.quality.Germany=0.3:20", "--samples", "8",
         "--chunk-size", "4", "--seed", "3", "--no-progress", "--format", "json"]  # fmt: skip


def _manifest() -> dict[str, Any]:
    return {"spec": {"seed": 1}, "chunk_size": 10, "format": 2, "inputs": {}}


def test_a_second_writer_is_refused_while_the_first_holds_the_store(tmp_path: Path) -> None:
    out = tmp_path / "sw"
    first = ChunkStore(out)
    assert first.open(_manifest(), resume=False) == set()
    second = ChunkStore(out)
    with pytest.raises(InputError, match=r"is being written by another sweep now; let it finish"):
        second.open(_manifest(), resume=True)
    first.close()  # the first is done: the resumption may go on
    assert second.open(_manifest(), resume=True) == set()
    second.close()


def test_a_resumption_keeps_the_temporary_part_of_a_live_writer(tmp_path: Path) -> None:
    """(Where the file system has no locks, the pid in the name tells.)  The temporary
    part of a live process stays; those of a finished process and of this one go."""
    out = tmp_path / "sw"
    store = ChunkStore(out)
    store.open(_manifest(), resume=False)
    store.close()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        names = {
            "live": f".part-0000001.parquet.{live.pid}.tmp",
            "dead": f".part-0000002.parquet.{dead.pid}.tmp",
            "mine": f".part-0000003.parquet.{os.getpid()}.tmp",
        }
        for name in names.values():
            (out / name).write_bytes(b"half a part")
        ChunkStore(out).open(_manifest(), resume=True)
        left = {p.name for p in out.iterdir()}
        assert left == {MANIFEST, names["live"]}
    finally:
        live.kill()
        live.wait()


def test_sweep_resume_while_another_process_writes_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Real processes: a process holds the store open (as a running sweep does); the
    CLI's --resume of the same sweep is refused, and every file stays."""
    out = tmp_path / "sw"
    assert run([*SWEEP, "--out", str(out)]) == 0
    capsys.readouterr()
    (out / "part-0000001.parquet").unlink()
    manifest = json.loads((out / MANIFEST).read_text())
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import json, sys, time; from forceratio.sweeps.store import ChunkStore; "
         f"ChunkStore({str(out)!r}).open(json.loads(sys.argv[1]), resume=True); "
         "print('ready', flush=True); time.sleep(60)", json.dumps(manifest)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        before = {p.name: p.read_bytes() for p in out.iterdir()}
        line = refused(capsys, [*SWEEP, "--out", str(out), "--resume"])
        assert line == (
            f"forceratio: error: --resume: {out} is being written by another sweep now; let it "
            "finish (or stop it), then --resume"
        )
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    finally:
        holder.kill()
        holder.communicate()  # (closes its pipe)
    assert run([*SWEEP, "--out", str(out), "--resume"]) == 0  # the holder gone: it resumes
    assert json.loads(capsys.readouterr().out)["computed_chunks"] == 1

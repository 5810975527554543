"""A sweep directory whose part is a pipe (or a folder, a device) is refused in one line
naming the part, never read: ``discover --from DIR`` with a FIFO named
``part-0000001.parquet`` waited for a writer forever (killed by ``timeout 60``), and so did
``plot --from`` and ``sweep --resume``, which read the parts the same way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from forceratio.cli import run
from tests.cli.refusals import refused_unblocked

SCN = "strike-12june-strip"
SWEEP = ["sweep", SCN, "--seed", "7", "--samples", "16", "--chunk-size", "8", "--no-progress"]


def _pipe_part(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    out = tmp_path / "sw"
    assert run([*SWEEP, "--out", str(out)]) == 0
    capsys.readouterr()
    part = out / "part-0000001.parquet"
    part.unlink()
    os.mkfifo(part)
    return out, part


def test_discover_from_a_sweep_with_a_pipe_part(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, part = _pipe_part(tmp_path, capsys)
    line = refused_unblocked(capsys, ["discover", SCN, "--from", str(out)], part)
    assert f"--from: {part} is not a regular file" in line, line


def test_resume_over_a_pipe_part_keeps_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, part = _pipe_part(tmp_path, capsys)
    line = refused_unblocked(capsys, [*SWEEP, "--out", str(out), "--resume"], part)
    assert f"--resume: {part} is not a regular file" in line, line
    assert "delete it" in line
    assert part.is_fifo()

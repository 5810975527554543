"""A CLI refusal as the tests expect it: exit status 2 and one ``forceratio: error:`` line."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from forceratio.cli import run


def refused(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    """Run the CLI; assert exit 2 and exactly one ``forceratio: error:`` line on stderr."""
    code = run(args)
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code == 2, captured.err
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("forceratio: error: "), lines[0]
    return lines[0]


def refused_unblocked(
    capsys: pytest.CaptureFixture[str], args: list[str], fifo: Path, patience: float = 20.0
) -> str:
    """``refused(args)``; a reader left waiting on ``fifo`` after ``patience`` seconds is
    released by opening the pipe's other end, and the test fails."""
    released: list[bool] = []
    done = threading.Event()

    def release() -> None:
        if done.wait(patience):
            return
        try:  # succeeds only when a reader is waiting on the pipe
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return
        released.append(True)
        os.close(fd)

    watchdog = threading.Thread(target=release, daemon=True)
    watchdog.start()
    try:
        line = refused(capsys, args)
    finally:
        done.set()
        watchdog.join()
    assert not released, "the command waited on the pipe"
    return line

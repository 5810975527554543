"""A command run with its standard output closed (``forceratio scenarios list >&-``) ended
in a traceback (``AttributeError: 'NoneType' object has no attribute 'isatty'``: Python
sets ``sys.stdout`` to None) and exit status 1.  It is refused in one line, exit 2, as
coreutils refuse it (``ls >&-``: "write error: Bad file descriptor", exit 2), before any
work.  With standard error closed as well, the exit status still says 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.refusals import refused

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _shell(line: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC, "PYTHONWARNINGS": "error"}
    cmd = f"exec {sys.executable} -m forceratio {line}"
    return subprocess.run(
        ["sh", "-c", cmd], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_closed_stdout_is_one_line_in_a_real_process() -> None:
    res = _shell("scenarios list >&-")
    assert res.returncode == 2, res.stderr
    assert res.stderr.count("\n") == 1, res.stderr
    assert res.stderr.startswith("forceratio: error: standard output is closed"), res.stderr


def test_closed_stdout_and_stderr_exit_2() -> None:
    res = _shell("scenarios show no-such-scenario >&- 2>&-")
    assert res.returncode == 2


def test_closed_stdout_refused_before_the_work(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # (capsys first: monkeypatch, set up after it, is undone before it, so sys.stdout is
    # given back to capsys's own stream, not to a closed one, even under pytest -s)
    monkeypatch.setattr(sys, "stdout", None)
    out = tmp_path / "x.svg"
    line = refused(capsys, ["plot", "strike-12june-strip", "--kind", "trajectory",
                            "--uncalibrated", "--out", str(out)])  # fmt: skip
    assert "standard output is closed" in line, line
    assert not out.exists()

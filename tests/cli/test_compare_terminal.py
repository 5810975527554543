"""``forceratio compare`` on narrow terminals, through a real pseudo-terminal: every line
fits, every scenario's name appears whole (never cut with an ellipsis), every figure says
its window, and the lines under the table say what decides the winner and what carries it."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios

import pytest

from forceratio.scenarios import builtins

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run_in_pty(args: list[str], columns: int, rows: int = 50) -> str:
    """Run ``python -m forceratio ARGS`` with its stdout on a pseudo-terminal of the given
    size; the text it printed (escape codes removed)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm"
    proc = subprocess.Popen(
        [sys.executable, "-m", "forceratio", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 300)
        if not ready:
            proc.kill()
            raise AssertionError("no output for 300 s")
        try:
            data = os.read(leader, 65536)
        except OSError:  # the follower closed: the child is done
            break
        if not data:
            break
        chunks.append(data)
    _, err = proc.communicate(timeout=60)
    os.close(leader)
    assert proc.returncode == 0, err.decode()
    return ANSI.sub("", b"".join(chunks).decode("utf-8").replace("\r\n", "\n"))


@pytest.fixture(scope="module", params=[80, 100])
def narrow(request: pytest.FixtureRequest) -> tuple[int, str]:
    return request.param, run_in_pty(["compare"], request.param)


@pytest.mark.slow
def test_every_line_fits_the_terminal(narrow: tuple[int, str]) -> None:
    width, text = narrow
    too_long = [line for line in text.splitlines() if len(line) > width]
    assert not too_long, too_long[:3]


@pytest.mark.slow
def test_every_scenario_name_appears_whole(narrow: tuple[int, str]) -> None:
    _, text = narrow
    assert "…" not in text
    head_cells = [
        cell.strip()
        for line in text.splitlines()
        if line.startswith("┃")
        for cell in line.split("┃")
    ]
    for name in builtins():
        assert name in head_cells, f"{name} not a whole header cell"


def labels(text: str) -> list[str]:
    """The first-column labels of the tables, wrapped lines joined."""
    out: list[str] = []
    for line in text.splitlines():
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip("│").split("│")]
        if out and not any(cells[1:]):
            out[-1] += " " + cells[0]
        else:
            out.append(cells[0])
    return out


@pytest.mark.slow
def test_figures_carry_windows_and_the_winner_is_explained(narrow: tuple[int, str]) -> None:
    _, text = narrow
    found = labels(text)
    for needle in (
        "Soviet men lost, days 0-30 (model)",
        "Soviet men lost to day 15-18 (history)",
        "Soviet men lost to day 15-18 (model)",
        "German men lost to day 18 (history)",
        "destroying power on day 0, USSR : Germany (b)",
    ):
        assert needle in found, (needle, found)
    assert "-16%" in text
    flat = " ".join(text.split())
    for needle in (
        "(a) winner: the side that keeps the larger share of its starting combat power",
        "(b) combat power destroyed per day at the start",
        "What carries it: the kill rates fitted on 22 June",
        "strike-12june-strip: Germany wins",
    ):
        assert needle in flat, needle

"""Running the CLI with one of its streams on a real pseudo-terminal (``pty.openpty``)."""

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

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run_on_pty(
    args: list[str], *, stream: str = "stdout", columns: int = 80, rows: int = 50
) -> tuple[str, bytes]:
    """Run ``python -m forceratio ARGS`` with ``stream`` (stdout or stderr) on a terminal of
    the given size and the other stream on a pipe; (what the terminal got, with escape codes
    removed, and what the pipe got)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm"
    on_pty = {"stdout": follower, "stderr": subprocess.PIPE}
    if stream == "stderr":
        on_pty = {"stdout": subprocess.PIPE, "stderr": follower}
    proc = subprocess.Popen(
        [sys.executable, "-m", "forceratio", *args],
        stdin=subprocess.DEVNULL,
        env=env,
        **on_pty,  # type: ignore[call-overload]
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
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    piped, _ = proc.communicate(timeout=60)
    os.close(leader)
    text = b"".join(chunks).decode("utf-8", errors="replace").replace("\r\n", "\n")
    assert proc.returncode == 0, (text[-2000:], piped[-2000:])
    return ANSI.sub("", text), piped

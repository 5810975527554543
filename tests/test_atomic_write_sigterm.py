"""review19b, LOW 3: a SIGTERM while ``write_atomic`` has its temporary file open leaves
no ``.name.XXXX.tmp`` behind, the old file whole, and the process ended by the signal.
The child is held inside the write by a hook (the check just before the rename), not by
a guessed sleep."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import forceratio

SRC = str(Path(forceratio.__file__).parents[1])
CHILD = """
import sys
from forceratio.io import files
plain = files.output_path
calls = []
def held(p, field):
    calls.append(p)
    if len(calls) == 2:  # the second check: the temporary file is written, not renamed
        print("HELD", flush=True)
        sys.stdin.read()  # until the parent's signal
    return plain(p, field)
files.output_path = held
files.write_atomic(sys.argv[1], b"new" * 1000, "--out")
"""


def test_sigterm_mid_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "d.png"
    target.write_bytes(b"old")
    env = {**os.environ, "PYTHONPATH": SRC}
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(target)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True,
    ) as child:  # fmt: skip
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "HELD"
        assert len(list(tmp_path.glob(".d.png.*.tmp"))) == 1  # mid-write
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=60) == -signal.SIGTERM
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.png"]
    assert target.read_bytes() == b"old"

"""The console entry point ends the process without the interpreter's teardown (issue 11,
defect 7: freeing every module and object took 0.4-0.7 s after a sweep), once the exit
handlers have run and the output is flushed, with the command's exit status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = (
    "import atexit, sys\n"
    "class Teardown:\n"
    "    def __del__(self):\n"
    "        sys.stderr.write('torn down\\n')\n"
    "keep = Teardown()  # freed by the interpreter's teardown, if there is one\n"
    "atexit.register(lambda: sys.stderr.write('exit handler\\n'))\n"
)
ENTRY = PROBE + "sys.argv[0] = 'forceratio'\nfrom forceratio.cli import main\nmain()\n"
PLAIN = PROBE + "from forceratio.cli import run\nsys.exit(run(sys.argv[1:]))\n"


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300
    )


def test_the_console_entry_skips_the_teardown_but_not_the_exit_handlers(tmp_path: Path) -> None:
    plain = _run(PLAIN, "scenarios", "list")  # the oracle: a normal exit tears down
    assert plain.returncode == 0
    assert "torn down" in plain.stderr
    entry = _run(ENTRY, "scenarios", "list")
    assert entry.returncode == 0
    assert entry.stdout == plain.stdout  # all of it, flushed
    assert "strike-12june-strip" in entry.stdout
    assert "exit handler" in entry.stderr
    assert "torn down" not in entry.stderr


def test_the_console_entry_keeps_a_failing_commands_status_and_message(tmp_path: Path) -> None:
    # no --out: refused with exit status 2 and one line on stderr
    args = ("sweep", "strike-12june-strip", "--samples", "10", "--seed", "1")
    entry = _run(ENTRY, *args)
    assert entry.returncode == 2
    assert "error: --out" in entry.stderr
    assert "exit handler" in entry.stderr
    assert "torn down" not in entry.stderr


ENTRY_PLAIN = "import sys\nsys.argv[0] = 'forceratio'\nfrom forceratio.cli import main\nmain()\n"


def test_output_to_a_full_disk_is_one_line_and_exit_2() -> None:
    """`scenarios export NAME > my.toml` on a full disk (/dev/full): the write error was a
    59-line traceback with exit 1 (review13)."""
    for args in (("scenarios", "export", "strike-12june-strip"), ("data", "show", "strip")):
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [sys.executable, "-c", ENTRY_PLAIN, *args],
                stdout=full, stderr=subprocess.PIPE, text=True, timeout=300,
            )  # fmt: skip
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2, done.stderr
        assert lines == ["forceratio: error: writing the output: No space left on device"]


def test_a_closed_pipe_ends_every_command_the_same_way() -> None:
    """`| head -c 10`: exit 0 with nothing on stderr, whether the pipe closes while the
    command prints (click then exits 1) or at the final flush (review13: calibrate's JSON
    exited 1 where the other commands exited 0)."""
    for args in (("calibrate", "--format", "json"), ("scenarios", "list")):
        with subprocess.Popen(
            [sys.executable, "-c", ENTRY_PLAIN, *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        ) as proc:  # fmt: skip
            assert proc.stdout is not None
            assert proc.stderr is not None
            proc.stdout.read(10)
            proc.stdout.close()
            err = proc.stderr.read().decode()
            code = proc.wait(timeout=300)
        assert code == 0, err
        assert err == ""


def test_help_and_version_import_no_heavy_library() -> None:
    """``forceratio --help`` and ``--version`` took ~1 s importing pandas for nothing (a
    module-level import in cli/calibrate.py; review15fresh): the command modules import their
    libraries when a command runs."""
    code = (
        "import contextlib, io, sys\n"
        "from forceratio.cli import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert run(['--help']) == 0 and run(['--version']) == 0\n"
        "heavy = [m for m in ('pandas', 'scipy', 'matplotlib', 'numba', 'pyarrow') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "", proc.stdout

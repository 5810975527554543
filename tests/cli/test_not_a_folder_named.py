"""A path that is not what the command reads is refused naming what it is: ``validate
cdb90 --path FIFO`` (or ``/dev/zero``) said "is a file", and a ``--table`` that is a pipe
was "not a regular file (a device, pipe or socket)", a list rather than the answer."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from forceratio.io.files import file_kind
from tests.cli.refusals import refused, refused_unblocked


def test_cdb90_path_that_is_a_pipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "cdb90"
    os.mkfifo(fifo)
    line = refused_unblocked(capsys, ["validate", "cdb90", "--path", str(fifo)], fifo)
    assert f"--path: {fifo} is a pipe; give the CDB90 folder" in line, line


def test_cdb90_path_that_is_a_device(capsys: pytest.CaptureFixture[str]) -> None:
    assert stat.S_ISCHR(os.stat("/dev/zero").st_mode)  # the oracle: what the kernel says
    line = refused(capsys, ["validate", "cdb90", "--path", "/dev/zero"])
    assert "--path: /dev/zero is a character device; give the CDB90 folder" in line, line


def test_cdb90_path_that_is_a_regular_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "battles.csv"
    f.write_text("isqno\n", encoding="utf-8")
    line = refused(capsys, ["validate", "cdb90", "--path", str(f)])
    assert f"--path: {f} is a regular file; give the CDB90 folder" in line, line


def test_table_that_is_a_pipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "strip.csv"
    os.mkfifo(fifo)
    args = ["data", "show", "strip", "--table", f"strip={fifo}"]
    line = refused_unblocked(capsys, args, fifo)
    assert "is not a regular file (a pipe)" in line, line


def test_kinds_agree_with_the_kernel(tmp_path: Path) -> None:
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    f = tmp_path / "f"
    f.write_bytes(b"")
    cases = {f: stat.S_ISREG, tmp_path: stat.S_ISDIR, fifo: stat.S_ISFIFO}
    cases[Path("/dev/null")] = stat.S_ISCHR
    names = {stat.S_ISREG: "a regular file", stat.S_ISDIR: "a folder"}
    names |= {stat.S_ISFIFO: "a pipe", stat.S_ISCHR: "a character device"}
    for path, test in cases.items():
        mode = os.stat(path).st_mode
        assert test(mode), path
        assert file_kind(mode) == names[test], path

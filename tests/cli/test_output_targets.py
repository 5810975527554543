"""An output never replaces what is not a regular file, nor its own input (review15hostile D0:
``validate cdb90 --write`` overwrote battles.csv, and as root replaced /dev/null with a file).

Device nodes and pipes are made in a temporary folder (``mknod`` needs root; the test is
skipped otherwise): nothing here touches /dev or the shared data.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.fitting import cdb90
from forceratio.io.files import output_path, write_atomic
from tests.fitting.test_cdb90 import copy_cdb90

runner = CliRunner()
ROOT = cdb90.default_path()
needs_data = pytest.mark.skipif(ROOT is None, reason="../shared/data/cdb90 not present")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")


def _null(folder: Path) -> Path:
    """A character device with /dev/null's numbers (1, 3), inside ``folder``."""
    node = folder / "fakenull"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return node


@needs_root
def test_a_device_is_refused_and_stays_a_device(tmp_path: Path) -> None:
    node = _null(tmp_path)
    with pytest.raises(InputError, match="not a regular file"):
        write_atomic(node, "report", "--write")
    st = node.lstat()
    assert stat.S_ISCHR(st.st_mode)
    assert st.st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fakenull"]  # no temporary left


def test_a_pipe_is_refused_and_stays_a_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"fifo\.md exists and is not a regular file"):
        write_atomic(fifo, b"report", "--out")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_link_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.md"
    link.symlink_to(real.name)
    write_atomic(link, "new", "--out")
    assert link.is_symlink()
    assert os.readlink(link) == "real.md"
    assert real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # the file keeps its mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "real.md"]


def test_a_link_to_a_pipe_is_refused_naming_both(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "out.svg"
    link.symlink_to(fifo)
    with pytest.raises(InputError, match=r"out\.svg \(a link to .*fifo\) exists and is not"):
        output_path(link, "--out")
    assert link.is_symlink()
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_new_file_and_a_regular_file_are_accepted(tmp_path: Path) -> None:
    assert output_path(tmp_path / "new.md", "--out") == (tmp_path / "new.md").resolve()
    old = tmp_path / "old.md"
    old.write_text("x")
    write_atomic(old, "y", "--out")
    assert old.read_text() == "y"


# ------------------------------------------------------------------ validate cdb90 --write


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def _refused(args: list[str]) -> str:
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert res.stdout == ""  # refused before the work: no table printed
    return res.stderr


@needs_data
def test_validate_never_writes_over_its_input(tmp_path: Path) -> None:
    copy = copy_cdb90(tmp_path)
    battles = copy / "data" / "battles.csv"
    before = {t: _md5(t) for t in cdb90.tables(copy)}
    hard = tmp_path / "hard.csv"
    os.link(battles, hard)  # the same file under another name, outside the folder
    soft = tmp_path / "soft.md"
    soft.symlink_to(copy / "data" / "belligerents.csv")
    for target, said in (
        (battles, "inside the CDB90 folder"),
        (copy / "VALIDATION.md", "inside the CDB90 folder"),
        (hard, "is the CDB90 table"),
        (soft, "inside the CDB90 folder"),
    ):
        err = _refused(["validate", "cdb90", "--path", str(copy), "--write", str(target)])
        assert "--write" in err
        assert said in err, err
    assert {t: _md5(t) for t in cdb90.tables(copy)} == before
    assert not (copy / "VALIDATION.md").exists()


@needs_data
def test_validate_refuses_a_pipe_or_a_device_before_the_work(tmp_path: Path) -> None:
    copy = copy_cdb90(tmp_path)
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    nodes = [fifo]
    if os.geteuid() == 0:
        nodes.append(_null(tmp_path))
    for node in nodes:
        err = _refused(["validate", "cdb90", "--path", str(copy), "--write", str(node)])
        assert "not a regular file" in err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    if os.geteuid() == 0:
        assert stat.S_ISCHR((tmp_path / "fakenull").lstat().st_mode)


@needs_data
def test_validate_writes_through_a_link_to_a_regular_file(tmp_path: Path) -> None:
    copy = copy_cdb90(tmp_path)
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "V.md"
    link.symlink_to(real)
    res = runner.invoke(app, ["validate", "cdb90", "--path", str(copy), "--write", str(link)])
    assert res.exit_code == 0, res.output
    assert link.is_symlink()
    assert real.read_text().startswith("# Validation on CDB90")


# ------------------------------------------------------- an output never replaces an input
def test_a_file_read_as_input_is_never_an_output(tmp_path: Path) -> None:
    """review15hostile 15: `plot --kind fit --from sq.svg --out sq.svg` wrote the figure over
    its data (and `plot s.svg --out s.svg` over its scenario)."""
    from forceratio.io.files import read_user_bytes

    data = tmp_path / "in.svg"
    data.write_text("day,red,blue\n0,1,1\n")
    other = tmp_path / "other.svg"
    other.write_text("x")
    alias = tmp_path / "alias.svg"
    os.link(data, alias)  # the same file under another name (made before: a link changes ctime)
    read_user_bytes(data)
    with pytest.raises(InputError, match=r"in\.svg is an input of this command: not replaced"):
        write_atomic(data, "figure", "--out")
    with pytest.raises(InputError, match=r"alias\.svg is an input of this command \(read as"):
        write_atomic(alias, "figure", "--out")
    assert data.read_text() == "day,red,blue\n0,1,1\n"
    write_atomic(other, "figure", "--out")  # a file not read is an output as before
    assert other.read_text() == "figure"
    data.unlink()  # a new file by that name was never read
    alias.unlink()
    data.write_text("new")
    write_atomic(data, "figure", "--out")
    assert data.read_text() == "figure"


def test_plot_fit_refuses_to_draw_over_its_data(tmp_path: Path) -> None:
    from tests.fitting.synth import series

    src = tmp_path / "sq.svg"  # a CSV under a figure's name
    series(0.02, 0.03, days=8)[["day", "red", "blue"]].to_csv(src, index=False)
    before = _md5(src)
    res = runner.invoke(app, ["plot", "--kind", "fit", "--from", str(src), "--out", str(src)])
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().endswith("sq.svg is an input of this command: not replaced")
    assert _md5(src) == before
    out = tmp_path / "fit.svg"  # and to another file it draws
    res = runner.invoke(app, ["plot", "--kind", "fit", "--from", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text().lstrip().startswith("<?xml")

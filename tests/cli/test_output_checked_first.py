"""An output that can never be written is refused before the work, and a failed write
leaves nothing behind.

``plot --out ADIR.svg`` (a folder) and ``report --out DIR`` whose ``report.html`` is a folder
or a link to a device were refused only once the figure or the whole report had been
computed (8.6 s and 15 s for one scenario, minutes for every built-in).  The work is
replaced here by a function that fails the test if it is called: the refusal must come
first.  A report whose write fails (a full disk) left the folder it had made for it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from forceratio.errors import InputError
from tests.cli.refusals import refused

SCENARIO = "strike-12june-strip"


def _no_work(*args: object, **kwargs: object) -> object:
    raise AssertionError("the work ran before the output was checked")


@pytest.fixture
def no_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    import forceratio.plots

    monkeypatch.setattr(forceratio.plots, "figure", _no_work)


@pytest.fixture
def no_report(monkeypatch: pytest.MonkeyPatch) -> None:
    import forceratio.sweeps.reporting

    monkeypatch.setattr(forceratio.sweeps.reporting, "report", _no_work)


def _plot(out: Path) -> list[str]:
    return ["plot", SCENARIO, "--kind", "trajectory", "--uncalibrated", "--out", str(out)]


def test_plot_refuses_a_folder_before_drawing(
    tmp_path: Path, no_figure: None, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "figure.svg"
    folder.mkdir()
    line = refused(capsys, _plot(folder))
    assert line.endswith(f"--out: {folder} is a folder, expected a file name"), line
    assert folder.is_dir()
    assert not any(folder.iterdir())


def test_plot_refuses_a_link_to_a_pipe_before_drawing(
    tmp_path: Path, no_figure: None, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "figure.png"
    link.symlink_to(fifo)
    line = refused(capsys, _plot(link))
    assert "exists and is not a regular file" in line, line
    assert link.is_symlink()


def test_report_refuses_a_folder_named_report_html_before_the_report(
    tmp_path: Path, no_report: None, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "report.html").mkdir()
    args = ["report", SCENARIO, "--uncalibrated", "--out", str(tmp_path)]
    line = refused(capsys, args)
    assert line.endswith("report.html is a folder, expected a file name"), line


def test_report_refuses_a_link_to_a_pipe_before_the_report(
    tmp_path: Path, no_report: None, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "report.html").symlink_to(fifo)
    line = refused(capsys, ["report", SCENARIO, "--uncalibrated", "--out", str(tmp_path)])
    assert "exists and is not a regular file" in line, line


def test_a_report_not_written_leaves_no_folder_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A full disk, simulated: the write fails after the work; the folders made for the
    report (two levels here) go, a folder that was there stays."""
    import forceratio.io.files
    import forceratio.sweeps.reporting

    def full(path: object, data: object, field: str) -> None:
        raise InputError(field, f"cannot write {path}: No space left on device")

    monkeypatch.setattr(forceratio.sweeps.reporting, "report", lambda *a, **k: "<html></html>")
    monkeypatch.setattr(forceratio.io.files, "write_atomic", full)
    out = tmp_path / "made" / "report"
    line = refused(capsys, ["report", SCENARIO, "--uncalibrated", "--out", str(out)])
    assert line.endswith("No space left on device"), line
    assert list(tmp_path.iterdir()) == []
    kept = tmp_path / "kept"
    kept.mkdir()
    refused(capsys, ["report", SCENARIO, "--uncalibrated", "--out", str(kept)])
    assert kept.is_dir()

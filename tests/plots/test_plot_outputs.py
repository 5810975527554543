"""``plot --out`` naming one of the command's inputs, and ``report --out ""``, are refused
in one line before any work (review15hostile D14): the figure replaced the scenario file
(any suffix is read as TOML) or the fit's series, and an empty --out wrote ./report.html."""

from __future__ import annotations

from pathlib import Path

import pytest

from forceratio.cli import run
from tests.cli.refusals import refused

SCN = "strike-12june-strip"


@pytest.fixture
def scenario_svg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert run(["scenarios", "export", SCN]) == 0
    path = tmp_path / "s.svg"
    path.write_text(capsys.readouterr().out)
    return path


def test_plot_out_equal_to_the_scenario_file_is_refused(
    scenario_svg: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = scenario_svg.read_bytes()
    line = refused(capsys, ["plot", str(scenario_svg), "--kind", "trajectory", "--out",
                            str(scenario_svg)])  # fmt: skip
    assert (
        line
        == f"forceratio: error: --out: {scenario_svg} is an input of this command: not replaced"
    )
    link = tmp_path / "link.svg"  # another name of the same file
    link.symlink_to(scenario_svg)
    line = refused(capsys, ["plot", str(scenario_svg), "--kind", "ratios", "--out", str(link)])
    assert line.endswith(
        f"link.svg is an input of this command (read as SCENARIO {scenario_svg}): not replaced"
    )
    assert scenario_svg.read_bytes() == before
    # another file is written as before
    assert (
        run(["plot", str(scenario_svg), "--kind", "ratios", "--out", str(tmp_path / "r.svg")]) == 0
    )


def test_plot_out_equal_to_the_from_file_or_a_table_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    series = tmp_path / "sq.svg"
    series.write_text("day,red,blue\n0,100,80\n1,90,75\n")
    line = refused(capsys, ["plot", "--kind", "fit", "--from", str(series), "--out", str(series)])
    assert line.endswith("sq.svg is an input of this command: not replaced")
    assert series.read_text() == "day,red,blue\n0,100,80\n1,90,75\n"
    table = tmp_path / "t.png"
    table.write_text("not read: refused before")
    line = refused(capsys, ["plot", SCN, "--kind", "ratios", "--table", f"strip={table}",
                            "--out", str(table)])  # fmt: skip
    assert line.endswith("t.png is an input of this command: not replaced")
    assert table.read_text() == "not read: refused before"


def test_report_out_empty_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for empty in ("", "  "):
        line = refused(capsys, ["report", SCN, "--out", empty])
        assert line == "forceratio: error: --out: an empty path"
    assert list(tmp_path.iterdir()) == []

"""Scenario and battle inputs with no battle in them (review17 findings 9, 10, 12): a side
with no strength (the fit refuses the same), an arrival window the run never reaches,
and dates fromisoformat takes but YYYY-MM-DD does not name; each refused in one line
naming the field, exit 2."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.cli.refusals import refused
from tests.scenario_files import ScenarioFile, arrival

#: two inline forces of 1,000 men, 20 days
TWO = ScenarioFile(
    date="1941-06-12", attacker="USSR", duration_days=20, german_rate=0.01, soviet_rate=0.01,
    ussr=1000, germany=1000,
)  # fmt: skip


@pytest.mark.parametrize(("ussr", "germany", "side"), [(0, 0, "USSR"), (1000, 0, "Germany")])
def test_a_side_with_no_strength(
    ussr: float, germany: float, side: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = replace(TWO, ussr=ussr, germany=germany).write(tmp_path / "z.toml")
    line = refused(capsys, ["run", str(path)])
    assert line.startswith(f"forceratio: error: {path}: sectors.0.forces.{side}:")  # (hgen22)
    assert "no personnel" in line


def test_a_side_with_no_strength_is_also_named_as_the_file_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    named = replace(TWO, ussr=0, head='side_names = { USSR = "Blue", Germany = "Red" }')
    line = refused(capsys, ["run", str(named.write(tmp_path / "n.toml"))])
    assert "sectors.0.forces.USSR: USSR (Blue) has no personnel" in line


def test_strength_arriving_later_is_a_side(tmp_path: Path) -> None:
    from forceratio.cli import run

    later = replace(TWO, germany=0, tail=arrival("Germany", 2, 5, 1000))
    assert run(["run", str(later.write(tmp_path / "a.toml"))]) == 0


def test_arrivals_after_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    late = replace(TWO, tail=arrival("Germany", 100, 200, 1000))
    line = refused(capsys, ["run", str(late.write(tmp_path / "l.toml"))])
    assert "arrivals.Germany.0 starts on day 100" in line
    assert "duration_days 20" in line


@pytest.mark.parametrize("date", ["19410612", "1941-W24-4"])
def test_date_not_written_yyyy_mm_dd(
    date: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = replace(TWO, date=date).write(tmp_path / "d.toml")
    line = refused(capsys, ["run", str(path)])
    assert "date:" in line
    assert "YYYY-MM-DD" in line


@pytest.mark.parametrize("args", [["--red", "0", "--blue", "0"], ["--blue", "0"]])
def test_battle_without_a_side(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, ["battle", *args])
    assert "no strength" in line

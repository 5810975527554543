"""Scenario and battle inputs with no battle in them (review17 findings 9, 10, 12): a side
with no strength (the fit refuses the same), an arrival window the run never reaches,
and dates fromisoformat takes but YYYY-MM-DD does not name; each refused in one line
naming the field, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_hardening import refused


def _scenario(path: Path, ussr: str = "1000", germany: str = "1000", extra: str = "") -> Path:
    path.write_text(
        f"""name = "inline"
description = "two inline forces"
date = "1941-06-12"
attacker = "USSR"
combat_power = "personnel"
duration_days = 20
[attrition]
german_rate = 0.01
soviet_rate = 0.01
[[sectors]]
name = "a"
[[sectors.forces.USSR]]
inline = {{ personnel = {ussr} }}
[[sectors.forces.Germany]]
inline = {{ personnel = {germany} }}
{extra}"""
    )
    return path


@pytest.mark.parametrize(
    ("ussr", "germany", "side"), [("0", "0", "USSR"), ("1000", "0", "Germany")]
)
def test_a_side_with_no_strength(
    ussr: str, germany: str, side: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _scenario(tmp_path / "z.toml", ussr, germany)
    line = refused(capsys, ["run", str(path)])
    assert line.startswith(f"forceratio: error: {path}: sectors.0.forces.{side}:")  # (hgen22)
    assert "no personnel" in line


def test_strength_arriving_later_is_a_side(tmp_path: Path) -> None:
    from forceratio.cli import run

    later = "[[sectors.arrivals.Germany]]\nstart_day = 2\nend_day = 5\n"
    later += "parts = [{ inline = { personnel = 1000 } }]\n"
    assert run(["run", str(_scenario(tmp_path / "a.toml", germany="0", extra=later))]) == 0


def test_arrivals_after_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    late = "[[sectors.arrivals.Germany]]\nstart_day = 100\nend_day = 200\n"
    late += "parts = [{ inline = { personnel = 1000 } }]\n"
    line = refused(capsys, ["run", str(_scenario(tmp_path / "l.toml", extra=late))])
    assert "arrivals.Germany.0 starts on day 100" in line
    assert "duration_days 20" in line


@pytest.mark.parametrize("date", ["19410612", "1941-W24-4"])
def test_date_not_written_yyyy_mm_dd(
    date: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _scenario(tmp_path / "d.toml")
    path.write_text(path.read_text().replace("1941-06-12", date))
    line = refused(capsys, ["run", str(path)])
    assert "date:" in line
    assert "YYYY-MM-DD" in line


@pytest.mark.parametrize("args", [["--red", "0", "--blue", "0"], ["--blue", "0"]])
def test_battle_without_a_side(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, ["battle", *args])
    assert "no strength" in line

"""review21d M1 and M2: a [weights] entry in the wrong form says the right one; a file that
leaves out combat_power is told the default it ran on (June-1941 division slices) and how
to choose another, in the table and in JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from forceratio.cli.app import app
from tests.scenario_files import ScenarioFile

runner = CliRunner()


def _file(tmp_path: Path, power: str) -> str:
    """Two tank forces under the square law, ``power`` (TOML lines) choosing the combat
    power or not."""
    scenario = ScenarioFile(
        name="tank-clash", description="synthetic", date=None, duration_days=5,
        combat_power=None, head=power, german_rate=0.3, soviet_rate=0.3, sector="plain",
        ussr_part="inline = { personnel = 8000, tanks = 200 }",
        germany_part="inline = { personnel = 6000, tanks = 300 }",
    )  # fmt: skip
    return str(scenario.write(tmp_path / "t.toml"))


def test_a_weight_given_as_a_bare_number_shows_the_form(tmp_path: Path) -> None:
    power = 'combat_power = "custom"\n[weights]\npersonnel = 1\ntanks = { value = 4, source = "x" }'
    res = runner.invoke(app, ["run", _file(tmp_path, power)])
    assert res.exit_code == 2
    line = " ".join(res.output.split())
    assert (
        'weights.personnel: expected { value = 1, source = "where it comes from" }, got 1' in line
    )
    assert "instance of Weight" not in line
    assert "Traceback" not in res.output


def test_the_default_combat_power_is_said(tmp_path: Path) -> None:
    res = runner.invoke(app, ["run", _file(tmp_path, ""), "--format", "json"])
    assert res.exit_code == 0, res.output
    note = json.loads(res.output)["combat_power_default"]
    for said in ("division_slices", "1941", 'combat_power = "personnel"', "[weights]"):
        assert said in note
    table = " ".join(runner.invoke(app, ["run", _file(tmp_path, "")]).output.split())
    assert "tank-clash: combat_power not given" in table
    show = runner.invoke(app, ["scenarios", "show", _file(tmp_path, "")]).output
    assert "(the default: not in the file)" in show


def test_a_file_that_chooses_is_not_told(tmp_path: Path) -> None:
    for power in ('combat_power = "division_slices"', 'combat_power = "personnel"'):
        res = runner.invoke(app, ["run", _file(tmp_path, power), "--format", "json"])
        assert "combat_power_default" not in json.loads(res.output)
        table = runner.invoke(app, ["run", _file(tmp_path, power)]).output
        assert "combat_power not given" not in " ".join(table.split())

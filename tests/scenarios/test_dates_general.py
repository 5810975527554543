"""review21a M3 and review21d M5: a scenario's date may be a native TOML date or a string,
or left out when nothing needs it; Python mapping values are values, not TOML to parse."""

from __future__ import annotations

import dataclasses
import datetime
import math
from pathlib import Path

import pytest

from forceratio import scenarios
from forceratio.errors import InputError
from forceratio.scenarios.run import run
from tests.scenario_files import ScenarioFile

PLAIN = ScenarioFile(
    name="plain", duration_days=2, german_rate=0.02, soviet_rate=0.01, ussr=30000, germany=20000
)


def _write(tmp_path: Path, date: str | datetime.date | None, germany: str | None = None) -> str:
    """PLAIN with ``date`` (a str: a TOML string; a date: a native TOML date; None: no
    date) and Germany's part as ``germany`` (TOML lines) if given."""
    scenario = dataclasses.replace(PLAIN, date=date, germany_part=germany)
    return str(scenario.write(tmp_path / "plain.toml"))


def test_a_native_toml_date_is_a_date(tmp_path: Path) -> None:
    assert (
        scenarios.load_scenario(_write(tmp_path, datetime.date(1941, 6, 12))).date == "1941-06-12"
    )


def test_a_date_with_a_time_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        scenarios.load_scenario(_write(tmp_path, datetime.datetime(1941, 6, 12, 3, 0, 0)))
    assert err.value.field.endswith("date")
    assert "without a time" in err.value.problem
    assert "datetime" not in err.value.problem


@pytest.mark.parametrize("sets", [["date=1941-06-15"], {"date": "1941-06-15"}, "date=1941-06-15"])
def test_a_date_set_from_the_command_line_or_python(tmp_path: Path, sets: object) -> None:
    path = _write(tmp_path, "2000-01-01")
    assert scenarios.load_scenario(path, sets).date == "1941-06-15"  # type: ignore[arg-type]


def test_as_of_takes_a_native_date(tmp_path: Path) -> None:
    path = _write(tmp_path, None, 'table = "t"\nformation = "f"\nas_of = 1941-06-22')
    part = scenarios.load_scenario(path).sectors[0].forces["Germany"][0]
    assert part.as_of == "1941-06-22"


def test_a_python_string_is_the_string_not_toml(tmp_path: Path) -> None:
    path = _write(tmp_path, "2000-01-01")
    got = scenarios.load_scenario(path, {"description": "2026", "name": "x_1"})
    assert (got.description, got.name) == ("2026", "x_1")
    odd = 'a "quoted" \\ word\tand\x7f'
    assert scenarios.load_scenario(path, {"description": odd}).description == odd


def test_no_date_runs_the_square_law(tmp_path: Path) -> None:
    """No date: the run is the square law's closed form, U(t) = U0 cosh(kt) - sqrt(g/s) G0
    sinh(kt) with k = sqrt(g s) (Lanchester 1916), g the Germany slot's kill rate."""
    out = run(scenarios.load(_write(tmp_path, None)))
    g, s, u0, g0, t = 0.02, 0.01, 30000.0, 20000.0, 2.0
    k = math.sqrt(g * s)
    u = u0 * math.cosh(k * t) - math.sqrt(g / s) * g0 * math.sinh(k * t)
    v = g0 * math.cosh(k * t) - math.sqrt(s / g) * u0 * math.sinh(k * t)
    assert float(out.losses["USSR"][0, 0, 0]) == pytest.approx(u0 - u, rel=1e-6)
    assert float(out.losses["Germany"][0, 0, 0]) == pytest.approx(g0 - v, rel=1e-6)


def test_no_date_and_a_table_part_without_as_of_says_why(tmp_path: Path) -> None:
    path = _write(tmp_path, None, 'table = "strip"\nformation = "x"')
    with pytest.raises(InputError) as err:
        scenarios.load(path)
    assert err.value.field.endswith("as_of")
    assert "give as_of or the scenario's date" in err.value.problem

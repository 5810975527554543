"""review16gen D3 and D8: the whole 1941 record's rates run only in a scenario that asks
for them, and only under the law they were fitted under."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceratio import scenarios
from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.scenarios.rates import RECORD_LAW, check_draws, check_shared_rates
from forceratio.scenarios.record1941 import SCENARIOS
from forceratio.scenarios.session import Session
from tests.scenario_files import ScenarioFile

runner = CliRunner()

NO_RATES = ScenarioFile(
    name="no-rates", description="a 1944 corps battle that states no kill rates",
    date="1944-10-02", attacker="USSR", duration_days=5, ussr=25345, germany=10844, attrition="",
)  # fmt: skip


def _file(tmp_path: Path, attrition: str = "") -> str:
    return str(replace(NO_RATES, attrition=attrition).write(tmp_path / "no-rates.toml"))


def test_a_file_without_rates_is_refused_naming_the_field(tmp_path: Path) -> None:
    prep = scenarios.load(path := _file(tmp_path))
    with pytest.raises(InputError) as err:
        Session().rates(prep)  # the file named (hinput23), as a load names it
    assert err.value.field == f"{path}: attrition.german_rate and attrition.soviet_rate"
    assert "1941" in err.value.problem
    assert 'calibrate_on = "barbarossa-22june"' in err.value.problem
    with pytest.raises(InputError, match=r"attrition\.german_rate"):
        check_draws(prep)  # the posterior's draws are the same rates


def test_one_rate_left_out_is_refused_too(tmp_path: Path) -> None:
    prep = scenarios.load(path := _file(tmp_path, "[attrition]\nsoviet_rate = 0.02"))
    with pytest.raises(InputError) as err:
        Session().rates(prep)
    assert err.value.field == f"{path}: attrition.german_rate"


@pytest.mark.parametrize(
    "attrition",
    [
        '[attrition]\ncalibrate_on = "barbarossa-22june"',
        '[attrition]\ngerman_rate = "calibrated"\nsoviet_rate = "calibrated"',
    ],
)
def test_asking_for_the_1941_rates_borrows_them(tmp_path: Path, attrition: str) -> None:
    rates = Session().rates(scenarios.load(_file(tmp_path, attrition)))
    assert set(rates) >= {"german_rate", "soviet_rate"}


def test_stated_rates_and_uncalibrated_runs_need_no_calibration(tmp_path: Path) -> None:
    prep = scenarios.load(_file(tmp_path, "[attrition]\ngerman_rate = 0.01\nsoviet_rate = 0.02"))
    assert Session().rates(prep) == {}
    assert Session(uncalibrated=True).rates(scenarios.load(_file(tmp_path))) == {}


def test_the_cli_refuses_in_one_line(tmp_path: Path) -> None:
    res = runner.invoke(app, ["run", _file(tmp_path)])
    assert res.exit_code == 2
    assert "attrition.german_rate and attrition.soviet_rate: not given" in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize("name", scenarios.builtins())
def test_every_builtin_asks_for_its_calibrated_rates(name: str) -> None:
    check_shared_rates(scenarios.load(name), "test")  # no refusal: built-ins unchanged


def test_the_record_law_is_the_record_scenarios_law() -> None:
    assert {scenarios.load_scenario(n).law for n in SCENARIOS} == {RECORD_LAW}


@pytest.mark.parametrize("law", ["linear", "mixed"])
def test_calibrated_rates_are_refused_under_another_law(law: str) -> None:
    prep = scenarios.load("smolensk-1941", [f"law={law}"])
    with pytest.raises(InputError) as err:
        Session().rates(prep)
    assert err.value.field == "--set law"  # the --set that wrote it (hinput23), as a load
    assert "square law" in err.value.problem
    assert f"the {law} law" in err.value.problem
    assert "give the rates" in err.value.problem
    with pytest.raises(InputError, match="--posterior 0"):
        check_draws(prep)


def test_a_law_with_the_square_law_exponents_keeps_them() -> None:
    """The rule is the rates' meaning, not the law's name: power p = 1, q = 0 is square."""
    prep = scenarios.load("smolensk-1941", ["law=power", "law_params.p=1", "law_params.q=0"])
    assert Session().rates(prep)["german_rate"] > 0


def test_helmbold_keeps_its_message() -> None:
    prep = scenarios.load("smolensk-1941", ["law=helmbold", "law_params.w=0.5"])
    with pytest.raises(InputError, match="firer's exponent 1"):
        Session().rates(prep)


def test_the_record_fit_itself_is_not_held_to_the_record_law() -> None:
    """The record scenarios' own fit shares its rates among themselves under any law with
    the firer's exponent 1 (as before); only borrowing them elsewhere needs that law."""
    prep = scenarios.load("smolensk-1941", ["law=linear"])
    check_shared_rates(prep, "test", borrowed=False)


def test_the_cli_refuses_linear_with_calibrated_rates() -> None:
    res = runner.invoke(app, ["run", "smolensk-1941", "--set", "law=linear"])
    assert res.exit_code == 2
    assert "square law" in res.output
    ok = runner.invoke(app, ["run", "smolensk-1941", "--set", "law=linear", "--uncalibrated"])
    assert ok.exit_code == 0, ok.output


def test_a_rate_out_of_range_names_the_file_key(tmp_path: Path) -> None:
    """review16gen D9/D10: not pydantic's internal name of the union member."""
    path = _file(tmp_path, "[attrition]\ngerman_rate = 1e150\nsoviet_rate = 0.02")
    with pytest.raises(InputError) as err:
        scenarios.load_scenario(path)
    assert err.value.field.endswith(": attrition.german_rate")
    assert "constrained" not in str(err.value)


def test_calibrate_on_must_name_a_scenario_of_the_record(tmp_path: Path) -> None:
    """A file cannot ask to be calibrated on itself: the rates would be 1941's anyway."""
    prep = scenarios.load(path := _file(tmp_path, '[attrition]\ncalibrate_on = "no-rates"'))
    with pytest.raises(InputError) as err:
        Session().rates(prep)
    assert err.value.field == f"{path}: attrition.calibrate_on"
    assert "smolensk-1941" in err.value.problem


@pytest.mark.parametrize(
    "law",
    [["law=power", "law_params.p=0.9", "law_params.q=0"], ["law=helmbold", "law_params.w=0.5"]],
)
def test_the_refusal_names_only_laws_that_run(law: list[str]) -> None:
    """review20a H2: the refusal of borrowed rates under a firer's exponent other than 1
    sent the user to the linear and mixed laws, both refused in turn; every law it names
    now runs the calibrated rates (and linear, mixed are still refused)."""
    prep = scenarios.load("smolensk-1941", law)
    with pytest.raises(InputError) as err:
        Session().rates(prep)
    problem = err.value.problem
    assert "linear" not in problem
    assert "mixed" not in problem
    named = {
        "square law": ["law=square"],
        "power p = 1, q = 0": ["law=power", "law_params.p=1", "law_params.q=0"],
        "Helmbold w = 1": ["law=helmbold", "law_params.w=1"],
    }
    for words, sets in named.items():
        assert words in problem
        assert Session().rates(scenarios.load("smolensk-1941", sets))["german_rate"] > 0
    for refused in ("law=linear", "law=mixed"):
        with pytest.raises(InputError, match="square law"):
            Session().rates(scenarios.load("smolensk-1941", [refused]))

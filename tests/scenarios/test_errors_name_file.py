"""Every error in a scenario file names the file and the field
(``s1.toml: side_names: ...``), not ``scenario:`` nor the field alone: the checks across
fields (consistency.py), the law's parameters and the checks made while the tables are
resolved (build.prepare: forces, uncertainty ranges, records)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceratio import scenarios
from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.scenarios.session import Session
from tests.scenario_files import ScenarioFile

GOOD = {"red": "Red", "sector": "", "ussr": "inline = { personnel = 50000 }", "tail": ""}

#: (what is changed, the field the error must name, words of its problem)
CASES = [
    ({"red": "blue"}, "side_names.Germany", "two names"),
    ({"sector": "mobile = { USSR = 3 }"}, "sectors.0.mobile.USSR", "mobile_reference"),
    ({"tail": '[[sectors]]\nname = "A"\n[[sectors.forces.USSR]]\ninline = { personnel = 1 }\n'
      '[[sectors.forces.Germany]]\ninline = { personnel = 1 }'}, "sectors.1.name", "unique"),
    ({"tail": '[presence.strip]\nside = "USSR"\nsector = "B"\nstart_day = 1\nend_day = 2'},
     "presence.strip.sector", "unknown sector"),
    ({"ussr": 'table = "nosuch"\nformation = "x"'}, "sectors.0.forces.USSR.0.table",
     "unknown table"),
    ({"tail": '[uncertainty]\n"attrition.nope" = [0.1, 0.2]'}, "uncertainty.attrition.nope",
     "not a sweepable"),
    ({"tail": "[law_params]\nw = 0.5"}, "law_params.w", "does not apply"),
    ({"tail": '[[records]]\nside = "USSR"\nday = 5\nparts = [{ table = "nosuch", '
      'formation = "x", category = "y" }]'}, "records.0.parts.0.table", "unknown table"),
    ({"tail": '[table_values."modifiers.quality.USSR"]\ntable = "nosuch"\nformation = "x"\n'
      'category = "y"'}, "table_values.modifiers.quality.USSR.table", "unknown table"),
]  # fmt: skip


def _write(tmp_path: Path, change: dict[str, str]) -> str:
    c = {**GOOD, **change}
    scenario = ScenarioFile(
        name="errs", description="two sides", date=None, duration_days=20,
        head=f'side_names = {{ USSR = "Blue", Germany = "{c["red"]}" }}',
        sector_lines=c["sector"], ussr_part=c["ussr"], tail=c["tail"],
    )  # fmt: skip
    return str(scenario.write(tmp_path / "s1.toml"))


@pytest.mark.parametrize(("change", "field", "words"), CASES)
def test_the_error_names_the_file_and_the_field(
    tmp_path: Path, change: dict[str, str], field: str, words: str
) -> None:
    path = _write(tmp_path, change)
    for load in (scenarios.load, Session().prepare):
        with pytest.raises(InputError) as err:
            load(path)
        assert err.value.field == f"{path}: {field}"
        assert words in err.value.problem
    res = CliRunner().invoke(app, ["run", path])
    assert res.exit_code == 2
    assert f"error: {path}: {field}: " in " ".join(res.output.split())


def test_a_sound_file_loads_and_a_set_is_named_as_the_set(tmp_path: Path) -> None:
    path = _write(tmp_path, {})
    assert scenarios.load(path).scenario.side_names == {"USSR": "Blue", "Germany": "Red"}
    with pytest.raises(InputError) as err:
        scenarios.load(path, ["law_params.w=0.5"])
    assert err.value.field == "--set law_params.w"
    assert err.value.problem.endswith(f"(scenario {path})")

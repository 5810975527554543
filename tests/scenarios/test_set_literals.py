"""``--set x=0x10`` (TOML reads 16) and ``--set x=1_0`` (10) are refused in one
line naming the key and the value; decimals (``.5``, ``1e-3``, ``-2``) stay accepted.  The
same for ``--vary``, whose numbers Python's float() reads (``1_0`` as 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceratio import scenarios
from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.sweeps.design import Vary
from tests.scenario_files import ScenarioFile

FILE = ScenarioFile(name="lit", description="two sides", date=None, duration_days=20, law=None)


ACCEPTED = [(".5", 0.5), ("1e-3", 1e-3), ("-2", -2), ("12.5", 12.5), ('"0x10"', "0x10")]


@pytest.mark.parametrize("value", ["0x10", "0o17", "0b101", "1_0", "1_000.5", "[0.1, 0x2]"])
def test_only_unmeant_numbers_are_refused_naming_key_and_value(value: str) -> None:
    with pytest.raises(InputError) as err:
        scenarios.apply_sets({}, [f"x={value}"])
    assert err.value.field == "sets"
    assert err.value.problem.startswith(f"x={value}: ")
    for text, want in ACCEPTED:  # decimals and quoted text stay accepted
        assert scenarios.apply_sets({}, [f"x={text}"]) == {"x": want}


def test_the_command_line_refuses_in_one_line(tmp_path: Path) -> None:
    path = FILE.write(tmp_path / "lit.toml")
    res = CliRunner().invoke(app, ["run", str(path), "--set", "attrition.german_rate=0x10"])
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1
    assert "--set" in lines[0]
    assert "attrition.german_rate=0x10" in lines[0]
    assert "Traceback" not in res.output


@pytest.mark.parametrize("text", ["p=1_0:20", "p=0:1_0", "p=0:1:1_0"])
def test_vary_refuses_underscored_numbers(text: str) -> None:
    with pytest.raises(InputError, match="underscore"):
        Vary.parse(text)
    v = Vary.parse("p=1e-3:.5:4")
    assert (v.low, v.high, v.n) == (1e-3, 0.5, 4)

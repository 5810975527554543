"""review16gen D5: custom combat power asks for a weight only for the categories the
scenario has."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from forceratio import scenarios
from forceratio.errors import InputError
from forceratio.scenarios.run import run
from tests.scenario_files import ScenarioFile

ARMS = ScenarioFile(
    name="arms", date="1973-10-14", attacker="USSR", duration_days=2, soviet_rate=0.0134,
    german_rate=0.111, ussr=81160, germany=43400,
)  # fmt: skip
MEN = '[weights]\npersonnel = { value = 1, source = "test" }'


def _load(
    tmp_path: Path, power: str, weights: str = "", ussr: str | None = None
) -> scenarios.Prepared:
    arms = replace(ARMS, combat_power=power, head=weights, ussr_part=ussr)
    return scenarios.load(str(arms.write(tmp_path / "arms.toml")))


def test_a_weight_only_for_what_the_scenario_has(tmp_path: Path) -> None:
    """Men only, weighted 1, no other weight given: the same battle as combat_power
    'personnel' (the other way of saying it)."""
    custom = run(_load(tmp_path, "custom", MEN))
    men = run(_load(tmp_path, "personnel"))
    for side in ("USSR", "Germany"):
        np.testing.assert_allclose(custom.losses[side], men.losses[side], rtol=1e-9)


def test_a_category_the_scenario_has_still_needs_its_weight(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        _load(tmp_path, "custom", MEN, ussr="inline = { personnel = 81160, tanks = 1002 }")
    assert err.value.field == f"{tmp_path / 'arms.toml'}: weights.tanks"  # (hgen22: the file named)
    assert "tanks" in err.value.problem

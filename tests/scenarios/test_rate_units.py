"""D9 (review of a non-1941 user): a scenario's kill rates are in its law's unit, so the
file bounds them by what the engine resolves under every law, not by 1,000 a day."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import scenarios
from forceratio.errors import InputError
from forceratio.scenarios.compare import compare
from tests.scenario_files import ScenarioFile


def _file(
    tmp_path: Path, name: str, law: str, german: float, soviet: float, ussr: float,
    germany: float, days: float = 5, params: str = "",
) -> str:  # fmt: skip
    """One field of men a side under ``law`` (``params``: its law_params line)."""
    scenario = ScenarioFile(
        name=name, description="synthetic: one field, personnel only", date="1900-01-01",
        attacker="USSR", duration_days=days, law=law, head=params, german_rate=german,
        soviet_rate=soviet, sector="field", ussr=ussr, germany=germany,
    )  # fmt: skip
    return str(scenario.write(tmp_path / f"{name}.toml"))


def test_a_one_day_ancient_battle_in_men_runs(tmp_path: Path) -> None:
    """Ancient law, dR/dt = -b while B > 0: b is men a day.  50,000 v 40,000 men killing
    120,000 and 80,000 a day (a battle of hours) was refused ('<= 1000').  Closed form: the
    USSR side is out at (50,000 - 0.5) / 120,000 days (annihilated at half a man, the
    engine's rule), having killed 80,000 a day until then."""
    path = _file(
        tmp_path, name="ancient", law="ancient", days=1, german=120000, soviet=80000,
        ussr=50000, germany=40000,
    )  # fmt: skip
    (row,) = compare([path])
    t_end = (50000 - 0.5) / 120000
    assert row["duration_days"] == pytest.approx(t_end, rel=1e-9)
    assert row["soviet_losses"] == pytest.approx(50000, rel=1e-9)
    assert row["german_losses"] == pytest.approx(80000 * t_end, rel=1e-9)
    assert row["winner"] == "Germany"


def _solve(law_p: float, law_q: float, a: float, b: float, r0: float, b0: float, t: float):  # type: ignore[no-untyped-def]
    def rhs(_t: float, y: np.ndarray) -> list[float]:
        r, bl = max(y[0], 0.0), max(y[1], 0.0)
        return [-b * bl**law_p * r**law_q, -a * r**law_p * bl**law_q]

    return solve_ivp(rhs, (0.0, t), [r0, b0], rtol=1e-11, atol=1e-6).y[:, -1]


@pytest.mark.parametrize(
    ("law", "params", "german", "soviet", "ussr", "germany", "p", "q"),
    [
        # power law p = q = 1.5: a rate per man**2 per day; a million men losing thousands a
        # day needs rates near 1e-14 (refused before: '>= 1e-12')
        ("power", "law_params = { p = 1.5, q = 1.5 }", 1.2e-14, 1.0e-14, 1.0e6, 8.0e5, 1.5, 1.5),
        # linear law, a quiet front of ten million men a side losing a few dozen a day:
        # a rate per man per man per day below 1e-12 (refused before)
        ("linear", "", 4e-13, 3e-13, 1.0e7, 9.0e6, 1.0, 1.0),
    ],
)
def test_real_scale_rates_of_other_laws_run(
    tmp_path: Path, law: str, params: str, german: float, soviet: float, ussr: float,
    germany: float, p: float, q: float,
) -> None:  # fmt: skip
    """The losses over five days against solve_ivp of the law's own equations."""
    path = _file(
        tmp_path, name=law, law=law, params=params, german=german, soviet=soviet, ussr=ussr,
        germany=germany,
    )  # fmt: skip
    (row,) = compare([path])
    r, b = _solve(p, q, soviet, german, ussr, germany, 5.0)
    assert row["soviet_losses"] == pytest.approx(ussr - r, rel=1e-6)
    assert row["german_losses"] == pytest.approx(germany - b, rel=1e-6)
    assert row["soviet_losses"] > 100  # a real battle, not a rounding of nothing


@pytest.mark.parametrize(("value", "bound"), [("1e150", "<= 1e+100"), ("1e-150", ">= 1e-100")])
def test_a_rate_past_what_the_engine_resolves_is_refused_naming_it(
    tmp_path: Path, value: str, bound: str
) -> None:
    path = _file(
        tmp_path,
        name="past",
        law="ancient",
        german=float(value),
        soviet=1.0,
        ussr=10,
        germany=10,
    )
    with pytest.raises(InputError) as err:
        scenarios.load(path)
    assert err.value.field.endswith("attrition.german_rate")
    assert err.value.problem == f"must be {bound}, got {float(value):g}"

"""A kill rate is labelled in its law's unit, not "per day" under every law.

The oracle is each law's equation (:mod:`forceratio.simulator.laws`; the USSR is red, the
Germans blue): the target loses rate x firer**p x target**q a day, so the rate is enemy
combat power a day per unit of the firer when p = 1, also per enemy unit when q = 1, and
neither under the ancient law (p = q = 0).  Under Deitchman's mixed law red (the USSR)
fires aimed (p = 1, q = 0) and blue (Germany) area fire (p = q = 1)."""

from __future__ import annotations

import pytest

from forceratio.plots.labels import comparison_notes, comparison_rows, parameter_label
from forceratio.scenarios import load
from forceratio.scenarios.compare import compare

SCN = "barbarossa-22june-strip"
AIMED = "enemy combat power per unit per day"
AREA = "enemy combat power per unit per enemy unit per day"
ANCIENT = "enemy combat power per day"


def rows_under(law: str, **rates: float) -> list[dict[str, object]]:
    sets = [f"law={law}", *(f"attrition.{k}={v}" for k, v in rates.items())]
    return compare([SCN], sets=sets, posterior=0)


def labels(rows: list[dict[str, object]]) -> dict[str, list[str]]:
    return {label: values for label, values in comparison_rows(rows)}


@pytest.mark.parametrize(
    ("law", "german", "soviet"),
    [("square", AIMED, AIMED), ("linear", AREA, AREA), ("ancient", ANCIENT, ANCIENT),
     ("mixed", AREA, AIMED)],
)  # fmt: skip
def test_the_comparison_labels_each_rate_in_its_laws_unit(
    law: str, german: str, soviet: str
) -> None:
    rates = {"german_rate": 0.002, "soviet_rate": 0.001}
    if law == "ancient":  # men a day: a rate in men, not a share
        rates = {"german_rate": 2000.0, "soviet_rate": 1000.0}
    shown = labels(rows_under(law, **rates))
    assert f"German kill rate ({german}) (c)" in shown
    assert f"Soviet kill rate ({soviet}) (c)" in shown
    assert not any("(per day)" in label for label in shown)


def test_rates_in_two_units_get_a_row_of_their_own() -> None:
    rows = rows_under("square", german_rate=0.002, soviet_rate=0.001)
    rows += rows_under("ancient", german_rate=2000.0, soviet_rate=1000.0)
    shown = comparison_rows(rows)
    text = [label for label, _ in shown]
    i = text.index("German kill rate, in its law's unit (c)")
    assert shown[i + 1] == ("  its unit", [AIMED, ANCIENT])
    assert "(c) a kill rate, in its law's unit" in comparison_notes(shown)[-1]


def test_a_parameter_label_takes_its_scenarios_law() -> None:
    sets = ["law=mixed", "attrition.german_rate=0.002", "attrition.soviet_rate=0.001"]
    scn = load(SCN, sets).scenario
    assert str(parameter_label("attrition.german_rate", scn)) == f"German kill rate ({AREA})"
    assert str(parameter_label("attrition.soviet_rate", scn)) == f"Soviet kill rate ({AIMED})"
    assert str(parameter_label("attrition.german_rate")) == f"German kill rate ({AIMED})"

"""The opening air strike's destroyed share carries its derivation and label in the source
the report shows, not in a TOML comment a reader of the HTML cannot see."""

from __future__ import annotations

import re

import pytest

from forceratio.scenarios import builtins
from forceratio.scenarios.build import parameter_sources
from forceratio.scenarios.session import Session

PATH = "modifiers.air_strike.destroyed_fraction"


@pytest.fixture(scope="module")
def sources() -> dict[str, tuple[float, str]]:
    """Built-in name -> (the destroyed share a run uses, its source text)."""
    session = Session(None, False)
    out = {}
    for name in builtins():
        prep = session.prepare(name)
        air = prep.scenario.modifiers.air_strike
        out[name] = (air.destroyed_fraction, str(parameter_sources(prep, None)[PATH]))
    return out


def test_no_source_points_at_a_comment(sources: dict[str, tuple[float, str]]) -> None:
    assert not [n for n, (_, text) in sources.items() if "comment" in text]


def test_the_derivation_in_the_source_gives_the_value(
    sources: dict[str, tuple[float, str]],
) -> None:
    """Where a scenario strikes, its source states the quotient (destroyed / aircraft of
    the same districts) and that quotient, recomputed here, rounds to the value run."""
    striking = {n: v for n, v in sources.items() if v[0] > 0}
    assert len(striking) == 5
    for name, (value, text) in striking.items():
        found = re.search(r"about ([\d,]+) aircraft destroyed.* / ([\d,]+) aircraft", text)
        assert found is not None, name
        num, den = found.groups()
        ratio = float(num.replace(",", "")) / float(den.replace(",", ""))
        assert round(ratio, 3) == value, name
        # a 12 June strike borrows the Luftwaffe's share: an assumption, labelled so
        label = "ASSUMPTION" if name.startswith(("strike", "sokolov")) else "DERIVED"
        assert text.split(": ", 1)[1].startswith(label), name
        assert "verified" in text, name


def test_a_scenario_without_a_strike_says_it_is_unset(
    sources: dict[str, tuple[float, str]],
) -> None:
    assert sources["kiev-1941"] == (0.0, "default 0 (the scenario leaves it unset)")

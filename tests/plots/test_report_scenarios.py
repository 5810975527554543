"""review16gen D6: the report's title and its rates section follow the scenarios given: a
report on two user files with their own rates is not titled 12 June v 22 June 1941, does
not call its runs uncalibrated, and shows no 1941 posterior they do not use."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from forceratio import scenarios
from forceratio.plots.html import build, rates_line, tables_used, titles
from forceratio.scenarios.session import Session
from tests.scenario_files import ScenarioFile

OWN = ScenarioFile(
    description="a battle with its own rates", date="1944-10-02", attacker="USSR",
    duration_days=5, ussr=25345, germany=10844,
)  # fmt: skip


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    out = []
    for name, g, s in (("ww", 0.0161, 0.0222), ("eg", 0.1111, 0.0134)):
        own = dataclasses.replace(OWN, name=name, german_rate=g, soviet_rate=s)
        out.append(str(own.write(tmp_path / f"{name}.toml")))
    return out


def test_titles_follow_the_scenarios(files: list[str]) -> None:
    own = [scenarios.load_scenario(f) for f in files]
    title, heading = titles(own)
    assert title == "forceratio report: ww, eg"
    assert "1941" not in title + heading
    assert "1944-10-02" in heading
    strike = scenarios.load_scenario("strike-12june-strip")
    assert titles([strike])[0] == "forceratio report: 12 June v 22 June 1941"
    # beside user battles the 12 June strike is one scenario among others, not the 1941 title
    assert titles([strike, *own])[0] == "forceratio report: strike-12june-strip, ww, eg"


def test_the_rates_line_says_where_the_rates_come_from(files: list[str]) -> None:
    line = rates_line(scenarios.load(files[0]), None)
    assert "0.0161 (scenario file)" in line
    assert "0.0222 (scenario file)" in line
    session = Session()
    prep = session.prepare("smolensk-1941")
    cal = session.rates(prep)
    assert "calibrated on the 1941 record" in rates_line(prep, cal)
    assert "raw default, not calibrated" in rates_line(prep, None)


def test_a_report_on_user_files_is_theirs(files: list[str]) -> None:
    # a posterior given, but no scenario uses it: its section is left out (an object that
    # is not a posterior would fail if it were read)
    text = build(files, session=Session(), replications=4, seed=1, posterior=object())
    assert "<title>forceratio report: ww, eg</title>" in text
    assert "12 June" not in text.split("<h2>")[0]
    assert "Uncalibrated run" not in text
    assert "<h2>Kill rates</h2>" in text
    assert "0.1111 (scenario file)" in text
    assert "The posterior on the whole 1941 record" not in text


def test_the_tables_and_sources_are_the_scenarios(files: list[str]) -> None:
    """Files with inline men: the modifiers table (their defaults) only, and its sources;
    the 12 June strike reads its strip tables, the slices and the timeline."""
    own = [scenarios.load_scenario(f) for f in files]
    assert tables_used(own) == {"modifiers"}
    strike = tables_used([scenarios.load_scenario("strike-12june-strip")])
    assert {"modifiers", "division_equivalents", "timeline"} < strike
    text = build(files, session=Session(), replications=4, seed=1)
    sources = text.split("<h2>Sources</h2>")[1]
    cited = set(Session().table("modifiers")["source"].astype(str))
    rows = sources.count("<tr>") - 1  # less the header
    assert rows == len(cited)

"""The explorer's /api/run answers with the run's own days (review20a L10: days to 30 with
a flat tail for a run that ended on day 24.2): the last day is the day the run ended, and
the strengths drawn there are the engine's at that day (a run recording exactly there)."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.app.model import Explorer
from forceratio.scenarios.schema import CATEGORIES
from forceratio.scenarios.session import Session

from .pages import wait_ready


@pytest.mark.parametrize("name", ["strike-12june-strip", "barbarossa-22june"])
def test_the_days_end_where_the_run_ends(name: str) -> None:
    res = Explorer().run(name, {})
    days = np.asarray(res["days"])
    end = res["duration_days"]
    assert days[-1] == end
    assert np.all(np.diff(days) > 0)
    for side in ("USSR", "Germany"):
        assert len(res["trajectories"][side]["men"]) == len(days)
        assert len(res["trajectories"][side]["power"]) == len(days)
    session = Session()
    prep = session.prepare(name)
    out = session.run(prep, times=[end])  # the engine, recording at the end day itself
    k = int(np.flatnonzero(np.isclose(out.days, end))[0])
    pk = CATEGORIES.index("personnel")
    for side in ("USSR", "Germany"):
        men = out.trajectory[side][0, 0, k, pk]
        assert res["trajectories"][side]["men"][-1] == pytest.approx(men, rel=1e-6)


def test_a_run_that_ends_early_stops_its_chart_there() -> None:
    res = Explorer().run("strike-12june-strip", {})
    # the strike ends when a sector is decided (day 16.2 on the posterior of 6 December 2026)
    assert res["duration_days"] < 30.0
    assert max(res["days"]) == res["duration_days"]


@pytest.mark.slow
def test_the_chart_ends_on_the_runs_last_day(server: str, browser: object) -> None:
    """In the page (chromium): both lines reach the right edge of the plot at the end day,
    and no day tick is drawn past it: ticks every 5 days up to the end day the model's run
    gives (the 12 June strip, the page's first scenario, ended on day 24.2 on the posterior
    of 5 December, ticks 0-20; on 6 December 2026's on day 16.2, ticks 0-15)."""
    end = Explorer().run("strike-12june-strip", {})["duration_days"]
    assert end < 25.0  # the run ends early: ticks at 25 and 30 would be past it
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server)
    wait_ready(page, 0)
    assert page.input_value("#scenario") == "strike-12june-strip"
    right = page.evaluate(
        "() => [...document.querySelectorAll('#chart polyline')].map("
        "p => Math.max(...p.getAttribute('points').split(' ').map(q => Number(q.split(',')[0]))))"
    )
    assert right == [610.0, 610.0]  # W - R of app.js's chart: the end day at the edge
    ticks = page.evaluate(
        "() => [...document.querySelectorAll('#chart text')]"
        ".filter(t => t.getAttribute('text-anchor') === 'middle' && !t.getAttribute('transform'))"
        ".map(t => t.textContent)"
    )
    days = [int(t) for t in ticks if t.isdigit()]
    assert days == list(range(0, int(end) + 1, 5))  # none past the end day

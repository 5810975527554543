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
    assert res["duration_days"] < 30.0  # the strike ends when the Germans break (day 24.2)
    assert max(res["days"]) == res["duration_days"]


@pytest.mark.slow
def test_the_chart_ends_on_the_runs_last_day(server: str, browser: object) -> None:
    """In the page (chromium): both lines reach the right edge of the plot at the end day,
    and no day tick is drawn past it (the 12 June strip ends on day 24.2: ticks 0-20)."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server)
    wait_ready(page, 0)
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
    assert days == [0, 5, 10, 15, 20]  # not 25 and 30: the run ended on day 24.2

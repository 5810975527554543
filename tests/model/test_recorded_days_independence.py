"""The operational outputs (losses to fire, captured, non-combat, depth, the outcome rule's
day) do not depend on which days a run records.

Their quadratures ran on every recorded day, so asking for more days (``times``, a record
on a day between the grid's) moved them: uman-1941's Soviet losses to fire were 71,489
recorded daily and 71,493 with the half days recorded too (5.6e-5 of them, far above the
integrator's rtol 1e-7).  Oracle: the same run recorded on a coarser and a finer set of
days; the engine reads a recorded day from its dense output, so its states on the common
days are the same, and so must every output computed from them be."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.scenarios.run import run
from forceratio.scenarios.session import Session

#: The agreement asked for: the integrator's steps do not depend on the recorded days, so
#: the outputs agree to rounding (far below the 5.6e-5 the recorded days moved).
RTOL = 1e-12


@pytest.fixture(scope="module")
def outcomes() -> tuple[object, object]:
    s = Session()
    prep = s.prepare("uman-1941")
    cal = s.rates(prep)
    daily = run(prep, calibration=cal)
    halves = run(prep, calibration=cal, times=np.arange(0.5, 25.0, 1.0))
    return daily, halves


def test_split_and_depth_independent_of_recorded_days(outcomes: tuple[object, object]) -> None:
    daily, halves = outcomes
    a, b = daily.operations, halves.operations  # type: ignore[attr-defined]
    for side in ("USSR", "Germany"):
        for what in ("fire", "captured", "noncombat"):
            x, y = getattr(a, what)[side], getattr(b, what)[side]
            np.testing.assert_allclose(y, x, rtol=RTOL, atol=1e-6, err_msg=f"{side} {what}")
    np.testing.assert_allclose(b.depth, a.depth, rtol=RTOL)
    np.testing.assert_allclose(b.decided_at, a.decided_at, rtol=RTOL)
    np.testing.assert_allclose(halves.record_model, daily.record_model, rtol=RTOL)  # type: ignore[attr-defined]


def test_by_day_outputs_read_on_every_recorded_day(outcomes: tuple[object, object]) -> None:
    """The men cut off and the depth by day are given on every recorded day: on the
    daily ones as without the half days, on a half day between its neighbours."""
    daily, halves = outcomes
    a, b = daily.operations, halves.operations  # type: ignore[attr-defined]
    days_a, days_b = list(daily.days), list(halves.days)  # type: ignore[attr-defined]
    on = [days_b.index(d) for d in days_a]
    np.testing.assert_allclose(b.depth_by_day[..., on], a.depth_by_day, rtol=RTOL, atol=1e-9)
    men_a, men_b = a.captured_men["USSR"], b.captured_men["USSR"]
    np.testing.assert_allclose(men_b[..., on], men_a, rtol=RTOL, atol=1e-6)
    half = days_b.index(12.5)
    lo, hi = men_b[..., half - 1], men_b[..., half + 1]
    assert np.all(men_b[..., half] >= lo)
    assert np.all(men_b[..., half] <= hi)

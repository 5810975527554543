"""Budnitsky's totals for the three fronts of the border battles (about 4,000 Soviet aircraft
and more than 11,700 tanks lost by 9 July, outcome_22june) as records of the whole-record
calibration: read against every 22 June sector summed, on day 18."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.scenarios.record1941 import (
    PRIORS,
    SHARED,
    Target,
    model_values,
    problem,
    record_tables,
)
from forceratio.scenarios.run import run
from forceratio.scenarios.schema import CATEGORIES
from forceratio.scenarios.session import Session

NAME = "barbarossa-22june"


@pytest.fixture(scope="module")
def setting() -> tuple[Session, list[Target]]:
    session = Session()
    _, tg = problem({NAME: session.prepare(NAME)}, record_tables(session.table))
    return session, tg


def _summed(tg: list[Target], kind: str) -> Target:
    (t,) = [t for t in tg if t.kind == kind and t.index < 0]
    return t


def test_the_totals_are_records_as_printed(setting: tuple[Session, list[Target]]) -> None:
    _, tg = setting
    air, tanks = _summed(tg, "aircraft"), _summed(tg, "tanks")
    # the values as outcome_22june prints them: "about 4000", "more than 11700"
    assert (air.record.value, air.record.lower_bound) == (4000.0, False)
    assert (tanks.record.value, tanks.record.lower_bound) == (11700.0, True)
    assert air.day == tanks.day == 18.0  # 9 July, counted like Budnitsky's 10 July = day 19
    assert air.record.in_likelihood
    assert tanks.record.in_likelihood


def test_the_totals_are_the_sectors_losses_summed(setting: tuple[Session, list[Target]]) -> None:
    """Oracles: the aircraft (none arrive on 22 June) are the sectors' starting holdings less
    what the raw trajectory holds on day 18; the tanks are the per-sector readings added."""
    session, tg = setting
    prep = session.prepare(NAME)
    point = {p: np.array([PRIORS[p].prior().median] * 2) for p, _, _ in SHARED}
    point["operations.noncombat.USSR.aircraft"] = np.array([0.0, 0.05])
    out = run(prep, samples=point, times=[18.0], operational=True, method="integrator")
    air, tanks = _summed(tg, "aircraft"), _summed(tg, "tanks")
    got = model_values(out, [air, tanks])

    k = CATEGORIES.index("aircraft")
    start = sum(f.value[k] for f in prep.forces["USSR"])
    traj = out.result.red_trajectory
    assert traj is not None
    s = len(prep.sectors)
    ti = int(np.argmin(np.abs(out.days - 18.0)))
    left = traj.reshape(2, s, -1, traj.shape[1], traj.shape[2])[:, :, 0, ti, k].sum(axis=1)
    np.testing.assert_allclose(got[:, 0], start - left, rtol=1e-9)
    assert got[1, 0] > got[0, 0]  # losses without combat add to the aircraft lost

    per_sector = [Target(NAME, "tanks", j, "USSR", 18.0, tanks.record) for j in range(s)]
    np.testing.assert_allclose(got[:, 1], model_values(out, per_sector).sum(axis=1), rtol=1e-12)
    assert np.all(got[:, 1] > 0)

"""A record of the losses to fire alone (``losses = "fire"``: a killed-and-wounded figure)
is compared with the model's losses less its captured, not with every man lost.

Oracle: the invariant total = fire + prisoners on a built scenario: the same record read
with ``losses = "all"`` gives the total, and the fire record is that total less the
prisoners by the record's day, the men the capture flow cut off (``Operational.captured_men``)
less the share of them killed or wounded (``operations.capture.killed_share``)."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.scenarios import load_scenario
from forceratio.scenarios.build import prepare
from forceratio.scenarios.record1941 import PRIORS, SHARED
from forceratio.scenarios.run import run
from forceratio.scenarios.session import Session


def test_a_fire_record_is_the_total_less_the_prisoners() -> None:
    scn = load_scenario("uman-1941")
    j = next(i for i, r in enumerate(scn.records) if r.losses == "fire")
    rec = scn.records[j]
    everything = scn.model_copy(
        update={"records": [*scn.records, rec.model_copy(update={"losses": "all"})]}
    )
    prep = prepare(everything, Session().table)
    # two parameter points: the priors' medians, and a capture rate 30 times higher
    samples = {p: np.array([PRIORS[p].prior().median] * 2) for p, _, _ in SHARED}
    samples["operations.capture.rate.USSR"] = samples["operations.capture.rate.USSR"] * [1, 30]
    o = run(prep, samples=samples, operational=True, method="integrator")
    assert o.operations is not None
    ti = list(o.days).index(float(rec.day))
    kept = 1.0 - samples["operations.capture.killed_share"]
    assert np.all(kept < 1.0)  # the prior's median: some of the men cut off are killed
    captured = kept * o.operations.captured_men["USSR"][:, 0, 0, ti]
    fire, total = o.record_model[:, 0, j], o.record_model[:, 0, -1]
    assert np.all(captured > 0)
    np.testing.assert_allclose(fire, total - captured, rtol=1e-12)
    assert total[1] - fire[1] == pytest.approx(captured[1], rel=1e-12)


def test_uman_reads_killed_and_wounded_beside_the_fire() -> None:
    prep = prepare(load_scenario("uman-1941"), Session().table)
    rec, fig = next((r, f) for r, f in prep.records if r.side == "USSR")
    assert rec.losses == "fire"
    assert fig.value[0] == 100_000  # operations_1941: killed_and_wounded only, not + 103,000

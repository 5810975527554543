"""One function forms a sweep's calibration pairs; every path that builds a spec from a
session (the CLI, ``resolved``, the tornado, the mechanisms, the explorer) runs with them."""

from __future__ import annotations

import pytest

from forceratio.scenarios.session import Session
from forceratio.sweeps.design import Design
from forceratio.sweeps.evaluate import SweepSpec, calibration_pairs, resolved

SCN = "strike-12june-strip"


def test_the_pairs_are_the_sessions_values_sorted_by_path() -> None:
    session = Session()
    prep = session.prepare(SCN)
    pairs = calibration_pairs(session, prep)
    assert [p for p, _ in pairs] == sorted(session.rates(prep))
    assert dict(pairs) == session.rates(prep)
    result = session.record_posterior()  # the kill rates are the whole record's medians
    assert dict(pairs)["german_rate"] == pytest.approx(
        float(result.values["attrition.german_rate"])
    )
    assert calibration_pairs(Session(uncalibrated=True), prep) == ()


def test_resolved_fills_in_the_same_pairs() -> None:
    spec = resolved(SweepSpec(SCN, Design("random", (), 1, 0)))
    session = Session()
    assert spec.calibration == calibration_pairs(session, session.prepare(SCN))

"""Issue 13 at the scenario level: the neutral values reproduce the first version's numbers
exactly, the new parameters are in the registry, and each outcome rule can decide."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.scenarios.calibrate import calibrate
from forceratio.scenarios.registry import PARAMETERS
from forceratio.scenarios.run import run
from forceratio.scenarios.session import Session

#: The model's record values before issue 13's flows existed (commit 59faeda, engine +
#: main merged), calibrated rates, deterministic.
BEFORE = {
    "barbarossa-22june": [
        128742.04834777361, 293537.75534177426, 127433.80364408507, 52875.1525844835,
        81476.74179504951,
    ],
    "uman-1941": [182020.99561369384, 13065.330765187275],
}  # fmt: skip

NEW = [
    "operations.capture.rate.USSR",
    "operations.capture.rate.Germany",
    "operations.capture.ratio",
    "operations.capture.width",
    "operations.noncombat.USSR.tanks",
    "operations.noncombat.Germany.tanks",
    "operations.advance.scale",
    "operations.advance.exponent",
    "operations.advance.cap",
    "operations.outcome.captured_share",
    "operations.outcome.depth_km",
    "operations.readiness.USSR.tanks",
    "operations.readiness.Germany.aircraft",
]


@pytest.fixture(scope="module")
def session() -> Session:
    return Session()


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_neutral_values_reproduce_the_first_version(session: Session, name: str) -> None:
    prep = session.prepare(name)
    # BEFORE was taken at the first version's rates, the fit to 22 June alone
    first = calibrate(session.prepare("barbarossa-22june"), leave_one_out=False).values
    out = run(prep, calibration=first)
    assert out.operations is None
    np.testing.assert_array_equal(out.record_model[0, 0], BEFORE[name])


def test_the_new_parameters_are_registered_and_sweepable(session: Session) -> None:
    prep = session.prepare("uman-1941")
    for path in NEW:
        assert path in PARAMETERS
        assert PARAMETERS[path].label
    out = session.run(prep, samples={"operations.capture.rate.USSR": [0.0, 0.05]})
    assert out.operations is not None
    cap = out.operations.captured["USSR"][:, 0, 0]
    assert cap[0] == 0.0
    assert cap[1] > 1000.0
    # the split adds up: fire + captured + non-combat = losses
    ops = out.operations
    total = ops.fire["USSR"] + ops.captured["USSR"] + ops.noncombat["USSR"]
    np.testing.assert_allclose(total[:, 0, 0], out.losses["USSR"][:, 0, 0], rtol=1e-3)


def test_advance_uses_the_defenders_posture(session: Session) -> None:
    """Uman's Soviet side is in hasty defence: the hasty row of the fit."""
    prep = session.prepare("uman-1941")
    out = session.run(prep, operational=True)
    assert out.built.par["operations.advance.scale"][0] == pytest.approx(4.43)
    assert out.operations is not None
    assert out.operations.depth[0, 0, 0] > 0.0


@pytest.mark.parametrize(
    ("samples", "rule", "winner"),
    [
        ({"operations.outcome.depth_km": 50.0}, "depth", "Germany"),
        (
            {"operations.capture.rate.USSR": 0.2, "operations.outcome.captured_share": 0.1,
             "operations.outcome.depth_km": 5000.0},
            "captured", "Germany",
        ),
        (
            {"breakpoints.Germany": 0.99, "operations.outcome.depth_km": 5000.0},
            "break", "USSR",
        ),
        ({"operations.outcome.depth_km": 5000.0}, "attrition margin", "Germany"),
    ],
)  # fmt: skip
def test_each_outcome_rule_can_decide(
    session: Session, samples: dict[str, float], rule: str, winner: str
) -> None:
    prep = session.prepare("uman-1941")
    out = session.run(prep, samples={k: [v] for k, v in samples.items()}, operational=True)
    assert out.operations is not None
    assert out.operations.decided_by[0, 0] == rule
    assert out.operations.winner[0, 0] == winner


def test_readiness_scales_only_the_ready_categorys_fire(session: Session) -> None:
    """Half the German tanks ready: the German tanks' row of the kill tensor halves, every
    other row stays bit-identical, and the Soviet losses fall."""
    from forceratio.scenarios.build import build

    prep = session.prepare("barbarossa-22june")
    rates = {"german_rate": 0.02, "soviet_rate": 0.002}
    full = build(prep, calibration=rates)
    half = build(prep, samples={"operations.readiness.Germany.tanks": [0.5]}, calibration=rates)
    k_full, k_half = full.engagement.blue.kill_rates, half.engagement.blue.kill_rates
    np.testing.assert_array_equal(k_half[:, 2], 0.5 * k_full[:, 2])
    np.testing.assert_array_equal(np.delete(k_half, 2, axis=1), np.delete(k_full, 2, axis=1))
    np.testing.assert_array_equal(half.engagement.red.kill_rates, full.engagement.red.kill_rates)
    lost = session.run(prep, samples={"operations.readiness.Germany.tanks": [1.0, 0.5]})
    assert lost.losses["USSR"][1, 0, 0] < lost.losses["USSR"][0, 0, 0]

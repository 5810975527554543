"""A side's losses split into fire, captured, non-combat and transit add up to its losses,
each part at least 0, in every category.

The captured and non-combat parts are trapezoid quadratures over the daily trajectory,
the strengths linear between the days; a category that falls fast (smolensk-1941's Soviet
tanks, uman-1941's) is convex between them, so the quadrature overestimates, and where
the two parts passed the losses the fire part was clipped at 0 while the parts summed to
more than the losses (smolensk-1941: 2.3 Soviet tanks of 1,545 too many, calibrated; up
to 2.6% of uman-1941's Soviet losses with capture rates up to 0.5 a day).  Oracle: the
conservation of losses (the engine's own total, initial + arrivals - final)."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.scenarios.run import run
from forceratio.scenarios.session import Session


@pytest.mark.parametrize(
    ("name", "samples"),
    [
        ("smolensk-1941", None),
        ("uman-1941", {"operations.capture.rate.USSR": np.array([0.05, 0.2, 0.5])}),
    ],
)
def test_parts_add_up_to_the_losses(name: str, samples: dict[str, object] | None) -> None:
    s = Session()
    prep = s.prepare(name)
    out = run(prep, calibration=s.rates(prep), samples=samples)  # type: ignore[arg-type]
    ops = out.operations
    assert ops is not None
    for side in ("USSR", "Germany"):
        parts = [ops.fire[side], ops.captured[side], ops.noncombat[side], ops.transit[side]]
        for part in parts:
            assert np.all(part >= 0.0)
        total = out.losses[side]
        np.testing.assert_allclose(sum(parts), total, rtol=1e-9, atol=1e-9, err_msg=side)

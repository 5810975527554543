"""A surprise factor is a fire multiplier like any other: 0 (no fire) is accepted, and a
non-zero factor whose product falls outside the engine's range (1e-6 to 1e6,
:data:`forceratio.simulator.magnitudes.MULTIPLIER_RANGE`) is refused, however small.

Before, ``1 + (f - 1) * left`` rounded a surpriser's fire at or below about 1e-16 to 0 on
day 0, so 1e-20 ran as no fire at all while 1e-7 was refused."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.scenarios.multipliers import fire_multipliers
from forceratio.scenarios.sampled import parameters
from forceratio.scenarios.session import Session
from tests.cli.refusals import refused

SCN = "strike-12june-strip"  # the USSR surprises the Germans (complete surprise)
PATH = "modifiers.surprise.surpriser_fire"


def _day_zero_and_end(factor: float) -> tuple[float, float]:
    """The USSR's fire multiplier on day 0 and at its last knot, with ``factor``."""
    prep = Session().prepare(SCN, sets={PATH: factor})
    n, par = parameters(prep, None, {})
    knots, mult = fire_multipliers(prep, par, n)
    assert np.ndim(knots) == 1
    assert knots[0] == 0.0
    return float(mult["USSR"][0, 0]), float(mult["USSR"][0, -1])


@pytest.mark.parametrize("factor", [1e-20, 1e-300, 5e-324, 1e-7, 0.3, 3.0, 0.0])
def test_day_zero_multiplier_is_the_factor_itself(factor: float) -> None:
    """Oracle: on day 0 the surprise is whole, so the surpriser's multiplier is its
    multiplier without surprise times the factor, exactly; the surprise worn off, the
    factor is gone."""
    start, end = _day_zero_and_end(factor)
    plain_start, plain_end = _day_zero_and_end(1.0)
    assert start == plain_start * factor
    assert end == plain_end


@pytest.mark.parametrize("value", ["1e-20", "1e-7", "1e-300"])
def test_tiny_surpriser_fire_refused_like_any_tiny_multiplier(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = refused(capsys, ["run", SCN, "--uncalibrated", "--set", f"{PATH}={value}"])
    assert "fire multiplier" in line
    assert "1e-06 to 1e+06" in line

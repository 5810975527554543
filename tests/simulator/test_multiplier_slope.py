"""A multiplier whose knots are too close for its change (a slope past the largest double)
is refused naming its knots; one whose ramp is merely short runs as the step it nearly is.

Before: ``modifiers.surprise.decay_days=1e-320`` printed "numerical trouble (overflow
encountered in divide)" twice, then failed in the integrator ("a step below the smallest
step"); ``modifiers.posture.unprepared_until=1e-310`` ran with that warning."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.errors import InputError
from forceratio.simulator.battle import battle
from forceratio.simulator.engagement import Engagement, make_side
from forceratio.simulator.laws import get_law
from forceratio.simulator.schedules import Multiplier
from forceratio.simulator.solve import simulate
from tests.cli.refusals import refused


def test_a_slope_past_the_largest_double_is_refused() -> None:
    with pytest.raises(InputError, match="slope") as err:
        Multiplier(np.array([0.0, 1e-320]), np.array([3.0, 1.0]))
    assert err.value.field == "multiplier.knots"


def test_a_short_ramp_runs_as_the_step_it_nearly_is() -> None:
    """Oracle: the square law's closed form (``battle``) with red's rate times 1, what the
    multiplier is from 1e-300 days on."""
    eng = Engagement(
        get_law("square"),
        make_side("red", 1000.0, 0.01, n=1, k_enemy=1,
                  multiplier=Multiplier(np.array([0.0, 1e-300]), np.array([3.0, 1.0]))),
        make_side("blue", 900.0, 0.01, n=1, k_enemy=1),
    )  # fmt: skip
    got = simulate(eng, t_max=500.0, method="integrator")
    want = battle("square", 1000.0, 900.0, 0.01, 0.01, t_max=500.0)
    np.testing.assert_allclose(got.red_final_by_category, want.red_final_by_category, rtol=1e-6)
    np.testing.assert_allclose(got.end_time, want.end_time, rtol=1e-6)


def test_a_surprise_too_short_to_resolve_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["run", "strike-12june-strip", "--set", "modifiers.surprise.decay_days=1e-320"]
    line = refused(capsys, args)
    assert "slope" in line
    assert "decay_days" in line


def test_a_posture_change_a_moment_after_day_0_runs_without_a_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The quadratures' multiplier divided by a segment of 1e-310 days (clipped after)."""
    from forceratio.cli import run

    args = ["run", "strike-12june-strip", "--set", "modifiers.posture.unprepared_until=1e-310"]
    assert run(args) == 0
    assert "warning" not in capsys.readouterr().err

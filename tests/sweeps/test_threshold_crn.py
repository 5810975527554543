"""A stochastic threshold runs every value on the same random streams (common random
numbers, review16num D6): on the grid a batch's sample i ran key i, so the same value at
four grid positions gave four different German losses, and the bisection's midpoints ran
key 0, a stream the bracket's ends had not been evaluated with."""

from __future__ import annotations

import numpy as np

from forceratio.sweeps.design import Design, Vary
from forceratio.sweeps.evaluate import SweepSpec
from forceratio.sweeps.sensitivity import outcome_values, threshold
from tests.sweeps.test_sweeps import CAL, LOW_CAPACITY

PATH = "modifiers.quality.Germany"


def stochastic(reps: int = 8, seed: int = 3) -> SweepSpec:
    return SweepSpec(
        "strike-12june-strip",
        Design("random", (), 1, seed),
        sets=(LOW_CAPACITY,),
        calibration=CAL,
        replications=reps,
    )


def test_the_same_value_gives_the_same_outcome_wherever_it_stands() -> None:
    from forceratio.sweeps.sensitivity import common_values  # (new with the fix)

    s = stochastic()
    y = common_values(s, PATH, np.array([1.0, 2.0, 1.0, 0.5, 1.0]), "german_losses")
    assert y[0] == y[2] == y[4]
    alone = outcome_values(s, {PATH: np.array([1.0])}, "german_losses")[0]
    assert y[0] == alone  # and the bisection's single calls run the same streams
    deterministic = SweepSpec("strike-12june-strip", Design("random", (), 1, 3), calibration=CAL)
    xs = np.array([0.5, 1.0, 2.0])
    np.testing.assert_array_equal(
        common_values(deterministic, PATH, xs, "german_losses"),
        outcome_values(deterministic, {PATH: xs}, "german_losses"),
    )


def test_threshold_grid_and_bisection_share_their_streams() -> None:
    """Every grid point equals a single call at its value (the stream the bisection's
    midpoints run), and the value found has the grid bracket's two sides of 0.5 on that
    stream within the tolerance either side."""
    s = stochastic()
    losses = threshold(s, Vary(PATH, 0.3, 15.0), outcome="german_losses", level=0.0)
    # (a continuous column: the streams show in every digit; level 0: the grid holds the
    # values themselves, not y - level + level)
    for x, y in losses.grid[::4]:
        assert outcome_values(s, {PATH: np.array([x])}, "german_losses")[0] == y
    res = threshold(s, Vary(PATH, 0.3, 15.0), xtol=1e-3)
    assert res.value is not None
    assert res.bracket is not None
    grid = np.array(res.grid)
    a, b = res.bracket
    pa, pb = (float(grid[grid[:, 0] == e, 1][0]) for e in (a, b))
    assert np.sign(pa - 0.5) != np.sign(pb - 0.5)
    # the bisection's last bracket, value -+ half its width (the grid bracket halved until
    # within xtol): on the same stream its low end keeps pa's side, its high end is at the
    # level or on pb's (8 runs: the share is a step function, not monotone within 1e-3)
    width = b - a
    while width > 1e-3:
        width /= 2
    lo, hi = (
        outcome_values(s, {PATH: np.array([x])}, res.outcome)[0]
        for x in (res.value - width / 2, res.value + width / 2)
    )
    assert np.sign(lo - 0.5) == np.sign(pa - 0.5)
    assert np.sign(hi - 0.5) in (0.0, np.sign(pb - 0.5))

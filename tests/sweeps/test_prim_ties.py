"""review16gen D7: on a tie in coverage PRIM keeps the denser box, so a sharp known flip
is found where it is, not 18% beyond it."""

from __future__ import annotations

import numpy as np

from forceratio.sweeps.discover import prim

FLIP = 3.2032


def test_a_sharp_flip_is_found_where_it_is() -> None:
    rng = np.random.default_rng(1)
    x = np.column_stack([rng.uniform(0.5, 6.0, 2048), rng.uniform(0.0, 0.5, 2048)])
    y = x[:, 0] < FLIP  # deterministic and monotone in the first parameter only
    box = prim(x, y, ["quality", "breakpoint"])[0]
    assert box.coverage == 1.0
    assert box.density == 1.0
    (cond,) = box.conditions()
    assert cond["parameter"] == "quality"
    below = x[y, 0].max()  # the last sample where the outcome holds
    above = x[~y, 0].min()
    assert below <= cond["high"] < above


def test_a_noisy_boundary_still_takes_the_largest_coverage() -> None:
    """The tie-break only orders boxes of equal coverage: with label noise the chosen box
    is still the largest coverage over the threshold."""
    rng = np.random.default_rng(2)
    x = rng.uniform(0.0, 1.0, (4000, 2))
    y = (x[:, 0] < 0.6) ^ (rng.uniform(size=4000) < 0.05)
    box = prim(x, y, ["a", "b"], paste=False)[0]
    steps = box.trajectory
    good = [s.coverage for s in steps if s.density >= 0.8]
    assert box.coverage == max(good)

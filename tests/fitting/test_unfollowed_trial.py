"""A trial point the engine cannot follow scores as bad instead of stopping the law
(review21e, item 5: ``fit iwo_noisy.csv --law all`` skipped helmbold and power, "the engine
could not follow its path ... after 200000 steps", because one trial point of the
optimisation, red's rate about 10 in the battle's units with w = 0.006, was stiff; with this
fix both are fitted, helmbold at w = 1 with square's rates, 2026-12-05).  Invariants: the
followable row of the same batch gets the path it gets alone; the unfollowable one a path
far from every observation (:data:`model.UNFOLLOWED`); ``strict`` keeps the engine's error
(the fit's optimum itself must be followed).  Fixture: review21e's noisy Iwo Jima series."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from forceratio.errors import ForceratioError
from forceratio.fitting import read_battle
from forceratio.fitting.model import UNFOLLOWED, free_initial, law_spec, predict

IWO = Path(__file__).parent / "fixtures" / "iwo_noisy_review21e.csv"
# The trial point that stopped helmbold was [2.281, -3.917, 0.006, 1.0]; since the engine
# extrapolates a fall to 0 below its tolerance floor (5 December 2026) it is followed, so a
# point further out stood in for it (red's rate e^8 and w = 0.0001), followed too since that
# fall is extrapolated as the square law in u = X**w: w = 1e-6 now.
STIFF = [8.0, -3.917, 1e-6, 1.0]
PLAIN = [-4.5, -2.9, 0.5, 1.0]


def test_stiff_trial_scores_bad_and_spares_the_batch() -> None:
    b = read_battle(IWO)
    spec = law_spec("helmbold", b.attack is not None, free_initial(b))
    xs, ys = predict(b, spec, np.array([STIFF, PLAIN]))
    alone = predict(b, spec, np.array([PLAIN]))
    np.testing.assert_array_equal(xs[1], alone[0][0])
    np.testing.assert_array_equal(ys[1], alone[1][0])
    assert np.all(xs[0] == UNFOLLOWED)
    assert np.all(ys[0] == UNFOLLOWED)
    with pytest.raises(ForceratioError, match="not finished"):
        predict(b, spec, np.array([STIFF]), strict=True)

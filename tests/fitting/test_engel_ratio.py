"""Under the square law the Poisson maximum-likelihood rate is Engel's (1954) ratio
estimator: a side's summed losses over the summed enemy strength x dt (closed form)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forceratio.fitting import read_battle
from forceratio.fitting.casualties import fit_casualties


def test_poisson_square_rate_is_engels_ratio() -> None:
    rng = np.random.default_rng(7)
    red, blue = [21500.0], [17000.0]
    for _ in range(20):
        red_loss = rng.poisson(0.011 * blue[-1])
        blue_loss = rng.poisson(0.006 * red[-1])
        red.append(red[-1] - red_loss)
        blue.append(blue[-1] - blue_loss)
    frame = pd.DataFrame({"day": np.arange(21.0), "red": red, "blue": blue})
    fit = fit_casualties(read_battle(frame), likelihood="poisson")
    r, b = np.asarray(red), np.asarray(blue)
    # red's losses are blue's fire: blue_rate = sum(red drops) / sum(blue at day start)
    assert fit.blue_rate == pytest.approx((r[0] - r[-1]) / b[:-1].sum(), rel=1e-6)
    assert fit.red_rate == pytest.approx((b[0] - b[-1]) / r[:-1].sum(), rel=1e-6)

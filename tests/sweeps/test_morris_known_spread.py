"""Morris sigma and the mu* interval on a function whose elementary effects are 0 or 1
(review19a's surviving mutants M3: sigma with ddof 0; M4: a 90% interval printed as 95%).

f = u0 * u1 on a two-level grid (delta = 1): u0's effect is u1 where it moves, 0 or 1,
so its r effects are k ones and r - k zeros, with k = r * mu.  Closed forms: the sample
sd (ddof 1) of such a set is sqrt(r / (r - 1) * m (1 - m)), m = k / r; and the 95%
interval of mu* (Student's over the trajectories) is m +- t(0.975, r - 1) of that sd over
sqrt(r), t from scipy.stats.  Its coverage over repeated seeds:
tests/sweeps/test_morris_coverage.py."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

from forceratio.sweeps.morris import morris

R = 40


def _x() -> dict[str, Any]:
    rows = morris(lambda u: u[:, 0] * u[:, 1], ["x", "y"], r=R, levels=2, seed=4)
    return next(row for row in rows if row["parameter"] == "x")


def test_sigma_is_the_sample_sd_of_zero_one_effects() -> None:
    x = _x()
    m = float(x["mu"])
    k = round(m * R)
    assert 0 < k < R
    assert float(x["mu_star"]) == pytest.approx(m)
    assert float(x["sigma"]) == pytest.approx(np.sqrt(R / (R - 1) * m * (1 - m)), rel=1e-12)


def test_the_mu_star_interval_is_students_95_percent_interval() -> None:
    x = _x()
    m = round(float(x["mu"]) * R) / R
    half = stats.t.ppf(0.975, R - 1) * np.sqrt(R / (R - 1) * m * (1 - m)) / np.sqrt(R)
    assert m - half > 0  # not cut at 0
    assert x["mu_star_ci"] == pytest.approx([m - half, m + half], abs=1e-12)

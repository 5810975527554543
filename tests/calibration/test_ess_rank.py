"""Bulk ESS is a statistic of the ranks (Vehtari et al. 2021, Bayesian Analysis 16(2), sec. 4.2):
a monotone transform of the draws must not move it.

Oracle: an AR(1) chain (exact integrated time (1 + phi) / (1 - phi)) and its exponential, a
log-normal, heavy-tailed chain with the same ranks: the bulk ESS of both must equal each other
exactly and the AR(1) closed form within the estimator's error.  Without the rank
normalisation the exponential's ESS was 2.6 times the closed form and every earlier test, all on
Gaussian chains, passed (review20c, mutant M6).
"""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.calibration.diagnostics import effective_sample_size
from tests.calibration.test_diagnostics import ar1


@pytest.mark.parametrize("scale", [1.0, 3.0])
def test_bulk_ess_is_unmoved_by_a_monotone_transform(scale: float) -> None:
    phi = 0.8
    x = ar1(phi, 8, 20_000, seed=11) * np.sqrt(1.0 - phi**2)  # unit stationary variance
    exact = x.size * (1 - phi) / (1 + phi)
    base = effective_sample_size(x)
    assert base == pytest.approx(exact, rel=0.12)
    heavy = np.exp(scale * x)  # log-normal marginal: skewed, long upper tail
    assert effective_sample_size(heavy) == pytest.approx(base, rel=1e-9)
    assert effective_sample_size(-heavy) == pytest.approx(base, rel=1e-9)  # decreasing too

"""The whole-record calibration's parameters are registry parameters: one schema.

The registry (:data:`forceratio.scenarios.registry.PARAMETERS`) is the oracle: every path
the 1941 record fits names a registry entry, shows that entry's label, and is run only at
values inside that entry's domain, with the prior's support inside the run limits."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.scenarios.record1941 import LIMITS, OPTIONAL, SHARED
from forceratio.scenarios.registry import PARAMETERS

CALIBRATED = [(p, prior, label) for p, prior, label in SHARED] + [
    (p, prior, label) for p, (prior, label) in OPTIONAL.items()
]


@pytest.mark.parametrize(("path", "prior", "label"), CALIBRATED, ids=[c[0] for c in CALIBRATED])
def test_a_calibrated_path_is_the_registrys(path: str, prior: object, label: str) -> None:
    assert path in PARAMETERS
    assert label == PARAMETERS[path].label
    low, high = LIMITS[path]
    assert PARAMETERS[path].domain.contains(np.array([low, high])).all()
    lo, hi = prior().support  # type: ignore[operator]
    assert low <= lo < hi <= high

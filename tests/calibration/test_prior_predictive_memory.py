"""``calibrate --prior-predictive --draws``'s memory estimate
(:func:`~forceratio.calibration.prior_predictive.prior_predictive_bytes`) against the peak
a call on the whole 1941 record adds (VmHWM less RssFile's growth after a warm call, reset
through /proc/self/clear_refs, as tests/calibration/test_model_memory.py measures the
sampler's), at 2,000 draws (one model call) and 200,000 (a hundred calls of 2,000)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.memory_child import child, measure

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/status"),
]

PRIOR_PREDICTIVE = child(
    """
    from forceratio.calibration.prior_predictive import prior_predictive
    from forceratio.scenarios import record_fit
    from forceratio.scenarios.session import Session

    p = record_fit.inputs(Session().table).problem
    prior_predictive(p, 20, seed=0)
    """,
    """
    prior_predictive(p, int(sys.argv[1]), seed=0)
    """,
)


@pytest.mark.parametrize("draws", ["2000", "200000"])
def test_the_prior_predictive_estimate_is_close_to_the_peak(draws: str, tmp_path: Path) -> None:
    added, asked = measure(PRIOR_PREDICTIVE, [draws], tmp_path)
    assert [field for field, _ in asked][:1] == ["n_draws"], asked
    assert 0.8 <= asked[0][1] / added <= 1.3, (asked[0][1] / 2**20, added / 2**20)

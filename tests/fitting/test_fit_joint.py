"""A joint fit with nothing shared is the single fits side by side (its objective is the sum
of theirs), so its profile intervals must be theirs (review15fit D11: with an annihilated
side the joint's inner fits stalled in the constraint's narrow valley, and iwo_1's red_rate
interval came out 0.010304 (the estimate) .. 0.010743 against the single fit's
0.010003 .. 0.011012).

Fixtures ``fixtures/iwo_1.csv`` and ``iwo_5.csv`` are synthetic (review15fit's
``iwo_synth.py``, seeds 1 and 5: Iwo Jima-like square-law battles from ``solve_ivp``, red's
rate 0.0106, blue's 0.0544; blue seen only at day 0 and at its annihilation).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from forceratio.fitting import fit_battle, read_battle
from forceratio.fitting.joint import fit_battles

HERE = Path(__file__).parent / "fixtures"


@pytest.mark.slow  # four profile fits of 35-row battles: ~1 min alone, minutes under load
def test_joint_intervals_equal_the_single_ones_when_nothing_is_shared() -> None:
    battles = [read_battle(HERE / f"iwo_{i}.csv") for i in (1, 5)]
    joint = fit_battles(battles, "square")
    assert joint["shared"] == []
    for b, row in zip(battles, joint["battles"], strict=True):
        single = fit_battle(b, "square")
        for name in ("red_rate", "blue_rate"):
            assert row[name] == pytest.approx(getattr(single, name), rel=1e-4)
            lo, hi = getattr(single, f"{name}_ci")
            jlo, jhi = row[f"{name}_ci"]
            # the profiles' own precision (brentq on the log scale, warm-started inner fits)
            assert jlo == pytest.approx(lo, rel=5e-3), (b.name, name)
            assert jhi == pytest.approx(hi, rel=5e-3), (b.name, name)
            assert jlo < row[name] < jhi

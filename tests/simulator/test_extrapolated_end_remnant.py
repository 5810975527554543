"""The winner's remnant where the loser's fall to 0 is extrapolated beyond the engine's last
step (Helmbold W 0.002-0.01: the last part of the battle below the tolerance floor,
:func:`forceratio.simulator.near_zero.zero_cross`).  Before 5 December 2026 the winner was
read where the loser's path was left, at that step's end: off by up to 6.6e-4 at W 0.01,
3.8 (relative) at W 0.005 and 7.5e80 at W 0.002 (R = u**(1/W): an error in u is
multiplied by 1/W in R's logarithm); now at most 1.3e-5, 3.0e-5, 1.9e-4.

Oracle: Helmbold's exact solution: u = R**W, v = B**W obey the square law with rates W b,
W a, so a u**2 - b v**2 = c is constant and the winner (red where c > 0) ends with
u = sqrt(c / a), R = (c / a)**(1 / (2 W)) (taken in logarithms: it may exceed a double)."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio import battle
from tests.simulator.helmbold_cases import battles


@pytest.mark.parametrize(("w", "bound"), [(0.002, 1e-3), (0.005, 2e-4), (0.01, 5e-5)])
def test_the_winner_is_read_where_the_loser_reaches_0(w: float, bound: float) -> None:
    r0, b0, a, b = battles(w, 60, 21)
    c = a * r0 ** (2 * w) - b * b0 ** (2 * w)
    red = c > 0
    log_left = np.log(np.abs(c) / np.where(red, a, b)) / (2 * w)
    r = battle("helmbold", r0, b0, a, b, w=w, annihilation=0.0, t_max=1e12)
    assert list(r.winner) == ["red" if x else "blue" for x in red]
    got = np.where(red, r.red_final, r.blue_final)
    assert np.all(got > 0)
    err = np.abs(np.expm1(np.log(got) - log_left))
    assert np.max(err) < bound, (np.max(err), np.median(err))

"""The Helmbold law fought to zero with w < 1/2 (target exponent q = 1 - w in (1/2, 1)):
the side at 0 has lost (review20b MED-3).  Before: w = 0.05, 1000 v 500 at 0.01 ended
undecided at t_max with blue at 0 and red at 9e-8.

Oracle: Helmbold's exact solution (Helmbold 1965; dR/dt = -b B^w R^(1-w), dB/dt = -a R^w
B^(1-w)): a R^(2w) - b B^(2w) = C is conserved, so C > 0 says red wins, with (C/a)^(1/(2w))
left, and blue reaches 0 at t* = asinh(sqrt(b/C) B0^w) / (w sqrt(ab))."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio import battle


def _helmbold(
    r0: float, b0: float, a: float, b: float, w: float
) -> tuple[str, float, float]:  # fmt: skip
    """Winner, the time the loser reaches 0 and the winner's strength then (exact)."""
    c = a * r0 ** (2 * w) - b * b0 ** (2 * w)
    if c < 0:  # blue wins: the same with the sides swapped
        _, t, left = _helmbold(b0, r0, b, a, w)
        return "blue", t, left
    t = np.arcsinh(np.sqrt(b / c) * b0**w) / (w * np.sqrt(a * b))
    return "red", float(t), float((c / a) ** (1 / (2 * w)))


@pytest.mark.parametrize(
    ("r0", "b0", "a", "b"),
    [(1000.0, 500.0, 0.01, 0.01), (167827.0, 17333.0, 0.0035983321069245197, 0.004277389053823785),
     (500.0, 1000.0, 0.01, 0.01)],
)  # fmt: skip
def test_a_side_at_zero_beside_a_living_enemy_has_lost(
    r0: float, b0: float, a: float, b: float
) -> None:
    win, t_star, left = _helmbold(r0, b0, a, b, 0.05)
    assert left < 1e-7  # the winner's last strength is within the engine's tolerance
    r = battle("helmbold", r0, b0, a, b, w=0.05, annihilation=0.0, t_max=1e6)
    assert r.winner[0] == win
    assert r.end_reason[0] == "annihilation"
    assert (r.red_final[0] if win == "blue" else r.blue_final[0]) == 0.0
    # the time is as sharp as the loser's stay within its tolerance of 0: X ~ (T - t)^20
    assert abs(r.duration[0] / t_star - 1) < 0.4


def test_random_helmbold_battles_name_the_exact_winner() -> None:
    # main: some at w = 0.05 undecided at t_max with the loser at 0
    rng = np.random.default_rng(5)
    for w in (0.05, 0.1, 0.2, 0.4):
        r0 = np.round(10 ** rng.uniform(2, 6, 40))
        b0 = np.round(r0 * 10 ** rng.uniform(-1, 0.3, 40))
        a, b = 10 ** rng.uniform(-3, -1, 40), 10 ** rng.uniform(-3, -1, 40)
        r = battle("helmbold", r0, b0, a, b, w=w, annihilation=0.0, t_max=1e9)
        exact = [_helmbold(*x, w) for x in zip(r0, b0, a, b, strict=True)]
        assert list(r.winner) == [e[0] for e in exact]
        assert np.all(r.end_reason == "annihilation")
        t = np.array([e[1] for e in exact])
        # documented (integrator module): 1e-3 of the time at the median for w <= 0.2
        assert np.median(np.abs(r.duration / t - 1)) < (3e-3 if w < 0.3 else 5e-4)

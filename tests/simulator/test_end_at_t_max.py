"""A battle whose loser reaches its level exactly at t_max is decided there, by the
integrator as by the closed forms (their rule: the level reached at t <= t_max; review20b
LOW-5).  Before: the integrator left it undecided (the loser a rounding above its level).

Oracle: the ancient law's exact solution, B(t) = B0 - a t while both stand (Lanchester
1916), out at its annihilation level 0.5 when B0 - a t = 0.5."""

from __future__ import annotations

import pytest

from forceratio import battle


@pytest.mark.parametrize(
    ("b0", "a", "t_max"), [(50.0, 1.0, 49.5), (20.5, 2.0, 10.0), (8.0, 0.5, 15.0)]
)
def test_a_level_reached_exactly_at_t_max_ends_the_battle(
    b0: float, a: float, t_max: float
) -> None:
    assert b0 - a * t_max == 0.5  # the level, exactly at t_max
    r = battle("ancient", 100.0, b0, a, 0.1, t_max=t_max, method="integrator")
    assert r.winner[0] == "red"
    assert r.end_reason[0] == "annihilation"
    assert r.duration[0] == pytest.approx(t_max, rel=1e-12)
    assert r.blue_final[0] == 0.0
    assert r.red_final[0] == pytest.approx(100.0 - 0.1 * t_max, rel=1e-9)

"""A level of 0 reached only within the integrator's tolerance is not reached (review16num
D3).  Oracle: the closed forms; the square law's exact draw decays as R0 exp(-a t) and never
gets to 0, the ancient law's reaches 0 at R0 / rate."""

from __future__ import annotations

import numpy as np

from forceratio import BattleResult, battle


def test_an_exact_draw_fought_to_zero_is_undecided_as_in_the_closed_form() -> None:
    # main: the integrator ended it by annihilation at t = 2701.8 with 1.8e-9 a side left
    exact = battle("square", 1000, 1000, 0.01, 0.01, t_max=1e4, annihilation=0.0,
                   method="closed_form")  # fmt: skip
    r = battle("square", 1000, 1000, 0.01, 0.01, t_max=1e4, annihilation=0.0,
               method="integrator")  # fmt: skip
    assert exact.end_reason[0] == "t_max"
    assert abs(exact.red_final[0] / (1000 * np.exp(-100.0)) - 1) < 1e-12
    assert r.end_reason[0] == "t_max"
    assert r.winner[0] is None
    assert np.isnan(r.duration[0])
    assert r.red_final[0] < 1e-6
    assert r.blue_final[0] < 1e-6


def test_a_level_of_zero_crossed_by_the_path_still_ends_the_battle() -> None:
    def fight(law: str, red: float, blue: float, rate: float) -> BattleResult:
        return battle(law, red, blue, rate, rate, t_max=1e4, annihilation=0.0,
                      method="integrator")  # fmt: skip

    both = fight("ancient", 1000, 1000, 10.0)  # both at 0 on day 100
    assert both.end_reason[0] == "annihilation"
    assert abs(both.duration[0] - 100.0) < 1e-6
    one = fight("square", 1000, 800, 0.01)  # blue out at atanh(0.8) / 0.01
    assert one.winner[0] == "red"
    assert abs(one.duration[0] - np.arctanh(0.8) / 0.01) < 1e-5

"""The battles the parametric bootstrap draws (:func:`forceratio.fitting.bootstrap.draw_battles`)
follow the law exactly where no noise is drawn.

Oracles: the closed forms of the square law (Lanchester 1916: R(t) = R0 cosh(g t) - B0
sqrt(b/a) sinh(g t), g = sqrt(a b); blue wiped out at atanh(B0 sqrt(b) / (R0 sqrt(a))) / g,
red left with sqrt(R0**2 - (b/a) B0**2)) and of the linear law (dR/dt = -b B R, dB/dt =
-a R B: a R - b B = k is constant, so R is logistic, R(t) = k R0 / (a R0 - b B0 exp(-k t))).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from forceratio.errors import InputError
from forceratio.fitting import read_battle
from forceratio.fitting.bootstrap import draw_battles
from forceratio.fitting.estimate import Objective
from forceratio.fitting.model import law_spec, physical_rates

R0, B0, DAYS = 1000.0, 800.0, 8


def _drawn(law: str, a: float, b: float) -> tuple[list[float], list[float], list[float]]:
    """One noiseless draw of red (seen every day) against blue (seen at the start and at
    its annihilation on the last day) with red's rate ``a`` and blue's ``b`` (the engine's
    units): its days, red's and blue's reports."""
    df = pd.DataFrame(
        {
            "day": np.arange(DAYS + 1),
            # red's later reports carry decimals to a millionth: the draws are written to a
            # millionth of a man (tests/fitting/test_bootstrap_rounding.py), atol below
            "red": [R0] + [R0 / 3] * DAYS,
            "blue": [B0] + [math.nan] * (DAYS - 1) + [0.0],
        }
    )
    battle = read_battle(df)
    spec = law_spec(law)
    sr, sb = battle.scale
    p, q = 1.0, 0.0 if law == "square" else 1.0  # the exponents (forceratio.simulator.laws)
    theta = np.array([math.log(a * sr**p * sb**q / sb), math.log(b * sb**p * sr**q / sr)])
    assert physical_rates(battle, spec, theta) == pytest.approx((a, b), rel=1e-12)
    zero = (np.zeros(1), np.zeros(1))
    (sim,) = draw_battles(Objective(battle, spec, None), theta, zero, np.random.default_rng(0))
    return list(sim.t), list(sim.red), list(sim.blue)


def test_a_drawn_square_law_battle_is_the_closed_form() -> None:
    a, b = 0.3, 0.2  # blue is wiped out on day 3.18, within the day's step
    g = math.sqrt(a * b)
    t_star = math.atanh(B0 * math.sqrt(b) / (R0 * math.sqrt(a))) / g
    left = math.sqrt(R0**2 - b / a * B0**2)
    t, red, blue = _drawn("square", a, b)
    assert t == [0.0, 1.0, 2.0, 3.0, 4.0]  # the draw ends on the first day blue is at 0
    exact = [
        R0 * math.cosh(g * d) - B0 * math.sqrt(b / a) * math.sinh(g * d) if d < t_star else left
        for d in t
    ]
    np.testing.assert_allclose(red, exact, rtol=1e-10, atol=5e-7)
    assert blue[-1] == 0.0


def test_a_drawn_linear_law_battle_is_the_closed_form() -> None:
    a, b = 0.002, 0.0005  # blue falls as exp(-1.6 t): below a millionth of a man on day 13
    k = a * R0 - b * B0
    t, red, _ = _drawn("linear", a, b)
    assert len(t) > DAYS  # blue never reaches 0: the series is extended
    exact = [k * R0 / (a * R0 - b * B0 * math.exp(-k * d)) for d in t[:-1]]
    np.testing.assert_allclose(red[:-1], exact, rtol=1e-10, atol=5e-7)


def test_a_law_without_a_closed_form_is_refused_by_name() -> None:
    # from the CLI check_applies refuses first; called directly, draw_battles names the law
    df = pd.DataFrame({"day": np.arange(3), "red": [R0, 900.0, 800.0], "blue": [B0, 700.0, 600.0]})
    battle = read_battle(df)
    theta = np.array([math.log(0.01), math.log(0.01), 0.5])  # helmbold: two rates and w
    zero = (np.zeros(1), np.zeros(1))
    with pytest.raises(InputError, match="not helmbold") as info:
        draw_battles(Objective(battle, law_spec("helmbold"), None), theta, zero,
                     np.random.default_rng(0))  # fmt: skip
    assert info.value.field == "law"

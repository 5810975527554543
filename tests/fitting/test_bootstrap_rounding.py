"""The parametric bootstrap draws its reports with the variance the fit assumes: the
measurement noise, sd ``sigma_m`` times the level, plus the rounding of the series' last
digit, variance unit**2 / 12 (:func:`forceratio.fitting.error_model.rounding`).  The draws
left the rounding out (reports with decimals of a man, and refits that read no unit).

Oracle: a first row the fit estimates is drawn as the fitted initial strength plus noise, so
its error is known without the model's path; a uniform rounding error of a unit u has
variance u**2 / 12 (independent of a Gaussian error whose sd is at least half the unit:
Sheppard's correction, exact to ~exp(-2 pi**2 sd**2 / u**2)).  The mean of the squared
standardised errors over N draws is 1 within a few times sqrt(var(z**2) / N)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from forceratio.fitting import read_battle
from forceratio.fitting.bootstrap import draw_battles
from forceratio.fitting.estimate import Objective
from forceratio.fitting.model import free_initial, law_spec

R0, B0, DAYS, DRAWS = 1000.0, 800.0, 8, 6000


def test_drawn_reports_carry_the_rounding_variance_the_fit_assumes() -> None:
    df = pd.DataFrame(
        {
            "day": np.arange(DAYS + 1),
            "red": [R0 - 40.0 * d for d in range(DAYS + 1)],
            "blue": [B0] + [math.nan] * (DAYS - 1) + [0.0],
        }
    )
    battle = read_battle(df)
    spec = law_spec("square", False, free_initial(battle))
    assert spec.names[2:] == ("red_initial", "blue_initial")
    sr, sb = battle.scale
    theta = np.array([math.log(0.3), math.log(0.2), R0 / sr, B0 / sb])
    sd_men = 0.5  # the measurement sd of red's first report, men: sigma_m * R0
    sm = np.full(DRAWS, sd_men / R0)
    sims = draw_battles(
        Objective(battle, spec, None), theta, (sm, np.zeros(DRAWS)), np.random.default_rng(7)
    )
    first = np.array([s.red[0] for s in sims])
    assert np.all(first == np.round(first))  # written to the whole man, as the series is
    z2 = (first - R0) ** 2 / (sd_men**2 + 1.0 / 12.0)
    # z = (g + r) / sqrt(s**2 + 1/12), g ~ N(0, s**2), r ~ U(-1/2, 1/2) independent:
    # E z**4 = (3 s**4 + 6 s**2 / 12 + 1/80) / (s**2 + 1/12)**2
    s2 = sd_men**2
    var_z2 = (3 * s2**2 + 6 * s2 / 12 + 1 / 80) / (s2 + 1 / 12) ** 2 - 1.0
    bound = 4.0 * math.sqrt(var_z2 / DRAWS)
    assert abs(float(z2.mean()) - 1.0) < bound, (float(z2.mean()), bound)

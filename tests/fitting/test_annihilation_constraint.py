"""The annihilation row of a fit is a constraint, not a loose observation (review19a's
surviving mutant E4): where blue is seen only at the start and at its annihilation, the
fitted square-law model must bring blue to 0 on that day.  Oracle: the fit's own
parameters (rates and fitted initial strengths) integrated by solve_ivp, independently of
the fitting model; the data are synthetic, from the closed form with noise on red."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp

from forceratio.fitting import FitResult, fit
from forceratio.fitting.estimate import ANNIHILATION_SD


def test_the_fitted_path_reaches_zero_on_the_annihilation_day() -> None:
    r0, b0, a, b = 1000.0, 800.0, 0.01, 0.012
    om = np.sqrt(a * b)
    t_end = float(np.arctanh(np.sqrt(b / a) * b0 / r0) / om)  # blue's annihilation day
    days = np.array([0.0, 20.0, 40.0, 60.0, 80.0, 100.0, t_end])
    red = r0 * np.cosh(om * days) - np.sqrt(b / a) * b0 * np.sinh(om * days)
    red[1:] *= np.exp(np.random.default_rng(4).normal(0.0, 0.03, days.size - 1))
    blue = np.full(days.size, np.nan)
    blue[0], blue[-1] = b0, 0.0
    f = fit(pd.DataFrame({"day": days, "red": red, "blue": blue}), "square")
    assert isinstance(f, FitResult)
    start = {d["side"]: d["fitted"] for d in f.residuals if d["day"] == 0.0}

    def rhs(_t: float, y: np.ndarray) -> list[float]:
        return [-f.blue_rate * y[1], -f.red_rate * y[0]]

    sol = solve_ivp(rhs, (0.0, t_end), [start["red"], start["blue"]], method="DOP853",
                    rtol=1e-12, atol=1e-9)  # fmt: skip
    # within 10 constraint sds of 0 (blue's scale is its first count, 800)
    assert abs(sol.y[1, -1]) < 10 * ANNIHILATION_SD * b0
    assert abs(start["blue"] - b0) < 0.01 * b0  # blue's start is observed, and kept

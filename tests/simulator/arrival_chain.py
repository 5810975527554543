"""review16gen's square-law battle with daily arrivals (CDB90 468-like) and the exact
first two moments of its Markov chain: the oracle of the stochastic engines' losses
(``test_stochastic_losses``) and of tau-leaping's spread and correlation
(``test_leap_stages``)."""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from forceratio import Engagement, Reinforcements, get_law, make_side

# review16gen's case (CDB90 468-like): red 1,500 + 700 arriving, blue 700 + 1,000, 5.3125 days
T, R0, B0, AR, AB, A, B = 5.3125, 1500.0, 700.0, 700.0, 1000.0, 0.0221715, 0.0160853


def arrival_engagement(a: float, b: float) -> Engagement:
    """review16gen's battle at kill rates ``a`` (red's) and ``b`` (blue's), square law."""
    red = make_side("red", R0, a, n=1, k_enemy=1,
                    reinforcements=Reinforcements.daily(0.0, T, [AR / T]))  # fmt: skip
    blue = make_side("blue", B0, b, n=1, k_enemy=1,
                     reinforcements=Reinforcements.daily(0.0, T, [AB / T]))  # fmt: skip
    return Engagement(get_law("square"), red, blue)


def chain_moments() -> tuple[np.ndarray, np.ndarray]:
    """Mean (4,) and covariance (4, 4) at T of the exact chain on X = (R, B, LR, LB):
    red loses a unit at rate B * B_rate, blue at A * R, arrivals at AR / T and AB / T a day.
    Propensities c + g.X, so dm/dt = sum v (c + g.m) and
    dE[XX']/dt = sum v (c m + E[XX'] g)' + (c m + E[XX'] g) v' + v v' (c + g.m)."""
    zero = np.zeros(4)
    react = [  # (v, c, g)
        (np.array([-1.0, 0, 1, 0]), 0.0, np.array([0.0, B, 0, 0])),
        (np.array([0.0, -1, 0, 1]), 0.0, np.array([A, 0.0, 0, 0])),
        (np.array([1.0, 0, 0, 0]), AR / T, zero),
        (np.array([0.0, 1, 0, 0]), AB / T, zero),
    ]

    def rhs(_: float, z: np.ndarray) -> np.ndarray:
        m, mm = z[:4], z[4:].reshape(4, 4)
        dm, dmm = np.zeros(4), np.zeros((4, 4))
        for v, c, g in react:
            ax = c * m + mm @ g  # E[a(X) X]
            dm += v * (c + g @ m)
            dmm += np.outer(v, ax) + np.outer(ax, v) + np.outer(v, v) * (c + g @ m)
        return np.concatenate([dm, dmm.ravel()])

    m0 = np.array([R0, B0, 0.0, 0.0])
    sol = solve_ivp(rhs, (0.0, T), np.concatenate([m0, np.outer(m0, m0).ravel()]),
                    rtol=1e-11, atol=1e-9)  # fmt: skip
    m, mm = sol.y[:4, -1], sol.y[4:, -1].reshape(4, 4)
    return m, mm - np.outer(m, m)

"""Synthetic daily series with known rates, from ``scipy.integrate.solve_ivp`` (an oracle
independent of the fitting model): arrivals, measurement noise and day-to-day variation in
the losses."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp


def series(
    red_rate: float,
    blue_rate: float,
    *,
    p: float = 1.0,
    q: float = 0.0,
    red0: float = 10000.0,
    blue0: float = 8000.0,
    days: int = 20,
    red_arrivals: dict[int, float] | None = None,
    noise: float = 0.0,
    loss_noise: float = 0.0,
    seed: int = 0,
    attack: list[int] | None = None,
    attack_factor: float = 1.0,
    noisy_first: bool = False,
    noise_ar: float = 0.0,
) -> pd.DataFrame:
    """Strengths at days 0..days.  ``red_arrivals[d]`` men join right after day d's
    observation (the after-observation convention).  ``noise``: multiplicative measurement
    error exp(N(0, noise**2)); ``loss_noise``: each day's losses of each side multiplied by
    exp(N(0, loss_noise**2) - loss_noise**2 / 2) (mean one).  ``attack[d]`` (+1 red,
    -1 blue) for the day ending at d + 1 multiplies the attacker's losses by ``attack_factor``.
    ``noisy_first``: the first row reported with the same noise as the others (else exact);
    ``noise_ar``: the log measurement errors an AR(1) series with that lag-one correlation
    (stationary, sd ``noise``) instead of independent."""
    rng = np.random.default_rng(seed)
    arrivals = red_arrivals or {}
    y = np.array([red0, blue0], dtype=float)
    out = [y.copy()]
    for d in range(days):
        y = y + np.array([arrivals.get(d, 0.0), 0.0])
        fr = attack_factor if attack is not None and attack[d] > 0 else 1.0
        fb = attack_factor if attack is not None and attack[d] < 0 else 1.0

        def rhs(_t: float, s: np.ndarray, fr: float = fr, fb: float = fb) -> list[float]:
            r, b = np.maximum(s, 0.0)
            fire_b = b**p if b > 0 else 0.0
            fire_r = r**p if r > 0 else 0.0
            tr = r**q if r > 0 else (1.0 if q == 0 else 0.0)
            tb = b**q if b > 0 else (1.0 if q == 0 else 0.0)
            return [-fr * blue_rate * fire_b * tr, -fb * red_rate * fire_r * tb]

        sol = solve_ivp(rhs, (d, d + 1), y, rtol=1e-11, atol=1e-8)
        new = np.maximum(sol.y[:, -1], 0.0)
        if loss_noise:
            # a mean-one factor: the rate stays the mean loss rate
            loss = (y - new) * np.exp(rng.normal(0.0, loss_noise, 2) - 0.5 * loss_noise**2)
            new = np.maximum(y - loss, 0.0)
        y = new
        out.append(y.copy())
    arr = np.array(out)
    if noise:
        first = 0 if noisy_first else 1  # the draws of the exact-first-row series unchanged
        z = rng.normal(0.0, noise, arr[first:].shape)
        for i in range(1, len(z)):
            z[i] = noise_ar * z[i - 1] + np.sqrt(1.0 - noise_ar**2) * z[i]
        arr[first:] *= np.exp(z)
    df = pd.DataFrame({"day": np.arange(days + 1.0), "red": arr[:, 0], "blue": arr[:, 1]})
    df["red_reinforcements"] = [arrivals.get(d, 0.0) for d in range(days + 1)]
    if attack is not None:
        df["attacker"] = [""] + ["red" if a > 0 else "blue" if a < 0 else "" for a in attack]
    return df


def to_in_observation(df: pd.DataFrame) -> pd.DataFrame:
    """The same battle written with each day's strength including that day's arrivals: the
    arrivals listed after day d's observation move to row d + 1."""
    out = df.copy()
    out["red_reinforcements"] = np.concatenate([[0.0], df["red_reinforcements"].to_numpy()[:-1]])
    return out

"""An independent scalar implementation of the engine's equations, integrated with
``scipy.integrate.solve_ivp`` at tight tolerances: the oracle for laws and inputs that
have no closed form.  It shares no code with ``forceratio.simulator``."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import solve_ivp

Vec = NDArray[np.float64]


def fire(x: Vec, p: float) -> Vec:
    out: Vec = np.where(x > 0, np.maximum(x, 0.0) ** p, 0.0)
    return out


def loss(fire_s: Vec, kill: Vec, target: Vec, w: Vec, q: float) -> Vec:
    """Proportional allocation by weighted target strength (Side docstring)."""
    t = np.maximum(target, 0.0)
    wt = w * t
    S = wt.sum()
    incoming = fire_s @ kill
    if S <= 0:
        return np.zeros_like(t)
    out: Vec = incoming * (wt / S) * S**q
    return out


def solve(
    R0: Vec,
    B0: Vec,
    kill_r: Vec,
    kill_b: Vec,
    *,
    red_pq: tuple[float, float] = (1.0, 0.0),
    blue_pq: tuple[float, float] = (1.0, 0.0),
    w_r: Vec | None = None,
    w_b: Vec | None = None,
    mult_r: Callable[[float], float] = lambda t: 1.0,
    mult_b: Callable[[float], float] = lambda t: 1.0,
    rate_r: Callable[[float], Vec] | None = None,
    rate_b: Callable[[float], Vec] | None = None,
    level_r: float = 0.0,
    level_b: float = 0.0,
    t_max: float = 100.0,
    pieces: tuple[float, ...] = (),
    impulses_r: dict[float, Vec] | None = None,
    t_eval: Vec | None = None,
) -> tuple[float | None, Vec, Vec, dict[float, Vec]]:
    """Integrate one battle; returns (end time or None, final R, final B, states at t_eval).

    ``pieces`` are times where inputs change (integration restarts there);
    ``impulses_r`` adds arrivals to red at given times.
    """
    kr = len(R0)
    w_r = np.ones(kr) if w_r is None else w_r
    w_b = np.ones(len(B0)) if w_b is None else w_b

    def rhs(t: float, y: Vec) -> Vec:
        R, B = y[:kr], y[kr:]
        dR = -loss(fire(B, red_pq[0]), kill_b, R, w_r, red_pq[1]) * mult_b(t)
        dB = -loss(fire(R, blue_pq[0]), kill_r, B, w_b, blue_pq[1]) * mult_r(t)
        if rate_r is not None:
            dR = dR + rate_r(t)
        if rate_b is not None:
            dB = dB + rate_b(t)
        return np.concatenate([dR, dB])

    def ev_r(t: float, y: Vec) -> float:
        return float(w_r @ y[:kr] - level_r)

    def ev_b(t: float, y: Vec) -> float:
        return float(w_b @ y[kr:] - level_b)

    ev_r.terminal = True  # type: ignore[attr-defined]
    ev_b.terminal = True  # type: ignore[attr-defined]
    ev_r.direction = -1  # type: ignore[attr-defined]
    ev_b.direction = -1  # type: ignore[attr-defined]
    cuts = sorted({0.0, *[p for p in pieces if 0 < p < t_max], t_max, *(impulses_r or {}).keys()})
    cuts = [c for c in cuts if c <= t_max]
    y = np.concatenate([R0, B0]).astype(float)
    samples: dict[float, Vec] = {}
    t_eval = np.zeros(0) if t_eval is None else t_eval
    for a, b in itertools.pairwise(cuts):
        if impulses_r and a in impulses_r and a > 0:
            y[:kr] += impulses_r[a]
        sol = solve_ivp(
            rhs,
            (a, b),
            y,
            method="DOP853",
            rtol=1e-12,
            atol=1e-10,
            events=(ev_r, ev_b),
            dense_output=True,
        )
        for t in t_eval:
            if a <= t <= sol.t[-1]:
                samples[float(t)] = sol.sol(t)
        if sol.status == 1:
            t_end = float(sol.t_events[0][0] if sol.t_events[0].size else sol.t_events[1][0])
            y_end = sol.y_events[0][0] if sol.t_events[0].size else sol.y_events[1][0]
            return t_end, y_end[:kr], y_end[kr:], samples
        y = sol.y[:, -1]
    return None, y[:kr], y[kr:], samples

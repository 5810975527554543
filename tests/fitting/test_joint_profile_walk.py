"""The joint fit's profile interval ends where the profile crosses its level (hjoint21).

Three synthetic Helmbold battles (``synth.series``, from ``solve_ivp``; w = 0.7 shared, 25
days, 1% measurement noise and 0.2 day-to-day loss noise; hstat21's coverage study, seed
508).  Before the fix the profile walk doubled its step from w + 0.02 to w + 0.06, the inner
fit from that far start landed in another (higher) optimum of battle 1's rates, the profile
seemed to jump from -3.6 to +14 and the upper end was cut at w + 0.06 (0.7641); the profile,
followed in small steps, crosses at about 0.7784.

Oracle: the profile of w computed here by a separate loop (scipy.optimize.minimize, L-BFGS-B,
with a gradient from batched forward differences), on a grid of w from the estimate upwards,
each point the best of two starts: the previous point's solution and the battles' own single
fits; its crossing of the level read by linear interpolation between grid points.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, stats

from forceratio.fitting import read_battle
from forceratio.fitting.daily import fit_laws_state
from forceratio.fitting.estimate import Objective
from forceratio.fitting.joint import JointObjective, fit_battles, joint_spec
from tests.fitting.synth import series

W = 0.7
SETUPS = [(10000, 8000, 0.04, 0.06), (20000, 6000, 0.03, 0.08), (6000, 9000, 0.06, 0.04)]


def _battles(seed: int) -> list:  # type: ignore[type-arg]
    return [
        read_battle(
            series(
                a,
                b,
                p=W,
                q=1 - W,
                red0=r0,
                blue0=b0,
                days=25,
                noise=0.01,
                loss_noise=0.2,
                seed=1000 * seed + i,
            )
        )
        for i, (r0, b0, a, b) in enumerate(SETUPS)
    ]


def _oracle_profile(battles: list, w_hat: float, grid: np.ndarray) -> tuple[float, np.ndarray, int]:  # type: ignore[type-arg]
    """(minimum cost, profile costs on ``grid``, n): a plain loop, not the package's walk."""
    parts, own, n = [], [], 0
    for b in battles:
        spec, single, nz, n_b = fit_laws_state(b, "helmbold")
        parts.append(Objective(b, spec, nz.whiten))
        own.append(single.theta)
        n += n_b
    js = joint_spec([p.spec for p in parts], ("w",))
    obj = JointObjective(tuple(parts), js)
    own_start = np.empty(js.k)
    for o, ix in zip(own, js.index, strict=True):
        own_start[list(ix)] = o
    bounds = list(zip(js.lower[1:], js.upper[1:], strict=True))

    def profile(w: float, starts: list[np.ndarray]) -> tuple[float, np.ndarray]:
        def fg(x: np.ndarray) -> tuple[float, np.ndarray]:
            h = 1e-7 * np.maximum(1.0, np.abs(x))
            pts = np.tile(np.concatenate([[w], x]), (x.size + 1, 1))
            pts[1:, 1:] += np.diag(h)
            r = obj.residuals(pts)
            jac = (r[1:] - r[0]) / h[:, None]
            return float(r[0] @ r[0]), 2.0 * jac @ r[0]

        best = (np.inf, starts[0])
        for s in starts:
            x0 = np.clip(s[1:], js.lower[1:] + 1e-9, js.upper[1:] - 1e-9)
            opts = {"ftol": 1e-13, "gtol": 1e-9, "maxiter": 500}
            res = optimize.minimize(
                fg, x0, jac=True, method="L-BFGS-B", bounds=bounds, options=opts
            )
            if res.fun < best[0]:
                best = (float(res.fun), np.concatenate([[w], res.x]))
        return best

    c_min, prev = profile(w_hat, [own_start])
    costs = []
    for w in grid:
        c, prev = profile(float(w), [prev, own_start])
        costs.append(c)
    return min(c_min, *costs), np.array(costs), n


@pytest.mark.slow  # the joint fit (~20 s) and the oracle's 17 profile points: ~1 min alone
def test_upper_end_is_where_the_profile_crosses_its_level_seed_508() -> None:
    battles = _battles(508)
    out = fit_battles(battles, "helmbold", ("w",))
    w_hat, (_, high) = out["w"], out["w_ci"]
    grid = w_hat + np.arange(0.005, 0.0851, 0.005)
    c_min, costs, n = _oracle_profile(battles, w_hat, grid)
    dof = n - 13  # w and each battle's two rates and two initial strengths
    level = c_min + c_min / dof * stats.f.ppf(0.95, 1, dof)
    above = np.flatnonzero(costs > level)
    assert above.size > 0  # the oracle's profile crosses inside its grid
    assert above[0] > 0
    j = above[0]
    oracle_high = grid[j - 1] + (grid[j] - grid[j - 1]) * (level - costs[j - 1]) / (
        costs[j] - costs[j - 1]
    )
    assert np.all(costs[j:] > level)  # one crossing: no later dip back below
    assert high == pytest.approx(oracle_high, abs=1e-3), (high, oracle_high)

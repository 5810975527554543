"""A side held at 0 with arrivals under a law whose losses fall with it (0 < q < 1) rises
to its balance X* = (a / c)**(1/q) and relaxes there at q a / X* a day; where X* is above
the strength the run resolves but small, that is beyond an explicit step.
Before: a held side of 6 a day under 100 at 0.1 per unit, q 0.023-0.029
(X* 2.3e-8 to 2.2e-6), was refused as "stiff or degenerate" after 200,000 steps.  Now it
is held on its balance (held.settle, held.settled_rates).

Oracle: scipy's solve_ivp with Radau (implicit, stiff) on the same equations, rtol 1e-12:
the other side's path and the end time match; the held side is within its tolerance (the
run's: atol + rtol x its strength, and where X* is below the strength the run resolves,
1e-3 rtol x 100, it is at 0 as before, heng21)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import Engagement, Reinforcements, get_law, make_side
from forceratio.simulator.schedules import Multiplier
from forceratio.simulator.solve import integrate

R0, KR, KB, A, DUE, RTOL = 100.0, 0.1, 0.2, 6.0, 10.0, 1e-7  # as in the heng20/21 tests
TIMES = np.array([0.0, 0.5, 1.0, 2.5, 5.0, 7.5, 9.5])
ZERO = 1e-3 * RTOL * R0  # the strength the run resolves (integrator.run_chunk)


def _radau(rhs: Callable[[float, np.ndarray], list[float]], y0: list[float], t_end: float,
           times: np.ndarray, t0: float = 0.0) -> np.ndarray:  # fmt: skip
    sol = solve_ivp(rhs, (t0, t_end), y0, method="Radau", rtol=1e-12,
                    atol=[1e-12] + [1e-24] * (len(y0) - 1), t_eval=times)  # fmt: skip
    assert sol.status == 0
    return np.asarray(sol.y)


@pytest.mark.parametrize(
    ("law", "q"),
    [("helmbold", 0.021), ("helmbold", 0.025), ("helmbold", 0.029), ("helmbold", 0.03),
     ("helmbold", 0.05), ("power", 0.029), ("power", 0.03)],
)  # fmt: skip
def test_a_held_side_on_a_stiff_balance_follows_radau(law: str, q: float) -> None:
    # main: q 0.025 and 0.029 (Helmbold) refused as "stiff or degenerate"
    p = 1.0 - q if law == "helmbold" else 1.0
    red = make_side("red", R0, KR, n=1, k_enemy=1)
    blue = make_side("blue", 0.0, KB, n=1, k_enemy=1,
                     reinforcements=Reinforcements.daily(0.0, DUE, [A]))  # fmt: skip
    exps = {"w": 1.0 - q} if law == "helmbold" else {"p": 1.0, "q": q}
    eng = Engagement(get_law(law, **exps), red, blue)

    def rhs(t: float, y: np.ndarray) -> list[float]:
        r, b = max(y[0], 0.0), max(y[1], 0.0)
        return [-KB * b**p * r**q, A - KR * r**p * b**q]

    want = _radau(rhs, [R0, 0.0], DUE, TIMES)
    b_star = (A / (KR * R0**p)) ** (1.0 / q)
    res = integrate(eng, t_max=30.0, times=TIMES, rtol=RTOL)
    assert res.red_trajectory is not None
    assert res.blue_trajectory is not None
    np.testing.assert_allclose(res.red_trajectory[0, :, 0], want[0], rtol=RTOL)
    held, tol = res.blue_trajectory[0, :, 0], RTOL * want[1] + 1e-14
    if b_star <= ZERO:  # at 0 within the run's resolution (heng21)
        tol = tol + ZERO
    np.testing.assert_array_less(np.abs(held - want[1]), tol)
    assert held[0] == 0.0  # the start, not the balance it goes to
    assert res.winner[0] == "red"  # out at its last arrival (held till then), below 0.5
    assert res.duration[0] == DUE


def test_a_two_category_side_on_its_balance_as_arrivals_drop_and_the_fire_decays() -> None:
    # blue's two categories (weights 1, 2; red kills 0.1 and 0.3 per unit) arrive at 4 and
    # 7.3 a day, 2% fewer from day 5 (its balance falls 0.98**40 = 0.45 at once); red's
    # fire falls linearly from 1.1 times to 1 over 10 days (X* rises as m**(-1/q), 45
    # times): X* 5e-8 to 1e-6.  q 0.025 (Helmbold w 0.975); main: "stiff or degenerate"
    q = 0.025
    p, kill, w, a = 1.0 - q, np.array([0.1, 0.3]), np.array([1.0, 2.0]), np.array([4.0, 7.3])
    knots = np.array([0.0, 5.0, DUE])
    per_day = np.stack([a, 0.98 * a])[None]  # (1, 2 pieces, 2 categories)
    arrivals = Reinforcements(np.zeros(0), np.zeros((0, 2)), knots, per_day)
    red = make_side("red", R0, kill[None, :], n=1, k_enemy=2,
                    multiplier=Multiplier.linear_decay(1.1, 10.0))  # fmt: skip
    blue = make_side("blue", [0.0, 0.0], [[KB], [KB]], n=1, k_enemy=1, weights=w,
                     categories=("foot", "guns"), reinforcements=arrivals)  # fmt: skip
    eng = Engagement(get_law("helmbold", w=1.0 - q), red, blue)

    def piece(come: np.ndarray) -> Callable[[float, np.ndarray], list[float]]:
        def rhs(t: float, y: np.ndarray) -> list[float]:
            r, b = max(y[0], 0.0), np.maximum(y[1:], 0.0)
            total = float((w * b).sum())
            share = w * b / total if total > 0.0 else np.zeros(2)
            m = 1.1 - 0.1 * t / 10.0
            lost_b = m * kill * r**p * share * total**q  # proportional fire (kernel.categories)
            lost_r = KB * float((b**p).sum()) * r**q  # each blue unit fires, unweighted
            return [-lost_r, *(come - lost_b)]

        return rhs

    times = np.array([0.0, 1.0, 4.5, 4.9, 6.0, 9.0, 9.9])
    first = _radau(piece(a), [R0, 0.0, 0.0], 5.0, np.append(times[times < 5.0], 5.0))
    second = _radau(piece(0.98 * a), list(first[:, -1]), DUE, times[times > 5.0], 5.0)
    want = np.hstack([first[:, :-1], second])
    x_star = (w * want[1:].T).sum(axis=1)
    assert x_star[1] > 4e-8  # above the run's 1e-8 ...
    assert x_star[-1] < 2e-6  # ... and stiff
    res = integrate(eng, t_max=30.0, times=times, rtol=RTOL)
    assert res.red_trajectory is not None
    assert res.blue_trajectory is not None
    np.testing.assert_allclose(res.red_trajectory[0, :, 0], want[0], rtol=RTOL)
    got = res.blue_trajectory[0]
    # the quasi-steady state lags the true path by X*'s change over 1/rate: O(1/rate), here
    # d ln X*/dt ~ 0.4 a day against q a / X* ~ 7e5 (measured: 1.3e-6 of it, 9e-13 at most)
    err = np.abs(got - want[1:].T)
    np.testing.assert_array_less(err, 1e-5 * want[1:].T + 1e-14)
    assert err.max() < ZERO * 1e-3
    assert res.winner[0] == "red"
    assert res.duration[0] == DUE

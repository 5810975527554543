"""Step control near a stop: a first step that falls one rounding short of ``t_max``.

The first step is FIRST_STEP_FRACTION (0.02) of a side's time scale; under the mixed law
red's is 1 / (b B0), so with b B0 = 1e-4 it is 200 days, computed as 200 - 1 ulp.  That
step stops 2.8e-14 days short of t_max = 200 and the last step, to land on t_max, was
taken for a collapse of the step size (ForceratioError "a step below the smallest step").
The oracle is scipy's solve_ivp on the same equations, written here from the laws'
definitions (dR/dt = -b B^rp R^rq, dB/dt = -a R^bp B^bq), and for the mixed law also
Deitchman's invariant b B^2 - 2 a R.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import Engagement, Reinforcements, battle, get_law, make_side, simulate

MIXED = (1.0, 1.0, 1.0, 0.0)  # dR/dt = -b B R, dB/dt = -a R (Deitchman 1962)
# (law, R0, B0, a, b, t_max, law parameters, exponents red_p, red_q, blue_p, blue_q)
Case = tuple[str, float, float, float, float, float, dict[str, float], tuple[float, ...]]
CASES: list[Case] = [
    ("mixed", 69.0, 65586.0, 0.0625, 1e-4 / 65586, 200.0, {}, MIXED),
    (  # from a random scan with b set so that 0.02 * red's scale = t_max
        "power", 12577.0, 23231.0, 0.00011823945761746351, 4.039626295846801e-05, 115.0,
        {"p": 1.001157873092876, "q": 0.08841028303989351},
        (1.001157873092876, 0.08841028303989351, 1.001157873092876, 0.08841028303989351),
    ),
    (
        "helmbold", 3781.0, 56526.0, 0.0005194711111458329, 0.00013715484979710308, 15.0,
        {"w": 0.840875708159621},
        (0.840875708159621, 1 - 0.840875708159621, 0.840875708159621, 1 - 0.840875708159621),
    ),
]  # fmt: skip


def _oracle(
    R0: float, B0: float, a: float, b: float, t_max: float, e: tuple[float, ...]
) -> np.ndarray:
    rp, rq, bp, bq = e

    def rhs(_t: float, y: np.ndarray) -> list[float]:
        R, B = max(y[0], 0.0), max(y[1], 0.0)
        return [-b * B**rp * R**rq, -a * R**bp * B**bq]

    sol = solve_ivp(rhs, (0.0, t_max), [R0, B0], method="DOP853", rtol=1e-12, atol=1e-9)
    assert sol.success
    final: np.ndarray = sol.y[:, -1]
    return final


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_first_step_one_rounding_short_of_t_max_finishes(case: Case) -> None:
    law, R0, B0, a, b, t_max, params, e = case
    p, q, w = (params.get(k) for k in "pqw")
    r = battle(law, R0, B0, a, b, t_max=t_max, method="integrator", p=p, q=q, w=w)
    assert r.winner[0] is None
    assert np.isnan(r.duration[0])
    assert r.end_time[0] == t_max
    want = _oracle(R0, B0, a, b, t_max, e)
    got = np.array([r.red_final[0], r.blue_final[0]])
    np.testing.assert_allclose(got, want, rtol=1e-6)
    if law == "mixed":  # Deitchman: b B^2 - 2 a R is constant while both stand
        inv0, inv = b * B0**2 - 2 * a * R0, b * got[1] ** 2 - 2 * a * got[0]
        assert abs(inv - inv0) <= 1e-6 * max(b * B0**2, 2 * a * R0)


def test_a_first_step_one_rounding_short_of_an_arrival_finishes() -> None:
    # the same sliver before a stop inside the run: 10 blue units arrive on day 200
    a, b = 0.0625, 1e-4 / 65586
    reinf = Reinforcements(np.array([200.0]), np.array([[10.0]]), np.zeros(0), np.zeros((0, 1)))
    eng = Engagement(
        get_law("mixed"),
        make_side("red", 69.0, a, n=1, k_enemy=1),
        make_side("blue", 65586.0, b, n=1, k_enemy=1, reinforcements=reinf),
    )
    r = simulate(eng, t_max=365.0)
    mid = _oracle(69.0, 65586.0, a, b, 200.0, MIXED)
    want = _oracle(mid[0], mid[1] + 10.0, a, b, 165.0, MIXED)  # autonomous: restart at 0
    assert np.isnan(r.duration[0])
    np.testing.assert_allclose([r.red_final[0], r.blue_final[0]], want, rtol=1e-6)

"""Oracle tests of kernel branches no other test reached (review19a's surviving mutants K1,
K3, K4, K5): the square root of the Helmbold law at w = 1/2, a multiplier ramp that starts
after day 0, several categories under a power law with 0 < q < 1, and a fixed fire
allocation.  The oracles are a closed form (quadrature) and scipy's solve_ivp on the
documented equations, written here without the engine's code."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad, solve_ivp

from forceratio.simulator.battle import battle
from forceratio.simulator.engagement import Engagement, make_side
from forceratio.simulator.laws import get_law
from forceratio.simulator.schedules import Multiplier
from forceratio.simulator.solve import simulate
from tests import oracle


@pytest.mark.parametrize("law", ["helmbold", "power"])
def test_helmbold_at_one_half_keeps_its_invariant_and_its_quadrature_time(law: str) -> None:
    """dR/dt = -b sqrt(B R), dB/dt = -a sqrt(R B): dR/dB = b/a, so R - (b/a) B = C stays
    constant, and the time for blue to fall from B0 to B is the integral of
    dB / (a sqrt(B (C + (b/a) B))) (quad), with no integrator in the oracle."""
    r0, b0, a, b = 1000.0, 800.0, 0.01, 0.012
    times = np.array([5.0, 20.0, 50.0, 90.0])
    helmbold = law == "helmbold"
    res = battle(
        law, r0, b0, a, b, t_max=100.0, times=times, w=0.5 if helmbold else None,
        p=None if helmbold else 0.5, q=None if helmbold else 0.5,
    )  # fmt: skip
    assert res.red_trajectory is not None
    assert res.blue_trajectory is not None
    red, blue = res.red_trajectory[0, :, 0], res.blue_trajectory[0, :, 0]
    k = b / a
    c = r0 - k * b0  # 40: red ends with 40 when blue is gone
    np.testing.assert_allclose(red - k * blue, c, rtol=1e-6)
    for t, bt in zip(times, blue, strict=True):
        elapsed = quad(lambda x: 1.0 / (a * np.sqrt(x * (c + k * x))), bt, b0, epsabs=0.0,
                       epsrel=1e-11)[0]  # fmt: skip
        assert elapsed == pytest.approx(t, rel=1e-6)


def test_a_multiplier_ramp_that_starts_after_day_zero_matches_solve_ivp() -> None:
    """Red's kill rate times 3 until day 2, then a ramp down to 1 by day 6 (the multiplier's
    knots at 2 and 6, so its ramp starts after day 0), square law: solve_ivp on the same
    piecewise equations."""
    r0, b0, a, b = 1000.0, 1200.0, 0.01, 0.012

    def m_r(t: float) -> float:
        return 3.0 if t < 2.0 else 3.0 - 0.5 * (t - 2.0) if t < 6.0 else 1.0

    mult = Multiplier(np.array([2.0, 6.0]), np.array([3.0, 1.0]))
    red = make_side("red", r0, a, n=1, k_enemy=1, multiplier=mult)
    blue = make_side("blue", b0, b, n=1, k_enemy=1)
    times = np.array([1.0, 3.0, 5.0, 8.0, 12.0])
    res = simulate(Engagement(get_law("square"), red, blue), t_max=12.0, times=times)
    _, _, _, samples = oracle.solve(
        np.array([r0]), np.array([b0]), np.array([[a]]), np.array([[b]]), mult_r=m_r,
        t_max=12.0, pieces=(2.0, 6.0), t_eval=times,
    )  # fmt: skip
    assert res.red_trajectory is not None
    assert res.blue_trajectory is not None
    want = np.array([samples[float(t)] for t in times])
    np.testing.assert_allclose(res.red_trajectory[0, :, 0], want[:, 0], rtol=1e-6)
    np.testing.assert_allclose(res.blue_trajectory[0, :, 0], want[:, 1], rtol=1e-6)


def test_several_categories_under_a_power_law_with_q_between_0_and_1_match_solve_ivp() -> None:
    """Two red categories and one blue, p = 1, q = 0.5: each target category loses its
    weighted share of the incoming fire times the side's weighted strength to the q
    (tests/oracle.py's right-hand side, solve_ivp)."""
    r0, b0 = np.array([600.0, 40.0]), np.array([900.0])
    w_r = np.array([1.0, 10.0])
    kill_r = np.array([[0.002], [0.02]])  # red's categories against blue's one
    kill_b = np.array([[0.003, 0.0001]])  # blue's one against red's two
    red = make_side("red", r0[None], kill_r, n=1, k_enemy=1, weights=w_r, categories=("m", "t"))
    blue = make_side("blue", b0, kill_b, n=1, k_enemy=2)
    times = np.array([2.0, 6.0, 10.0])
    res = simulate(Engagement(get_law("power", p=1.0, q=0.5), red, blue), t_max=10.0, times=times)
    _, _, _, samples = oracle.solve(
        r0, b0, kill_r, kill_b, red_pq=(1.0, 0.5), blue_pq=(1.0, 0.5), w_r=w_r, t_max=10.0,
        t_eval=times,
    )  # fmt: skip
    assert res.red_trajectory is not None
    assert res.blue_trajectory is not None
    want = np.array([samples[float(t)] for t in times])
    np.testing.assert_allclose(res.red_trajectory[0], want[:, :2], rtol=1e-6)
    np.testing.assert_allclose(res.blue_trajectory[0, :, 0], want[:, 2], rtol=1e-6)


def test_a_fixed_fire_allocation_renormalised_over_survivors_matches_solve_ivp() -> None:
    """Blue's two categories aim fixed shares (0.7, 0.3) and (0.2, 0.8) of their fire at
    red's two; red's second category is wiped out first, after which all of blue's fire
    goes to red's first (the shares renormalised over surviving targets, Side docstring).
    Square law, so a target's loss is the fire aimed at it; solve_ivp on those equations."""
    alloc = np.array([[0.7, 0.3], [0.2, 0.8]])
    r0, b0 = np.array([500.0, 60.0]), np.array([400.0, 300.0])
    kill_b = np.array([[0.02, 0.05], [0.03, 0.04]])  # blue f against red j
    kill_r = np.array([[0.01, 0.012], [0.05, 0.04]])  # red f against blue j (proportional)
    w_b = np.array([1.0, 2.0])

    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        r, bl = np.maximum(y[:2], 0.0), np.maximum(y[2:], 0.0)
        alive = (r > 0).astype(float)
        share = alloc * alive[None, :]
        norm = share.sum(axis=1, keepdims=True)
        share = np.divide(share, norm, out=np.zeros_like(share), where=norm > 0)
        d_r = -(bl[:, None] * kill_b * share).sum(axis=0) * alive
        wt = w_b * bl
        d_b = -(r @ kill_r) * (wt / wt.sum() if wt.sum() > 0 else 0.0)
        return np.concatenate([d_r, d_b])

    def gone(_t: float, y: np.ndarray) -> float:
        return float(y[1])

    gone.terminal = True  # type: ignore[attr-defined]
    times = np.array([1.0, 3.0, 6.0, 10.0])
    first = solve_ivp(rhs, (0.0, 10.0), np.concatenate([r0, b0]), method="DOP853", rtol=1e-12,
                      atol=1e-10, events=gone, dense_output=True)  # fmt: skip
    t_gone = float(first.t_events[0][0])
    assert 1.0 < t_gone < 6.0  # red's second category goes within the run
    y_gone = first.y_events[0][0].copy()
    y_gone[1] = 0.0
    second = solve_ivp(rhs, (t_gone, 10.0), y_gone, method="DOP853", rtol=1e-12, atol=1e-10,
                       dense_output=True)  # fmt: skip
    want = np.array([first.sol(t) if t < t_gone else second.sol(t) for t in times])
    red = make_side("red", r0[None], kill_r, n=1, k_enemy=2, categories=("a", "b"))
    blue = make_side("blue", b0[None], kill_b, n=1, k_enemy=2, weights=w_b, allocation=alloc,
                     categories=("a", "b"))  # fmt: skip
    res = simulate(Engagement(get_law("square"), red, blue), t_max=10.0, times=times)
    assert res.red_trajectory is not None
    assert res.blue_trajectory is not None
    np.testing.assert_allclose(res.red_trajectory[0], np.maximum(want[:, :2], 0.0), rtol=1e-5,
                               atol=1e-3)  # fmt: skip
    np.testing.assert_allclose(res.blue_trajectory[0], want[:, 2:], rtol=1e-5)

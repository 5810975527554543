"""Closed forms against the published worked example and the solve_ivp oracle."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio import battle
from tests import oracle

LAW_PQ = {
    "square": (1.0, 0.0),
    "linear": (1.0, 1.0),
    "logarithmic": (0.0, 1.0),
    "ancient": (0.0, 0.0),
}


def test_worked_example_square_law() -> None:
    # methods-and-peers.md section 0: A wins with 481.664 survivors at t = 124.136 [D]
    # (the continuous model fought to zero: annihilation level 0)
    r = battle("square", 1000, 800, 0.01, 0.012, annihilation=0.0)
    assert r.method == "closed_form"
    assert r.winner[0] == "red"
    assert r.red_final[0] == pytest.approx(np.sqrt(1000**2 - 1.2 * 800**2), rel=1e-12)
    assert r.red_final[0] == pytest.approx(481.664, abs=1e-3)
    assert r.duration[0] == pytest.approx(
        np.arctanh(np.sqrt(1.2) * 0.8) / np.sqrt(1.2e-4), rel=1e-12
    )
    assert r.end_reason[0] == "annihilation"


def test_default_end_rule_is_half_a_unit() -> None:
    # blue is annihilated when it falls to 0.5 men: the invariant a R^2 - b B^2 gives red's
    # survivors then, and blue's time to 0.5 follows from B(t) (Lanchester 1916)
    r = battle("square", 1000, 800, 0.01, 0.012)
    assert r.red_final[0] == pytest.approx(np.sqrt(1000**2 - 1.2 * (800**2 - 0.25)), rel=1e-12)
    u, v, g = 0.1 * 1000, np.sqrt(0.012) * 800, np.sqrt(1.2e-4)
    # blue = v(t)/sqrt(b) with v(t) = ((u+v)e^-gt - (u-v)e^gt)/2 = sqrt(b)*0.5
    ts = np.linspace(124.0, 124.1, 100001)
    vt = 0.5 * ((u + v) * np.exp(-g * ts) - (u - v) * np.exp(g * ts))
    assert r.duration[0] == pytest.approx(
        ts[np.argmin(np.abs(vt - np.sqrt(0.012) * 0.5))], abs=2e-6
    )
    assert r.blue_final[0] == 0.0
    assert r.end_reason[0] == "annihilation"


@pytest.mark.parametrize("law", list(LAW_PQ))
@pytest.mark.parametrize("bp", [0.0, 0.35])
def test_closed_form_matches_solve_ivp(law: str, bp: float) -> None:
    rng = np.random.default_rng(7)
    n = 12
    R0 = rng.uniform(500, 1500, n)
    B0 = rng.uniform(500, 1500, n)
    scale = {"square": 1e-2, "linear": 1e-5, "logarithmic": 1e-2, "ancient": 5.0}[law]
    a = rng.uniform(0.5, 1.5, n) * scale
    b = rng.uniform(0.5, 1.5, n) * scale
    t_max = 400.0
    res = battle(
        law, R0, B0, a, b, red_breakpoint=bp, blue_breakpoint=bp, t_max=t_max, times=[5.0, 50.0]
    )
    assert res.method == "closed_form"
    pq = LAW_PQ[law]
    for i in range(n):
        t_end, Rf, Bf, samples = oracle.solve(
            np.array([R0[i]]),
            np.array([B0[i]]),
            np.array([[a[i]]]),
            np.array([[b[i]]]),
            red_pq=pq,
            blue_pq=pq,
            level_r=max(bp * R0[i], 0.5),
            level_b=max(bp * B0[i], 0.5),
            t_max=t_max,
            t_eval=np.array([5.0, 50.0]),
        )
        if t_end is None:
            assert np.isnan(res.duration[i])
        else:
            assert res.duration[i] == pytest.approx(t_end, rel=1e-7)
        # a side annihilated at its 0.5 level is reported at 0
        gone = res.end_reason[i] == "annihilation"
        exp_r = 0.0 if gone and res.winner[i] != "red" else Rf[0]
        exp_b = 0.0 if gone and res.winner[i] != "blue" else Bf[0]
        assert res.red_final[i] == pytest.approx(exp_r, rel=1e-6, abs=1e-6)
        assert res.blue_final[i] == pytest.approx(exp_b, rel=1e-6, abs=1e-6)
        for k, t in enumerate((5.0, 50.0)):
            if t in samples:
                assert res.red_trajectory is not None
                assert res.red_trajectory[i, k, 0] == pytest.approx(samples[t][0], rel=1e-7)


@pytest.mark.parametrize("law", list(LAW_PQ))
def test_near_and_exact_draws_are_finite(law: str) -> None:
    eps = np.array([0.0, 1e-15, 1e-12, 1e-9, -1e-12, -1e-15])
    scale = 1e-5 if law == "linear" else 1e-2
    R0 = 1000.0 * (1 + eps)
    res = battle(law, R0, 1000.0, scale, scale, t_max=1e4, times=[1.0, 1e3])
    for arr in (res.red_final, res.blue_final):
        assert np.all(np.isfinite(arr))
        assert np.all(arr >= 0)
    assert res.red_trajectory is not None
    assert np.all(np.isfinite(res.red_trajectory))
    # an exact draw is never decided under any of these laws
    assert res.winner[0] is None


def test_square_near_draw_winner_follows_invariant() -> None:
    # tiny advantages still decide the battle, on the right side, without NaN
    R0 = 1000.0 * (1 + np.array([1e-9, -1e-9]))
    res = battle("square", R0, 1000.0, 0.01, 0.01, t_max=1e6)
    assert list(res.winner) == ["red", "blue"]
    assert np.all(np.isfinite(res.duration))


def test_zero_rates() -> None:
    res = battle(
        "square",
        [1000, 1000, 1000],
        [800, 800, 800],
        [0.0, 0.01, 0.0],
        [0.012, 0.0, 0.0],
        t_max=1e4,
    )
    # red cannot kill: blue wins in (R0 - 0.5) / (b B0) days; blue cannot kill: red in
    # (B0 - 0.5) / (a R0), the sides being out at half a unit
    assert res.winner[0] == "blue"
    assert res.duration[0] == pytest.approx(999.5 / (0.012 * 800))
    assert res.winner[1] == "red"
    assert res.duration[1] == pytest.approx(799.5 / (0.01 * 1000))
    assert res.winner[2] is None
    assert res.red_final[2] == 1000
    assert res.blue_final[2] == 800


def test_zero_strength_ends_at_once() -> None:
    res = battle("square", [0.0, 10.0, 0.0], [5.0, 0.0, 0.0], 0.1, 0.1)
    assert list(res.winner) == ["blue", "red", None]
    assert np.all(res.duration == 0.0)


def test_square_end_time_puts_the_loser_at_its_level() -> None:
    # the end time is log(x)/g far from the level and log1p(x - 1)/g near it (x <= 1.5):
    # on both sides of that switch the hyperbolic solution puts blue at its breakpoint then
    bp = np.linspace(0.02, 0.98, 193)
    r = battle("square", 1000.0, 800.0, 0.01, 0.012, blue_breakpoint=bp)
    assert np.all(r.winner == "red")
    u0, v0, g = 0.1 * 1000.0, np.sqrt(0.012) * 800.0, np.sqrt(0.01 * 0.012)
    gt = g * r.duration
    blue = (v0 * np.cosh(gt) - u0 * np.sinh(gt)) / np.sqrt(0.012)
    np.testing.assert_allclose(blue, bp * 800.0, rtol=1e-11)

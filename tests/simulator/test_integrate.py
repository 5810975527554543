"""The batched integrator against closed forms and the solve_ivp oracle."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio import Engagement, Multiplier, Reinforcements, battle, get_law, make_side, simulate
from tests import oracle

LAWS_CF = ["square", "linear", "logarithmic", "ancient"]


@pytest.mark.parametrize("law", LAWS_CF)
def test_integrator_agrees_with_closed_form_to_1e6(law: str) -> None:
    rng = np.random.default_rng(11)
    n = 400
    R0 = rng.uniform(100, 5000, n)
    B0 = rng.uniform(100, 5000, n)
    scale = {"square": 1e-2, "linear": 1e-5, "logarithmic": 1e-2, "ancient": 5.0}[law]
    a = rng.uniform(0.2, 2.0, n) * scale
    b = rng.uniform(0.2, 2.0, n) * scale
    bpr = rng.choice([0.0, 0.2, 0.6], n)
    bpb = rng.choice([0.0, 0.3, 0.5], n)
    times = [1.0, 10.0, 100.0]
    cf, ig = (
        battle(law, R0, B0, a, b, red_breakpoint=bpr, blue_breakpoint=bpb, t_max=300.0,
               times=times, method=method)
        for method in ("closed_form", "integrator")
    )  # fmt: skip
    assert ig.method == "integrator"
    # exclude near-draws, where the winner is legitimately sensitive to 1e-9 errors
    if law == "square":
        margin = np.abs(a * R0**2 * (1 - bpr**2) - b * B0**2 * (1 - bpb**2)) / (a * R0**2)
        ok = margin > 1e-6
    else:
        ok = np.ones(n, dtype=bool)
    np.testing.assert_array_equal(cf.winner_code[ok], ig.winner_code[ok])
    np.testing.assert_array_equal(cf.end_code[ok], ig.end_code[ok])
    np.testing.assert_allclose(ig.duration[ok], cf.duration[ok], rtol=1e-6)
    # relative to the side's initial strength (a survivor of 0 has no relative error)
    assert np.max(np.abs(ig.red_final - cf.red_final)[ok] / R0[ok]) < 1e-6
    assert np.max(np.abs(ig.blue_final - cf.blue_final)[ok] / B0[ok]) < 1e-6
    assert ig.red_trajectory is not None
    assert cf.red_trajectory is not None
    np.testing.assert_allclose(ig.red_trajectory[ok], cf.red_trajectory[ok], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    ("law", "kw", "red_pq", "blue_pq"),
    [
        ("mixed", {}, (1.0, 1.0), (1.0, 0.0)),
        ("helmbold", {"w": 0.7}, (0.7, 0.3), (0.7, 0.3)),
        ("power", {"p": 1.5, "q": 0.5}, (1.5, 0.5), (1.5, 0.5)),
    ],
)
def test_laws_without_closed_form_match_solve_ivp(
    law: str, kw: dict[str, float], red_pq: tuple[float, float], blue_pq: tuple[float, float]
) -> None:
    rng = np.random.default_rng(3)
    n = 8
    R0, B0 = rng.uniform(400, 1200, n), rng.uniform(400, 1200, n)
    a = rng.uniform(0.5, 1.5, n) * (1e-2 if law != "mixed" else 2.0)
    b = rng.uniform(0.5, 1.5, n) * (1e-2 if law != "power" else 1e-4)
    if law == "mixed":
        b = rng.uniform(0.5, 1.5, n) * 1e-5
    if law == "helmbold":
        a, b = a * 0.2, b * 0.2
    res = battle(
        law,
        R0,
        B0,
        a,
        b,
        t_max=200.0,
        red_breakpoint=0.3,
        blue_breakpoint=0.3,
        times=[20.0],
        p=kw.get("p"),
        q=kw.get("q"),
        w=kw.get("w"),
    )
    for i in range(n):
        t_end, Rf, Bf, _samples = oracle.solve(
            np.array([R0[i]]),
            np.array([B0[i]]),
            np.array([[a[i]]]),
            np.array([[b[i]]]),
            red_pq=red_pq,
            blue_pq=blue_pq,
            level_r=0.3 * R0[i],
            level_b=0.3 * B0[i],
            t_max=200.0,
            t_eval=np.array([20.0]),
        )
        if t_end is None:
            assert np.isnan(res.duration[i])
        else:
            assert res.duration[i] == pytest.approx(t_end, rel=1e-6)
        assert res.red_final[i] == pytest.approx(Rf[0], rel=1e-6)
        assert res.blue_final[i] == pytest.approx(Bf[0], rel=1e-6)


def test_mixed_law_deitchman_invariant_and_winner() -> None:
    # G0 - G = (a/2b)(C0^2 - C^2) with red as the guerrilla G (aimed fire at rate a)
    a, b = np.array([0.5, 0.5]), np.array([1e-5, 1e-5])
    G0, C0 = np.array([600.0, 300.0]), np.array([300.0, 300.0])
    res = battle("mixed", G0, C0, a, b, t_max=1e4, annihilation=0.0)
    predicted_red_wins = 2 * a * G0 > b * C0**2
    assert list(res.winner_code == 1) == list(predicted_red_wins)
    G, C = res.red_final, res.blue_final
    np.testing.assert_allclose(G0 - G, (b / (2 * a)) * (C0**2 - C**2), rtol=1e-6, atol=1e-6)


def _hetero(n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    R0 = rng.uniform(100, 1000, (n, 3))
    B0 = rng.uniform(100, 1000, (n, 2))
    kr = rng.uniform(0.001, 0.01, (n, 3, 2))
    kb = rng.uniform(0.001, 0.01, (n, 2, 3))
    wr = rng.uniform(0.5, 3.0, (n, 3))
    wb = rng.uniform(0.5, 3.0, (n, 2))
    return R0, B0, kr, kb, wr, wb


def test_heterogeneous_with_multipliers_and_reinforcements_matches_solve_ivp() -> None:
    rng = np.random.default_rng(5)
    n = 6
    R0, B0, kr, kb, wr, wb = _hetero(n, rng)
    surprise = rng.uniform(1.5, 4.0, n)
    mult_r = Multiplier.linear_decay(surprise, 3.0)  # red's fire boosted, fading over 3 days
    arrivals = rng.uniform(10, 100, (n, 1, 2))
    reinf_b = Reinforcements(
        np.array([4.0]), arrivals, np.array([2.0, 8.0]), np.full((n, 1, 2), 15.0)
    )
    eng = Engagement(
        get_law("square"),
        make_side(
            "red",
            R0,
            kr,
            n=n,
            k_enemy=2,
            weights=wr,
            breakpoint=0.4,
            multiplier=mult_r,
            categories=("inf", "art", "tank"),
        ),
        make_side(
            "blue",
            B0,
            kb,
            n=n,
            k_enemy=3,
            weights=wb,
            breakpoint=0.4,
            reinforcements=reinf_b,
            categories=("inf", "tank"),
        ),
    )
    res = simulate(eng, t_max=60.0, times=[1.0, 3.5, 10.0])
    assert res.method == "integrator"
    for i in range(n):

        def m_r(t: float, i: int = i) -> float:
            return float(np.interp(t, [0.0, 3.0], [surprise[i], 1.0]))

        def q_b(t: float) -> np.ndarray:
            return np.full(2, 15.0) if 2.0 <= t < 8.0 else np.zeros(2)

        t_end, Rf, Bf, samples = _solve_with_blue_impulse(  # type: ignore[no-untyped-call]
            R0[i], B0[i], kr[i], kb[i], wr[i], wb[i], m_r, q_b, arrivals[i, 0]
        )
        if t_end is None:
            assert np.isnan(res.duration[i])
        else:
            assert res.duration[i] == pytest.approx(t_end, rel=1e-6)
        np.testing.assert_allclose(res.red_final_by_category[i], Rf, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(res.blue_final_by_category[i], Bf, rtol=1e-6, atol=1e-6)
        assert res.red_trajectory is not None
        for k, t in enumerate((1.0, 3.5, 10.0)):
            if t in samples:
                np.testing.assert_allclose(res.red_trajectory[i, k], samples[t][:3], rtol=1e-6)


def _solve_with_blue_impulse(  # type: ignore[no-untyped-def]
    R0, B0, kr, kb, wr, wb, m_r, q_b, impulse
):
    """Oracle: swap sides so the impulse helper (red only) applies to blue."""
    t_end, Bf, Rf, samples = oracle.solve(
        B0,
        R0,
        kb,
        kr,
        w_r=wb,
        w_b=wr,
        mult_b=m_r,
        rate_r=q_b,
        level_r=0.4 * float(wb @ B0),
        level_b=0.4 * float(wr @ R0),
        t_max=60.0,
        pieces=(2.0, 3.0, 8.0),
        impulses_r={4.0: impulse},
        t_eval=np.array([1.0, 3.5, 10.0]),
    )
    swapped = {t: np.concatenate([v[2:], v[:2]]) for t, v in samples.items()}
    return t_end, Rf, Bf, swapped


def test_losses_account_for_arrivals() -> None:
    rng = np.random.default_rng(2)
    n = 20
    per_day = rng.uniform(1, 50, (n, 1))
    reinf = Reinforcements.daily(0.0, 10.0, per_day)
    eng = Engagement(
        get_law("linear"),
        make_side("red", 1000.0, 1e-5, n=n, k_enemy=1, reinforcements=reinf),
        make_side("blue", 1000.0, 1e-5, n=n, k_enemy=1),
    )
    res = simulate(eng, t_max=30.0)
    assert res.red_arrived is not None
    np.testing.assert_allclose(res.red_arrived, 10.0 * per_day[:, 0], rtol=1e-12)  # 10 days
    # conservation: initial + arrivals = final + losses, and losses are positive
    assert np.all(res.red_losses > 0)
    np.testing.assert_allclose(res.red_initial + res.red_arrived - res.red_losses, res.red_final)


def test_times_after_the_end_hold_the_final_state() -> None:
    res = battle(
        "square",
        1000,
        800,
        0.01,
        0.012,
        times=[0.0, 100.0, 200.0, 500.0],
        method="integrator",
        t_max=400.0,
    )
    assert res.red_trajectory is not None
    traj = res.red_trajectory[0, :, 0]
    assert traj[0] == 1000.0
    assert traj[2] == pytest.approx(res.red_final[0])
    assert traj[3] == pytest.approx(res.red_final[0])


def test_integrator_is_independent_of_batch_composition() -> None:
    rng = np.random.default_rng(9)
    R0, B0 = rng.uniform(100, 1000, 50), rng.uniform(100, 1000, 50)
    full = battle("helmbold", R0, B0, 0.01, 0.01, w=0.6, t_max=100.0)
    part = battle("helmbold", R0[10:20], B0[10:20], 0.01, 0.01, w=0.6, t_max=100.0)
    np.testing.assert_array_equal(full.red_final[10:20], part.red_final)

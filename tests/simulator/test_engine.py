"""The compiled integrator against the numpy integrator (the reference) on random batches
with every feature the compiled path covers: several categories, the law's exponents,
time-varying multipliers, arrival rates and discrete arrivals, breakpoints, trajectories."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio import Engagement, Multiplier, Reinforcements, get_law, make_side, simulate
from forceratio.errors import InputError
from forceratio.simulator import kernel

pytestmark = pytest.mark.skipif(not kernel.AVAILABLE, reason="numba not installed")
K = 3


def batch(n: int, law: str, seed: int, **law_kw: float) -> Engagement:
    rng = np.random.default_rng(seed)
    w = np.array([1.0, 15.0, 40.0])
    mult_r = Multiplier(np.array([0.0, 2.0, 6.0]), rng.uniform(0.3, 3.0, (n, 3)))
    mult_b = Multiplier.linear_decay(rng.uniform(1.0, 3.0, n), 4.0)
    reinf_r = Reinforcements(
        np.array([3.0, 7.5]),
        rng.uniform(0, 200, (n, 2, K)),
        np.array([1.0, 5.0]),
        rng.uniform(0, 50, (n, 1, K)),
    )
    reinf_b = Reinforcements.daily(2.0, 9.0, rng.uniform(0, 30, (n, K)))
    scale = {"square": 1e-3, "linear": 2e-6, "logarithmic": 3e-3, "helmbold": 1e-3, "power": 1e-4}[
        law
    ]
    red = make_side(
        "red", rng.uniform(500, 3000, (n, K)) * np.array([10, 1, 0.3]),
        rng.uniform(0.2, 2.0, (n, K, K)) * scale * w[:, None],
        n=n, k_enemy=K, weights=w, breakpoint=rng.choice([0.0, 0.3, 0.6], n),
        multiplier=mult_r, reinforcements=reinf_r, categories=("men", "guns", "tanks"),
    )  # fmt: skip
    blue = make_side(
        "blue", rng.uniform(500, 3000, (n, K)) * np.array([10, 1, 0.3]),
        rng.uniform(0.2, 2.0, (n, K, K)) * scale * w[:, None],
        n=n, k_enemy=K, weights=w, breakpoint=rng.choice([0.0, 0.25, 0.5], n),
        multiplier=mult_b, reinforcements=reinf_b, categories=("men", "guns", "tanks"),
    )  # fmt: skip
    return Engagement(get_law(law, **law_kw), red, blue)


@pytest.mark.parametrize(
    ("law", "kw"),
    [("square", {}), ("linear", {}), ("logarithmic", {}), ("helmbold", {"w": 0.6}),
     ("power", {"p": 0.8, "q": 0.4})],
)  # fmt: skip
def test_compiled_equals_numpy(law: str, kw: dict[str, float]) -> None:
    eng = batch(300, law, seed=len(law), **kw)
    times = np.array([0.0, 1.0, 2.5, 7.5, 10.0, 40.0])
    a = simulate(eng, t_max=40.0, times=times, method="compiled")
    b = simulate(eng, t_max=40.0, times=times, method="integrator")
    assert a.method == "compiled"
    np.testing.assert_array_equal(a.end_code, b.end_code)
    np.testing.assert_array_equal(a.winner_code, b.winner_code)
    np.testing.assert_allclose(a.end_time, b.end_time, rtol=1e-9, atol=1e-9)
    assert a.red_trajectory is not None
    assert b.red_trajectory is not None
    np.testing.assert_allclose(a.red_trajectory, b.red_trajectory, rtol=1e-8, atol=1e-6)
    np.testing.assert_allclose(a.blue_final, b.blue_final, rtol=1e-8, atol=1e-6)
    assert len(set(a.end_code.tolist())) >= 2  # the batch exercises more than one ending


def test_auto_picks_the_compiled_path_for_large_batches() -> None:
    eng = batch(kernel.MIN_BATCH, "helmbold", seed=1, w=0.5)
    r = simulate(eng, t_max=5.0)
    assert r.method == "compiled"
    small = simulate(batch(10, "helmbold", seed=1, w=0.5), t_max=5.0)
    assert small.method == "integrator"


def test_fixed_allocation_is_refused_by_the_compiled_path() -> None:
    n = 4
    alloc = np.array([[1.0]])
    red = make_side("red", np.full(n, 100.0), np.full(n, 0.01), n=n, k_enemy=1, allocation=alloc)
    blue = make_side("blue", np.full(n, 90.0), np.full(n, 0.01), n=n, k_enemy=1)
    eng = Engagement(get_law("linear"), red, blue)
    with pytest.raises(InputError, match="proportional"):
        simulate(eng, t_max=5.0, method="compiled")


def test_compiled_square_fast_path_equals_numpy() -> None:
    from forceratio.simulator.closed_form import square_to_annihilation

    rng = np.random.default_rng(3)
    n = 5000
    R0, B0 = rng.uniform(1, 1e4, n), rng.uniform(1, 1e4, n)
    a, b = rng.uniform(1e-4, 1e-1, n), rng.uniform(1e-4, 1e-1, n)
    R0[:10] = np.sqrt(b[:10] / a[:10]) * B0[:10]  # near or exact draws
    R0[10:20] = B0[10:20] = 100.0
    a[10:20] = b[10:20] = 0.01  # exact draws: never decided
    out = kernel.square_battle(R0, B0, a, b, 1e6)
    assert out is not None
    t_end, rf, bf, dur, winner, code = out
    want = square_to_annihilation(R0, B0, a, b)
    decided = code == 1
    np.testing.assert_allclose(t_end[decided], want[0][decided], rtol=1e-12)
    for g, w in zip((rf, bf), want[1:], strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-9)
    assert np.isinf(want[0][10:20]).all()
    assert (code[10:20] == 0).all()  # exact draws: undecided at t_max
    assert (t_end[10:20] == 1e6).all()
    assert np.isnan(dur[10:20]).all()
    assert not np.isnan(t_end).any()
    np.testing.assert_array_equal(winner[20:], np.where(bf[20:] > 0, -1, 1))
    R0[5] = 0.0
    assert kernel.square_battle(R0, B0, a, b, np.inf) is None  # a zero leaves the fast path


def test_battle_through_the_compiled_fast_path_equals_the_numpy_closed_form() -> None:
    from forceratio import battle

    rng = np.random.default_rng(8)
    n = kernel.MIN_BATCH
    R0, B0 = rng.uniform(500, 1500, n), rng.uniform(500, 1500, n)
    a, b = rng.uniform(0.005, 0.02, n), rng.uniform(0.005, 0.02, n)
    R0[:5] = np.sqrt(b[:5] / a[:5]) * B0[:5]  # draws: undecided at t_max
    big = battle("square", R0, B0, a, b, t_max=300.0)
    ref = battle("square", R0, B0, a, b, t_max=300.0, times=[0.0])  # numpy path (times given)
    np.testing.assert_array_equal(big.winner_code, ref.winner_code)
    np.testing.assert_array_equal(big.end_code, ref.end_code)
    np.testing.assert_allclose(big.end_time, ref.end_time, rtol=1e-12)
    np.testing.assert_allclose(big.red_final, ref.red_final, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(big.blue_final, ref.blue_final, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(np.isnan(big.duration), np.isnan(ref.duration))
    assert (big.end_code[:5] == 0).all()


def test_battle_fast_path_matches_the_general_path_and_still_rejects_bad_input() -> None:
    from forceratio import battle

    rng = np.random.default_rng(11)
    n = kernel.MIN_BATCH
    R0, B0 = rng.uniform(500, 1500, n), rng.uniform(500, 1500, n)
    a, b = rng.uniform(0.005, 0.02, n), rng.uniform(0.005, 0.02, n)
    R0[:3] = np.sqrt(b[:3] / a[:3]) * B0[:3]  # draws, undecided at t_max
    fast = battle("square", R0, B0, a, b, t_max=200.0)
    general = battle("square", R0, B0, a, b, t_max=200.0, method="integrator")
    np.testing.assert_array_equal(fast.winner_code, general.winner_code)
    np.testing.assert_array_equal(fast.end_code, general.end_code)
    np.testing.assert_allclose(fast.end_time, general.end_time, rtol=1e-6)
    np.testing.assert_allclose(fast.red_final, general.red_final, rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(fast.blue_final, general.blue_final, rtol=1e-5, atol=1e-3)
    frame = fast.to_frame()
    assert len(frame) == n
    bad = R0.copy()
    bad[7] = np.nan
    with pytest.raises(InputError, match="red"):
        battle("square", bad, B0, a, b)
    neg = a.copy()
    neg[9] = -1.0
    with pytest.raises(InputError, match="red_rate"):
        battle("square", R0, B0, neg, b)


def test_per_scenario_knots_equal_separate_runs_in_both_integrators() -> None:
    """Each scenario's own multiplier knots: the batch equals the scenarios run one by one
    with shared knots, in the numpy and in the compiled integrator."""
    rng = np.random.default_rng(5)
    n = 60
    d = rng.uniform(0.5, 8.0, n)
    knots = np.stack([np.zeros(n), d, d + rng.uniform(1, 5, n)], axis=1)
    vals = np.stack([rng.uniform(1.5, 3.0, n), np.ones(n), rng.uniform(0.5, 1.0, n)], axis=1)

    def eng(mult: Multiplier, m: int) -> Engagement:
        return Engagement(
            get_law("helmbold", w=0.7),
            make_side("red", np.full(m, 1000.0), np.full(m, 0.01), n=m, k_enemy=1,
                      multiplier=mult, breakpoint=0.3),
            make_side("blue", np.full(m, 900.0), np.full(m, 0.012), n=m, k_enemy=1,
                      breakpoint=0.2),
        )  # fmt: skip

    times = np.array([0.0, 1.0, 4.0, 20.0])
    batch = eng(Multiplier(knots, vals), n)
    for method in ("integrator", "compiled"):
        big = simulate(batch, t_max=60.0, times=times, method=method)
        for i in range(0, n, 6):
            one = simulate(
                eng(Multiplier(knots[i], vals[i]), 1), t_max=60.0, times=times, method="integrator"
            )
            assert big.end_code[i] == one.end_code[0]
            np.testing.assert_allclose(big.end_time[i], one.end_time[0], rtol=1e-9)
            assert big.red_trajectory is not None
            assert one.red_trajectory is not None
            np.testing.assert_allclose(big.red_trajectory[i], one.red_trajectory[0], rtol=1e-8)

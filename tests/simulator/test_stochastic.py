"""The stochastic engine: convergence to the deterministic law, exactness, seeding."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest

from forceratio import Engagement, battle, get_law, make_side, simulate_stochastic


def test_gillespie_mean_matches_reference_measurement() -> None:
    # methods-and-peers.md 1.4 [R]: 10,000 SSA replications of 1000 v 800:
    # survivors mean 478.4 (SD 50.2), duration mean 125.2 (SD 10.7)
    r = battle("square", 1000, 800, 0.01, 0.012, replications=4000, seed=12, method="gillespie")
    assert r.method == "gillespie"
    se = 50.2 / np.sqrt(4000)
    assert abs(r.red_final.mean() - 478.4) < 4 * se + 0.5
    assert r.red_final.std() == pytest.approx(50.2, rel=0.08)
    assert np.nanmean(r.duration) == pytest.approx(125.2, abs=4 * 10.7 / np.sqrt(4000) + 0.1)


def test_tau_leap_matches_the_exact_reference_measurement() -> None:
    # the same reference as above (10,000 exact runs of 1000 v 800): tau-leaping, whose
    # leaps of fewer than MIN_LEAP_EVENTS expected events (the battle's last units) run
    # event by event, keeps the mean and the spread of survivors and duration
    r = battle("square", 1000, 800, 0.01, 0.012, replications=4000, seed=13, method="tau_leap")
    assert r.method == "tau_leap"
    assert abs(r.red_final.mean() - 478.4) < 4 * 50.2 / np.sqrt(4000) + 0.5
    assert r.red_final.std() == pytest.approx(50.2, rel=0.08)
    assert np.nanmean(r.duration) == pytest.approx(125.2, abs=4 * 10.7 / np.sqrt(4000) + 0.1)
    assert np.nanstd(r.duration) == pytest.approx(10.7, rel=0.08)


@pytest.mark.parametrize("method", ["gillespie", "tau_leap"])
def test_mean_converges_to_deterministic_as_forces_grow(method: str) -> None:
    errors = []
    for scale in (1, 10) if method == "gillespie" else (10, 100):
        R0, B0 = 100.0 * scale, 80.0 * scale
        a, b = 0.01 / scale, 0.012 / scale  # same time scale, same ratio
        det = battle("square", R0, B0, a, b)
        st = battle("square", R0, B0, a, b, replications=600, seed=4, method=method)  # type: ignore[arg-type]
        errors.append(abs(st.red_final.mean() - det.red_final[0]) / R0)
    assert errors[1] < errors[0]
    assert errors[1] < 0.01


def test_strengths_are_whole_and_never_negative() -> None:
    r = battle(
        "linear",
        300.7,
        250.2,
        1e-4,
        1.2e-4,
        replications=200,
        seed=1,
        times=[1.0, 5.0],
        blue_breakpoint=0.5,
    )
    assert r.red_trajectory is not None
    for arr in (r.red_final, r.blue_final, r.red_trajectory):
        assert np.all(arr >= 0)
        assert np.all(arr == np.round(arr))


def test_same_seed_same_numbers_other_seed_other_numbers() -> None:
    kw = dict(replications=100, seed=5)
    a = battle("square", 200, 180, 0.01, 0.01, **kw)  # type: ignore[arg-type]
    b = battle("square", 200, 180, 0.01, 0.01, **kw)  # type: ignore[arg-type]
    c = battle("square", 200, 180, 0.01, 0.01, replications=100, seed=6)
    np.testing.assert_array_equal(a.red_final, b.red_final)
    assert not np.array_equal(a.red_final, c.red_final)


@pytest.mark.parametrize("method", ["gillespie", "tau_leap"])
def test_numbers_do_not_depend_on_chunking(method: str) -> None:
    rng = np.random.default_rng(0)
    n = 12
    # whole units: the chain's (these ran rounded before session 18, the same numbers)
    R0, B0 = np.rint(rng.uniform(200, 400, n)), np.rint(rng.uniform(200, 400, n))

    def eng(sel: slice) -> Engagement:
        m = len(R0[sel])
        return Engagement(
            get_law("square"),
            make_side("red", R0[sel], 0.01, n=m, k_enemy=1, breakpoint=0.3),
            make_side("blue", B0[sel], 0.01, n=m, k_enemy=1, breakpoint=0.3),
        )

    kw = dict(replications=20, seed=99, t_max=300.0, times=np.array([5.0]), method=method)
    whole = simulate_stochastic(eng(slice(None)), **kw)  # type: ignore[arg-type]
    first = simulate_stochastic(eng(slice(0, 5)), keys=np.arange(5), **kw)  # type: ignore[arg-type]
    second = simulate_stochastic(eng(slice(5, None)), keys=np.arange(5, n), **kw)  # type: ignore[arg-type]
    np.testing.assert_array_equal(
        whole.red_final, np.concatenate([first.red_final, second.red_final])
    )
    np.testing.assert_array_equal(whole.duration, np.concatenate([first.duration, second.duration]))


def test_win_probability_near_parity_is_balanced() -> None:
    r = battle("square", 100, 100, 0.02, 0.02, replications=2000, seed=8)
    p = (r.winner_code == 1).mean()
    assert abs(p - 0.5) < 4 * np.sqrt(0.25 / 2000)


def test_stochastic_needs_a_seed() -> None:
    from forceratio import InputError

    with pytest.raises(InputError, match="seed"):
        battle("square", 10, 10, 0.1, 0.1, replications=5)


# ---- issue 11, defect 3: the stochastic mean converges to the deterministic solution -------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tau_leap_mean_is_unbiased_for_large_forces(seed: int) -> None:
    # before: mean losses 30-70 standard errors from the deterministic outcome
    det = battle("square", 1e6, 1e6, 0.02, 0.002, t_max=30)
    st = battle("square", 1e6, 1e6, 0.02, 0.002, t_max=30, replications=400, seed=seed)
    assert st.method == "tau_leap"
    for side in ("red", "blue"):
        losses = getattr(st, f"{side}_losses")
        se = losses.std(ddof=1) / np.sqrt(losses.size)
        assert abs(losses.mean() - getattr(det, f"{side}_losses")[0]) < 4 * se


def test_gillespie_thinning_follows_a_changing_multiplier() -> None:
    # red's fire falls linearly from 3x to 1x over 10 days: the exact simulation's mean
    # matches the deterministic solution (rates frozen between events would lag behind)
    from forceratio import Multiplier, simulate

    n = 1
    mult = Multiplier(np.array([0.0, 10.0]), np.array([[3.0, 1.0]]))
    eng = Engagement(
        get_law("square"),
        make_side("red", 400.0, 0.01, n=n, k_enemy=1, multiplier=mult),
        make_side("blue", 400.0, 0.01, n=n, k_enemy=1),
    )
    det = simulate(eng, t_max=8.0)
    st = simulate_stochastic(
        eng, replications=3000, seed=9, t_max=8.0, times=np.zeros(0), method="gillespie"
    )
    for side in ("red", "blue"):
        losses = getattr(st, f"{side}_losses")
        se = losses.std(ddof=1) / np.sqrt(losses.size)
        assert abs(losses.mean() - getattr(det, f"{side}_losses")[0]) < 4 * se


@pytest.mark.parametrize("method", ["gillespie", "tau_leap"])
def test_thinning_under_a_steep_multiplier_is_an_exact_poisson_process(
    method: Literal["gillespie", "tau_leap"],
) -> None:
    """Oracle: blue does not fire, so red (100 units, rate 0.05) keeps its strength and
    blue's losses form a Poisson process of intensity 5 m(t); m falls from 10 to 0.01 over
    the first day and stays there: losses by day 2 are Poisson with mean
    5 (10.01 / 2 + 0.01) = 25.075 (closed form).  Before, a thinned candidate event was
    taken as an arrival (+1 unit from nowhere): mean 24.53 here, -15 standard errors (both
    methods: tau-leaping runs its last events one by one), and blue rose without
    reinforcements."""
    from forceratio import Multiplier

    mult = Multiplier(np.array([0.0, 1.0]), np.array([[10.0, 0.01]]))
    eng = Engagement(
        get_law("square"),
        make_side("red", 100.0, 0.05, n=1, k_enemy=1, multiplier=mult),
        make_side("blue", 10000.0, 0.0, n=1, k_enemy=1),
    )
    reps = 20000
    st = simulate_stochastic(
        eng, replications=reps, seed=9, t_max=2.0, times=np.linspace(0.0, 2.0, 81), method=method
    )
    lost = st.blue_losses
    mean = 5.0 * (10.01 / 2 + 0.01)
    assert abs(lost.mean() - mean) < 4 * np.sqrt(mean / reps)  # 4 SE = 0.14
    assert lost.var(ddof=1) / mean == pytest.approx(1.0, abs=0.06)  # Poisson: var = mean
    traj = np.asarray(st.blue_trajectory)[:, :, 0]
    assert not np.any(np.diff(traj, axis=1) > 0)  # no reinforcements: strength never rises
    assert np.all(st.red_losses == 0)


@pytest.mark.slow
def test_scenario_deterministic_losses_inside_the_stochastic_band() -> None:
    # before: strike-12june-strip's deterministic losses fell outside the stochastic
    # 5-95% band for both sides
    from forceratio.scenarios.compare import compare

    row = compare(["strike-12june-strip"], replications=200, seed=1)[0]
    for side in ("soviet", "german"):
        det = float(row[f"{side}_losses"])
        assert float(row[f"{side}_losses_q05"]) <= det <= float(row[f"{side}_losses_q95"])

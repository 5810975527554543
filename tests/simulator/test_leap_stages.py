"""Tau-leaping's second moments, first crossings and counted arrivals.

Oracles: the square law's absorbing chain solved exactly (``square_chain``), the exact
moment equations of the chain with arrivals (affine propensities: a closed linear ODE),
the first-passage time of a birth-death walk with constant rates (Wald: E[T] = n / (l - m),
Var[T] = n (l + m) / (l - m)^3), and invariants (no fire: no losses at any date).
"""

from __future__ import annotations

import numpy as np

from forceratio import Engagement, Reinforcements, get_law, make_side, simulate_stochastic
from tests.simulator.arrival_chain import A, B, T, arrival_engagement, chain_moments
from tests.simulator.test_leap_ends import square_chain


def _chain_covariance() -> np.ndarray:
    """Covariance of (R, B, red losses, blue losses) at T of the exact chain of
    tests/simulator/arrival_chain.py (its moment ODE, with the cross moments kept)."""
    return chain_moments()[1]


def test_long_leaps_keep_the_chains_spread_and_correlation() -> None:
    # a leap drew each category's losses alone (binomial): the spread of each side's losses
    # short by the leap's share (blue's variance 0.943 of the chain's at epsilon 0.2, z -5.7)
    # and no correlation within a leap (-0.081 v -0.094); two stages, the second's means
    # moved twice the first's departure, keep both to second order in the leap
    cov = _chain_covariance()
    n = 20_000
    r = simulate_stochastic(arrival_engagement(A, B), replications=n, seed=3, t_max=T,
                            times=np.array([]), method="tau_leap", epsilon=0.2)  # fmt: skip
    x = np.stack([r.red_final, r.blue_final, r.red_losses, r.blue_losses])
    c = np.cov(x)
    ratio = np.diag(c) / np.diag(cov)
    assert np.all(np.abs(ratio - 1.0) < 4 * np.sqrt(2 / n)), ratio  # a variance's se, ~normal
    rho = c[2, 3] / np.sqrt(c[2, 2] * c[3, 3])
    rho_chain = cov[2, 3] / np.sqrt(cov[2, 2] * cov[3, 3])
    assert abs(rho - rho_chain) < 4 * (1 - rho_chain**2) / np.sqrt(n), (rho, rho_chain)


def test_a_duel_to_breakpoints_in_long_leaps_ends_where_the_chain_does() -> None:
    # the winner's final strength came out low (z -3.7 over 160,000 runs at epsilon 0.01,
    # -4 to -5 per side at 0.2 over 40,000): the leap's spread and correlation, above
    r0, b0, a, b, bp = 3000, 2950, 0.001, 0.00104, 0.3
    n = 40_000
    eng = Engagement(get_law("square"), make_side("red", r0, a, n=1, k_enemy=1, breakpoint=bp),
                     make_side("blue", b0, b, n=1, k_enemy=1, breakpoint=bp))  # fmt: skip
    r = simulate_stochastic(eng, replications=n, seed=5, t_max=1e7, times=np.array([]),
                            method="tau_leap", epsilon=0.2)  # fmt: skip
    p, e_r, e_b = square_chain(r0, b0, a, b, 900, 885)
    both = r.red_final + r.blue_final  # the winner's final plus the loser's level
    z = (both.mean() - e_r - e_b) / (both.std(ddof=1) / np.sqrt(n))
    z_p = ((r.red_final > 900).mean() - p) / np.sqrt(p * (1 - p) / n)
    assert max(abs(z), abs(z_p)) < 4.0, (both.mean(), e_r + e_b, z, z_p)


def test_arrivals_inside_a_leap_end_the_run_at_its_first_crossing() -> None:
    # red falls at 100 a day and gains 80 (blue does not lose), 1,000 units above its level:
    # the first passage takes n / (l - m) = 50 days.  A leap whose end was above the level
    # went on though its path had dipped below, and the bisection followed any crossing in
    # the leap, not the first: 50.27 days (z 5.1) at epsilon 0.1
    lam, mu, steps = 100.0, 80.0, 1000
    red = make_side("red", 10_000.0, 0.0, n=1, k_enemy=1, breakpoint=0.9,
                    reinforcements=Reinforcements.daily(0.0, 1000.0, [mu]))  # fmt: skip
    blue = make_side("blue", 1e6, lam / 1e6, n=1, k_enemy=1)
    n = 8000
    r = simulate_stochastic(Engagement(get_law("square"), red, blue), replications=n, seed=4,
                            t_max=1000.0, times=np.array([]), method="tau_leap",
                            epsilon=0.1)  # fmt: skip
    assert np.all(r.red_final == 9000.0)
    assert np.all(r.winner == "blue")  # red broke
    mean, var = steps / (lam - mu), steps * (lam + mu) / (lam - mu) ** 3
    z = (r.end_time.mean() - mean) / np.sqrt(var / n)
    assert abs(z) < 4.0, (r.end_time.mean(), mean, z)


def test_snapshots_count_the_arrivals_drawn_by_then() -> None:
    # without fire a run's losses by any date are 0: initial + arrived by t - strength at t
    red = make_side("red", 500.0, 0.0, n=1, k_enemy=1,
                    reinforcements=Reinforcements.daily(0.0, 20.0, [300.0]))  # fmt: skip
    blue = make_side("blue", 2500.0, 0.0, n=1, k_enemy=1,
                     reinforcements=Reinforcements.daily(2.0, 9.0, [40.0]))  # fmt: skip
    times = np.array([0.0, 0.5, 3.3, 7.0, 12.25, 20.0, 25.0])
    for method in ("gillespie", "tau_leap"):
        r = simulate_stochastic(Engagement(get_law("square"), red, blue), replications=200,
                                seed=6, t_max=25.0, times=times, method=method)  # fmt: skip
        sides = ((r.red_initial, r.red_arrived_trajectory, r.red_trajectory),
                 (r.blue_initial, r.blue_arrived_trajectory, r.blue_trajectory))  # fmt: skip
        for init, got, traj in sides:
            assert got is not None
            assert traj is not None
            np.testing.assert_array_equal(init[:, None] + got[:, :, 0] - traj[:, :, 0], 0.0)
            assert got[:, 3, 0].std() > 5  # drawn, not scheduled
        assert r.red_arrived_trajectory is not None
        np.testing.assert_array_equal(r.red_arrived_trajectory[:, -1, 0], r.red_arrived)


def test_record_values_before_the_end_count_the_arrivals_drawn() -> None:
    # barbarossa-22june's records fall on days 12-19 of 30; with every loss switched off
    # the model's value of each record (men lost by its day) is 0 in every run.  Before,
    # the arrivals by that day were the schedule's: USSR's first record off by up to 886
    from forceratio.scenarios.run import run
    from forceratio.scenarios.session import Session

    off = ["attrition.german_rate=1e-12", "attrition.soviet_rate=1e-12"]
    off += ["operations.capture.rate.USSR=0"]
    out = run(Session().prepare("barbarossa-22june", off), calibration={}, replications=50,
              seed=1)  # fmt: skip
    assert out.arrived["USSR"][0, :, 0].std() > 10  # the arrivals do vary
    np.testing.assert_allclose(out.record_model[0], 0.0, atol=1e-6)


def absorption(
    r0: int, b0: int, a: float, b: float, r_min: int, b_min: int
) -> tuple[np.ndarray, np.ndarray]:
    """The exact distribution of the square law's duel at its end: P(red wins with R left)
    by R, P(blue wins with B left) by B, the battle over when R = r_min or B = b_min.  The
    forward equation of its jump chain (red loses the next unit with probability
    b B / (b B + a R)), mass carried down the anti-diagonals R + B = n."""
    mass = np.zeros((r0 + 1, b0 + 1))
    mass[r0, b0] = 1.0
    red_wins, blue_wins = np.zeros(r0 + 1), np.zeros(b0 + 1)
    for n in range(r0 + b0, r_min + b_min + 1, -1):
        for r in range(max(r_min + 1, n - b0), min(r0, n - b_min - 1) + 1):
            q, m = n - r, mass[r, n - r]
            red_loses = b * q / (b * q + a * r)
            if r - 1 == r_min:
                blue_wins[q] += m * red_loses
            else:
                mass[r - 1, q] += m * red_loses
            if q - 1 == b_min:
                red_wins[r] += m * (1 - red_loses)
            else:
                mass[r, q - 1] += m * (1 - red_loses)
    return red_wins, blue_wins


def test_the_end_of_a_small_duel_in_long_leaps_has_the_chains_distribution() -> None:
    # 300 v 295, breakpoints 0.3 (levels 90 and 88.5: out at 90 and 88), epsilon 0.2: the
    # winner's final strength binned in 40 classes of equal exact probability.  Before:
    # chi-square 120 on 39 degrees of freedom (p 3e-10), E[R + B] z -8.8
    from scipy.stats import chisquare

    r0, b0, a, b = 300, 295, 0.001, 0.00104
    red_wins, blue_wins = absorption(r0, b0, a, b, 90, 88)
    assert abs(red_wins.sum() + blue_wins.sum() - 1.0) < 1e-12
    n = 40_000
    eng = Engagement(get_law("square"), make_side("red", r0, a, n=1, k_enemy=1, breakpoint=0.3),
                     make_side("blue", b0, b, n=1, k_enemy=1, breakpoint=0.3))  # fmt: skip
    r = simulate_stochastic(eng, replications=n, seed=2, t_max=1e7, times=np.array([]),
                            method="tau_leap", epsilon=0.2)  # fmt: skip
    red = r.winner == "red"
    assert np.all(r.blue_final[red] == 88)
    assert np.all(r.red_final[~red] == 90)
    # outcomes as one signed label: +R left (red won), -B left (blue won)
    label = np.concatenate([np.arange(r0 + 1), -np.arange(b0 + 1)])
    prob = np.concatenate([red_wins, blue_wins])
    order = np.argsort(label[prob > 0])
    label, prob = label[prob > 0][order], prob[prob > 0][order]
    classes = np.split(
        np.arange(label.size), np.searchsorted(np.cumsum(prob), np.arange(1, 40) / 40)
    )
    drawn = np.where(red, r.red_final, -r.blue_final)
    observed = [np.isin(drawn, label[c]).sum() for c in classes]
    expected = np.array([prob[c].sum() for c in classes]) * n
    assert chisquare(observed, expected * sum(observed) / expected.sum()).pvalue > 1e-4
    mean = (np.arange(r0 + 1) * red_wins).sum() + 90 * blue_wins.sum()
    mean += (np.arange(b0 + 1) * blue_wins).sum() + 88 * red_wins.sum()
    both = r.red_final + r.blue_final
    assert abs(both.mean() - mean) < 4 * both.std(ddof=1) / np.sqrt(n)

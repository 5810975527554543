"""Stochastic losses are the units a run lost, not its arrivals' noise (review16gen D2).

Oracles: with no fire nothing can be lost (losses exactly 0 in every run); for the square
law with daily arrivals the chain's propensities are affine in the state, so its first two
moments obey a closed linear ODE (exact, not an approximation), solved here by solve_ivp.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest

from forceratio import Engagement, Reinforcements, get_law, make_side, simulate, simulate_stochastic
from tests.simulator.arrival_chain import A, B, T, arrival_engagement, chain_moments

Method = Literal["gillespie", "tau_leap"]


def _moments() -> tuple[np.ndarray, np.ndarray]:
    """Mean and sd of (red losses, blue losses) at T of the exact chain."""
    m, cov = chain_moments()
    return m[2:], np.sqrt(np.diag(cov)[2:])


@pytest.mark.parametrize("method", ["gillespie", "tau_leap"])
def test_loss_mean_and_spread_match_the_exact_chain(method: Method) -> None:
    mean, sd = _moments()
    det = simulate(arrival_engagement(A, B), t_max=T)  # the oracle's chain is the engine's model
    assert mean == pytest.approx([det.red_losses[0], det.blue_losses[0]], rel=1e-6)
    assert sd[0] == pytest.approx(9.74, abs=0.6)  # review16gen's own SSA of red's losses
    n = 3000
    r = simulate_stochastic(arrival_engagement(A, B), replications=n, seed=3, t_max=T,
                            times=np.array([]), method=method)  # fmt: skip
    for k, losses in enumerate((r.red_losses, r.blue_losses)):
        assert abs(losses.mean() - mean[k]) < 4 * sd[k] / np.sqrt(n)  # z < 4
        assert abs(losses.std() - sd[k]) < 4 * sd[k] / np.sqrt(2 * n)  # sd's se, ~normal
        assert np.all(losses >= 0)
        assert np.all(losses == np.round(losses))


@pytest.mark.parametrize("method", ["gillespie", "tau_leap"])
def test_no_fire_no_losses_whatever_arrives(method: Method) -> None:
    # two weighted categories, fractional strengths, discrete arrivals (at t = 0 and later,
    # fractional) and daily ones: with kill rates 0 every run loses exactly nothing
    times, amounts = np.array([0.0, 2.0]), np.array([[10.3, 1.2], [50.5, 3.4]])
    knots, per_day = np.array([0.0, 3.0, 6.0]), np.array([[40.0, 2.0], [90.0, 0.5]])
    arr = Reinforcements(times, amounts, knots, per_day)
    red = make_side("red", [[300.4, 20.6]], np.zeros((2, 1)), n=1, k_enemy=1, weights=[1.0, 5.0],
                    categories=("men", "tanks"), reinforcements=arr)  # fmt: skip
    blue = make_side("blue", 250.7, 0.0, n=1, k_enemy=2,
                     reinforcements=Reinforcements.daily(1.0, 4.0, [120.0]))  # fmt: skip
    eng = Engagement(get_law("square"), red, blue)
    r = simulate_stochastic(eng, replications=400, seed=1, t_max=5.0, times=np.array([]),
                            method=method, round_strengths=True)  # fmt: skip
    np.testing.assert_allclose(r.red_losses, 0.0, atol=1e-9)  # main: off by up to 74
    np.testing.assert_allclose(r.blue_losses, 0.0, atol=1e-9)
    assert r.blue_arrived is not None
    assert r.blue_arrived.std() > 5  # the arrivals do vary


def test_a_scenario_without_fire_loses_no_men_in_any_run() -> None:
    # the built-in 12 June strike (daily arrivals on both sides) with every loss switched
    # off: main reported men lost up to ~900 a side (the arrivals' noise, clipped at 0) and
    # an attacker win in 42% of the runs
    from forceratio.scenarios.run import run
    from forceratio.scenarios.schema import CATEGORIES
    from forceratio.scenarios.session import Session

    off = ["attrition.german_rate=1e-12", "attrition.soviet_rate=1e-12"]
    off += ["operations.capture.rate.USSR=0", "modifiers.air_strike.destroyed_fraction=0"]
    # no advance either: since hops21 the depth rule applies whenever a scenario declares
    # operations (the built-ins do), so an advance at any rate would decide these runs
    off += ["operations.advance.scale=0"]
    out = run(Session().prepare("strike-12june-strip", off), calibration={}, replications=100,
              seed=1)  # fmt: skip
    pk = CATEGORIES.index("personnel")
    lost = np.zeros(100, dtype=bool)
    for side in ("USSR", "Germany"):
        np.testing.assert_allclose(out.losses[side][0, :, pk], 0.0, atol=1e-6)
        assert out.arrived[side][0, :, pk].std() > 10  # the runs' own, varying, arrivals
        lost |= np.any(out.losses[side][0] > 0.5, axis=1)
    # the rates' floor (1e-12) still kills: ~1e-4 units a run in expectation (a unit of
    # German guns in run 58 of seed 1 since the two-stage leap); those runs may be won
    assert lost.sum() <= 2
    assert not np.any(out.attacker_wins[0] & ~lost)

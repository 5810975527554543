"""A side that starts with nothing while its arrivals are due is not out on day 0.

Oracle: scipy's solve_ivp of the same square-law equations with the arrivals (a side with
nothing left takes no fire), its terminal event where a side reaches its level.
ASSUMPTION under test (:func:`forceratio.simulator.runs.hold_until`): such a side is out
only once no arrival is due (from its last arrival on), and its breakpoint is a fraction
of what it had plus its whole schedule.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from forceratio import Engagement, Reinforcements, get_law, make_side, simulate
from forceratio.simulator.stochastic import simulate_stochastic

R0, KR, KB = 100.0, 0.1, 0.05  # red's strength; red's and blue's kill rates per unit a day


def _eng(a: float, due: float, red_bp: float = 0.5, blue_bp: float = 0.0) -> Engagement:
    """Red R0 against a blue of 0 arriving at ``a`` a day from day 0 to ``due``."""
    red = make_side("red", R0, KR, n=1, k_enemy=1, breakpoint=red_bp)
    blue = make_side("blue", 0.0, KB, n=1, k_enemy=1, breakpoint=blue_bp,
                     reinforcements=Reinforcements.daily(0.0, due, [a]))  # fmt: skip
    return Engagement(get_law("square"), red, blue)


def _ivp(a: float, due: float, stop_at: float, t_end: float = 60.0) -> object:
    """dR/dt = -KB B, dB/dt = a [t < due] - KR R [B > 0]; stops where R reaches ``stop_at``."""

    def rhs(t: float, y: np.ndarray) -> list[float]:
        r, b = y
        return [-KB * max(b, 0.0), (a if t < due else 0.0) - (KR * r if b > 0.0 else 0.0)]

    def red_out(t: float, y: np.ndarray) -> float:
        return float(y[0] - stop_at)

    red_out.terminal = True  # type: ignore[attr-defined]
    return solve_ivp(rhs, (0.0, t_end), [R0, 0.0], events=red_out, rtol=1e-11, atol=1e-10,
                     dense_output=True, max_step=0.05)  # fmt: skip


def test_the_path_from_zero_follows_solve_ivp_and_ends_at_its_event() -> None:
    a, due = 50.0, 10.0  # 50 a day against red's fire of KR R0 = 10 a day: blue grows
    times = np.linspace(0.0, 6.0, 7)
    res = simulate(_eng(a, due), t_max=60.0, times=times)
    sol = _ivp(a, due, 0.5 * R0)
    t_event = float(sol.t_events[0][0])  # type: ignore[attr-defined]
    assert 5.0 < t_event < due  # red breaks while blue's arrivals still come in
    assert res.end_reason[0] == "breakpoint"
    assert res.winner[0] == "blue"
    assert res.duration[0] == pytest.approx(t_event, rel=1e-6)
    want = sol.sol(times)  # type: ignore[attr-defined]
    assert res.red_trajectory is not None
    assert res.blue_trajectory is not None
    np.testing.assert_allclose(res.red_trajectory[0, :, 0], want[0], rtol=1e-6)
    np.testing.assert_allclose(res.blue_trajectory[0, :, 0], want[1], rtol=1e-6, atol=1e-6)
    # losses: what it had (0) + what came in - what is left, finite
    assert res.blue_losses[0] == pytest.approx(a * t_event - res.blue_final[0], rel=1e-6)


@pytest.mark.parametrize(("a", "breaks"), [(12.0, True), (40.0, False)])
def test_the_breakpoint_of_a_side_from_zero_is_against_its_whole_schedule(
    a: float, breaks: bool
) -> None:
    """Blue, breakpoint 0.5, from 0 at ``a`` a day for 10 days: held until day 10, then out at
    half of 10 a.  At 12 a day (red's fire 10 a day) it holds far less: it breaks on day 10
    exactly; at 40 a day it holds more than half and fights on."""
    due, bp = 10.0, 0.5
    sol = _ivp(a, due, -1.0, t_end=due)  # no red event: the path to day 10
    b_due = float(sol.y[1, -1])  # type: ignore[attr-defined]
    assert (b_due <= bp * a * due) == breaks
    res = simulate(_eng(a, due, red_bp=0.0, blue_bp=bp), t_max=60.0)
    assert res.duration[0] > 0.0
    if breaks:
        assert res.end_reason[0] == "breakpoint"
        assert res.winner[0] == "red"
        assert res.duration[0] == due
        assert res.blue_final[0] == pytest.approx(b_due, rel=1e-6)
    else:
        assert res.duration[0] > due or res.end_reason[0] == "t_max"


def test_a_side_with_nothing_and_nothing_due_is_annihilated_at_once() -> None:
    red = make_side("red", R0, KR, n=1, k_enemy=1)
    blue = make_side("blue", 0.0, KB, n=1, k_enemy=1)
    res = simulate(Engagement(get_law("square"), red, blue), t_max=60.0, method="integrator")
    assert (res.end_reason[0], res.duration[0], res.winner[0]) == ("annihilation", 0.0, "red")


@pytest.mark.parametrize("method", ["gillespie", "tau_leap"])
def test_a_seeded_stochastic_run_from_zero_does_not_end_on_day_0(
    method: Literal["gillespie", "tau_leap"],
) -> None:
    a, due = 50.0, 10.0
    res = simulate_stochastic(_eng(a, due), replications=40, seed=3, t_max=60.0,
                              times=np.zeros(0), method=method)  # fmt: skip
    assert np.all(res.duration > 1.0)
    assert np.all(np.isfinite(res.duration))
    t_event = float(_ivp(a, due, 0.5 * R0).t_events[0][0])  # type: ignore[attr-defined]
    # the chain's mean end near the deterministic event (its spread: a few tenths of a day)
    assert abs(float(res.duration.mean()) - t_event) < 0.5
    assert set(res.winner) == {"blue"}

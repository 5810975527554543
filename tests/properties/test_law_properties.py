"""Hypothesis properties of the deterministic engine (closed form and integrator)."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from forceratio import BattleResult, battle

strength = st.floats(10.0, 1e5, allow_nan=False)
rate = st.floats(1e-4, 0.1, allow_nan=False)
bp = st.floats(0.0, 0.8)
laws = st.sampled_from(["square", "linear", "logarithmic", "ancient", "mixed", "helmbold", "power"])


def _run(
    law: str, R0: float, B0: float, a: float, b: float, bpr: float, bpb: float
) -> BattleResult:
    extra: dict[str, float] = {"helmbold": {"w": 0.5}, "power": {"p": 1.2, "q": 0.4}}.get(law, {})
    if law in ("linear", "mixed"):
        b = b / max(R0, B0)
    if law == "linear":
        a = a / max(R0, B0)
    if law == "ancient":
        a, b = a * 1000, b * 1000
    return battle(
        law,
        R0,
        B0,
        a,
        b,
        red_breakpoint=bpr,
        blue_breakpoint=bpb,
        t_max=200.0,
        times=np.linspace(0, 200, 9),
        p=extra.get("p"),
        q=extra.get("q"),
        w=extra.get("w"),
    )


@settings(max_examples=60, deadline=None)
@given(laws, strength, strength, rate, rate, bp, bp)
# b B0 = 1e-4: red's first step, 0.02 / (b B0) = 200 days, rounds to 1 ulp short of t_max
@example("mixed", 69.0, 65586.0, 0.0625, 1e-4, 0.0, 0.0)
def test_strengths_never_negative_never_rising(
    law: str, R0: float, B0: float, a: float, b: float, bpr: float, bpb: float
) -> None:
    r = _run(law, R0, B0, a, b, bpr, bpb)
    assert r.red_trajectory is not None
    assert r.blue_trajectory is not None
    for traj in (r.red_trajectory[0, :, 0], r.blue_trajectory[0, :, 0]):
        assert np.all(traj >= 0)
        assert np.all(np.diff(traj) <= 1e-9 * traj[0])
    assert r.red_final[0] <= R0
    assert r.blue_final[0] <= B0


@settings(max_examples=60, deadline=None)
@given(strength, strength, rate, rate)
def test_square_invariant_is_conserved_by_the_integrator(
    R0: float, B0: float, a: float, b: float
) -> None:
    r = battle(
        "square", R0, B0, a, b, method="integrator", t_max=50.0, times=np.linspace(0, 50, 11)
    )
    assert r.red_trajectory is not None
    assert r.blue_trajectory is not None
    R, B = r.red_trajectory[0, :, 0], r.blue_trajectory[0, :, 0]
    alive = (R > 0) & (B > 0)
    inv = a * R[alive] ** 2 - b * B[alive] ** 2
    scale = max(a * R0**2, b * B0**2)
    assert np.all(np.abs(inv - inv[0]) <= 1e-7 * scale)


@settings(max_examples=60, deadline=None)
@given(laws, strength, strength, rate, rate, bp, bp)
def test_swapping_sides_swaps_the_outcome(
    law: str, R0: float, B0: float, a: float, b: float, bpr: float, bpb: float
) -> None:
    if law == "mixed":  # asymmetric by definition: swapping changes who fires area fire
        return
    r = _run(law, R0, B0, a, b, bpr, bpb)
    s = _run(law, B0, R0, b, a, bpb, bpr)
    assert r.winner_code[0] == -s.winner_code[0]
    np.testing.assert_allclose(r.red_final, s.blue_final, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(r.duration, s.duration, rtol=1e-9)


@settings(max_examples=100, deadline=None)
@given(strength, strength, rate, rate, bp, bp)
def test_square_winner_follows_the_sign_of_the_invariant(
    R0: float, B0: float, a: float, b: float, bpr: float, bpb: float
) -> None:
    # each side is out at the larger of its breakpoint and half a unit
    lr, lb = max(bpr * R0, 0.5), max(bpb * B0, 0.5)
    margin = a * (R0**2 - lr**2) - b * (B0**2 - lb**2)
    if abs(margin) < 1e-9 * max(a * R0**2, b * B0**2):
        return
    for method in ("closed_form", "integrator"):
        r = battle(
            "square",
            R0,
            B0,
            a,
            b,
            red_breakpoint=bpr,
            blue_breakpoint=bpb,
            t_max=1e7,
            method=method,
        )
        assert r.winner_code[0] == (1 if margin > 0 else -1)


# ---- the power law over its whole range (issue 11) ----------------------------------------
exponent = st.floats(0.0, 3.0, allow_nan=False)
pace = st.floats(1e-3, 1.0)  # a side's initial loss, as a fraction of itself per day


def _rates(R0: float, B0: float, p: float, q: float, kr: float, kb: float) -> tuple[float, float]:
    """Red's and blue's kill rates (a, b) under which each side first loses kr (kb) of itself
    per day."""
    return kb * B0 / (R0**p * B0**q), kr * R0 / (B0**p * R0**q)


def _power(R0: float, B0: float, p: float, q: float, kr: float, kb: float) -> BattleResult:
    a, b = _rates(R0, B0, p, q, kr, kb)
    return battle("power", R0, B0, a, b, p=p, q=q, t_max=200.0, times=np.linspace(0.0, 200.0, 21))


@settings(max_examples=80, deadline=None)
@given(strength, strength, exponent, exponent, pace, pace)
def test_power_law_makes_no_gains_without_reinforcements(
    R0: float, B0: float, p: float, q: float, kr: float, kb: float
) -> None:
    r = _power(R0, B0, p, q, kr, kb)
    assert r.red_trajectory is not None
    assert r.blue_trajectory is not None
    for traj, x0 in ((r.red_trajectory[0, :, 0], R0), (r.blue_trajectory[0, :, 0], B0)):
        assert np.all(traj >= 0)
        assert np.all(np.diff(traj) <= 1e-9 * x0)
    assert 0 <= r.red_final[0] <= R0
    assert 0 <= r.blue_final[0] <= B0
    assert r.red_losses[0] >= 0
    assert r.blue_losses[0] >= 0


@settings(max_examples=80, deadline=None)
@given(strength, strength, exponent, exponent, pace, pace)
def test_power_law_conserves_its_invariant(
    R0: float, B0: float, p: float, q: float, kr: float, kb: float
) -> None:
    # dR/dB = b B^p R^q / (a R^p B^q): a R^e - b B^e with e = p - q + 1 is constant
    # (a log R - b log B when e = 0) while both sides stand (Bracken 1995)
    r = _power(R0, B0, p, q, kr, kb)
    a, b = _rates(R0, B0, p, q, kr, kb)
    e = p - q + 1

    def inv(R: np.ndarray, B: np.ndarray) -> np.ndarray:
        if abs(e) < 1e-9:
            return np.asarray(a * np.log(R) - b * np.log(B))
        return np.asarray((a * R**e - b * B**e) / e)

    assert r.red_trajectory is not None
    assert r.blue_trajectory is not None
    R, B = r.red_trajectory[0, :, 0], r.blue_trajectory[0, :, 0]
    standing = r.times < r.end_time[0]
    scale = max(
        abs(float(inv(np.array(R0), np.array(1.0)))), abs(float(inv(np.array(1.0), np.array(B0))))
    )
    drift = inv(R[standing], B[standing]) - inv(np.array(R0), np.array(B0))
    assert np.all(np.abs(drift) <= 1e-5 * scale + 1e-12)

"""The time a side fought to a level of 0 reaches it under the Helmbold law.
Before: 1e-3 of the time at the median for w = 0.1 and 0.2, up to 0.6 at
w = 0.05 (the side flattens as (T - t)**(1/w) and spent up to a tenth of its battle within
its absolute tolerance of 0, where no step follows it); at w = 0.02 and 0.01 the winner's
last strength (1e-37, 1e-91) was below its tolerance: undecided, or the wrong winner.

Oracle: Helmbold's exact solution (Helmbold 1965; dR/dt = -b B^w R^(1-w), dB/dt = -a R^w
B^(1-w)): in u = R^w, v = B^w it is the square law with rates w a, w b, so a R^(2w) - b
B^(2w) = C is conserved, C > 0 says red wins with (C/a)^(1/(2w)) left, and blue reaches 0
at t* = asinh(sqrt(b/C) B0^w) / (w sqrt(ab)); C = 0 (an exact draw) decays exponentially
and never reaches 0."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio import battle


def _helmbold(r0: np.ndarray, b0: np.ndarray, a: np.ndarray, b: np.ndarray, w: float) -> tuple[
    np.ndarray, np.ndarray, np.ndarray
]:  # fmt: skip
    """Per battle: whether red wins, the time the loser reaches 0, the winner's strength."""
    c = a * r0 ** (2 * w) - b * b0 ** (2 * w)
    red = c > 0
    x0, k_w, k_l = np.where(red, b0, r0), np.where(red, a, b), np.where(red, b, a)
    t = np.arcsinh(np.sqrt(k_l / np.abs(c)) * x0**w) / (w * np.sqrt(a * b))
    return red, t, (np.abs(c) / k_w) ** (1 / (2 * w))


@pytest.mark.parametrize("w", [0.05, 0.1, 0.2, 0.3, 0.5])
def test_the_end_time_at_level_zero_is_as_sharp_as_the_tolerance(w: float) -> None:
    # main: max 0.58 (w 0.05), 0.11 (0.1), 5.8e-3 (0.2), 1.6e-3 (0.3), 1.1e-4 (0.5)
    rng = np.random.default_rng(21)
    n = 60
    r0 = np.round(10 ** rng.uniform(1, 7, n))
    b0 = np.maximum(np.round(r0 * 10 ** rng.uniform(-2, 0.3, n)), 1.0)
    a, b = 10 ** rng.uniform(-4, -1, n), 10 ** rng.uniform(-4, -1, n)
    c = a * r0 ** (2 * w) - b * b0 ** (2 * w)
    keep = np.abs(c) > 1e-3 * (a * r0 ** (2 * w) + b * b0 ** (2 * w))  # the oracle's own rounding
    r0, b0, a, b = r0[keep], b0[keep], a[keep], b[keep]
    red, t_star, _ = _helmbold(r0, b0, a, b, w)
    r = battle("helmbold", r0, b0, a, b, w=w, annihilation=0.0, t_max=1e12)
    assert list(r.winner) == ["red" if x else "blue" for x in red]
    assert np.all(r.end_reason == "annihilation")
    assert np.max(np.abs(r.duration / t_star - 1)) < 1e-6


@pytest.mark.parametrize(("w", "bound"), [(0.02, 1e-5), (0.01, 1e-2)])
def test_a_winner_left_with_1e_37_or_1e_91_is_named(w: float, bound: float) -> None:
    # main: w 0.02 undecided at t_max, both at 0; w 0.01 blue named the winner on day 2,712
    one = np.ones(1)
    red, t_star, left = _helmbold(1000 * one, 500 * one, 0.01 * one, 0.01 * one, w)
    assert red[0]
    assert left[0] < 1e-36
    r = battle("helmbold", 1000.0, 500.0, 0.01, 0.01, w=w, annihilation=0.0, t_max=1e12)
    assert r.winner[0] == "red"
    assert r.end_reason[0] == "annihilation"
    assert r.red_final[0] == pytest.approx(left[0], rel=1e-3)
    # w 0.01: the tolerance is at its floor (tableau.ZERO_ATOL), below which (the last
    # (1e-300 / 500)**0.01 = 1e-3 of it) the time is extrapolated since session 22
    assert abs(r.duration[0] / t_star[0] - 1) < bound


@pytest.mark.parametrize(
    ("law", "extra"),
    [("helmbold", {"w": 0.7}), ("helmbold", {"w": 0.5}), ("helmbold", {"w": 0.05}),
     ("power", {"p": 1.0, "q": 0.5}), ("power", {"p": 2.0, "q": 0.5})],
)  # fmt: skip
def test_an_exact_draw_fought_to_zero_stays_undecided(law: str, extra: dict[str, float]) -> None:
    """A guard, not a defect of main: the tighter tolerance let a draw's last step overshoot
    0 by 3.2 tolerances (w 0.7), which then ended it by annihilation on day 4,087."""
    r = battle(law, [1000.0, 5e5], [1000.0, 5e5], [0.01, 0.001], [0.01, 0.001],
               annihilation=0.0, t_max=1e5, w=extra.get("w"), p=extra.get("p"),
               q=extra.get("q"))  # fmt: skip
    assert list(r.winner) == [None, None]
    assert list(r.end_reason) == ["t_max", "t_max"]

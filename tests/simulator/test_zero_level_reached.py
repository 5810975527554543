"""A level of 0 is reached where the equations reach it (review18b 1).

Oracles: the closed-form integral of the loser's time to 0 (a conserved quantity gives the
winner's strength as a function of the loser's, :func:`_first_to_zero`); the closed forms
(the equal-strength power-law draw; the logarithmic and linear laws' exponential decay,
which never gets to 0)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from forceratio import battle


def _first_to_zero(
    p: float, q: float, r0: float, b0: float, a: float, b: float, left: float = 0.0
) -> tuple[str, float]:
    """The side that reaches 0 first under dR/dt = -b B^p R^q, dB/dt = -a R^p B^q (the
    general law of Bracken 1995; q < 1), and when it is down to ``left`` of its start: a
    R^k - b B^k is constant (k = 1 + p - q), so the loser's time is the integral of dX /
    (rate Y^p X^q) over its strength X, the winner's Y a function of X (quad's algebraic
    weight X^-q at 0)."""
    k = 1.0 + p - q
    c = a * r0**k - b * b0**k
    # blue is out (c > 0): R(B) = ((c + b B^k) / a)^(1/k); else B(R) likewise
    x0, rate, k_other, k_own = (b0, a, a, b) if c > 0 else (r0, b, b, a)

    def integrand(x: float) -> float:
        other = ((abs(c) + k_own * x**k) / k_other) ** (1 / k)
        return float(1.0 / (rate * other**p))

    def time(lo: float, hi: float) -> float:
        return float(quad(integrand, lo, hi, weight="alg", wvar=(-q, 0.0), epsabs=0.0,
                          epsrel=1e-12, limit=200)[0])  # fmt: skip

    # the weight is (x - lo)^-q: from 0 to the end, less the last stretch from 0 to left
    return ("red" if c > 0 else "blue"), time(0.0, x0) - (time(0.0, left * x0) if left else 0.0)


@pytest.mark.parametrize("law", ["helmbold", "power"])
def test_a_side_killed_flatly_in_finite_time_is_killed(law: str) -> None:
    # main: 18 of 60 random Helmbold battles undecided at t_max, the loser left at 0 after
    # whole steps within the tolerance of 0 (B ~ (T - t)^(1/w) near the end)
    rng = np.random.default_rng(3)
    n = 30
    r0, b0 = rng.uniform(500, 5000, n), rng.uniform(500, 5000, n)
    a, b = rng.uniform(0.005, 0.02, n), rng.uniform(0.005, 0.02, n)
    wrong = 0
    for i in range(n):
        if law == "helmbold":
            w = float(rng.uniform(0.05, 0.95))
            p, q, kw = w, 1.0 - w, {"w": w}  # (helmbold: w; power: p and q)
        else:
            p, q = float(rng.uniform(0.0, 1.0)), float(rng.uniform(0.0, 0.9))
            kw = {"p": p, "q": q}
        win, t_end = _first_to_zero(p, q, r0[i], b0[i], a[i], b[i])
        # the time to 0 is as sharp as the time the path spends within the tolerance of 0
        # (atol 1e-10 of the start at rtol 1e-7; here 1e-9): long as q nears 1, the loser
        # X ~ (T - t)^(1/(1-q)) (2.7% of T at q = 0.82); else 1e-4 of T, the rate q < 1
        # being steep near 0 (2.9e-5 at p = 0.94, q = 0.48)
        t_near = _first_to_zero(p, q, r0[i], b0[i], a[i], b[i], left=1e-9)[1]
        r = battle(law, r0[i], b0[i], a[i], b[i], annihilation=0.0, t_max=1e5, **kw)  # type: ignore[arg-type]
        ok = r.winner[0] == win and abs(r.duration[0] - t_end) <= max(t_end - t_near, 1e-4 * t_end)
        wrong += not ok
    assert wrong == 0


def test_the_reviewers_helmbold_battle() -> None:
    # main: winner None, duration nan, red at 0 and blue 4.946 (LSODA: blue at t = 671.547)
    r = battle("helmbold", 1000, 800, 0.01, 0.012, w=0.3, annihilation=0, t_max=5000)
    assert r.winner[0] == "blue"
    assert abs(r.duration[0] - 671.547) < 0.5
    assert abs(r.blue_final[0] - 4.9458) < 1e-3


@pytest.mark.parametrize(("p", "q"), [(0.3, 0.3), (0.2, 0.5), (0.0, 0.5)])
@pytest.mark.parametrize("rtol", [1e-6, 1e-9])
def test_an_exact_draw_that_reaches_zero_ends_by_annihilation(
    p: float, q: float, rtol: float
) -> None:
    # p + q < 1: R = B both fall as R^(1-p-q) = R0^(1-p-q) - (1-p-q) b t, to 0 at T
    # (main: p = q = 0.3 at rtol 1e-6 undecided at t_max)
    e = 1.0 - p - q
    t_zero = 1000**e / (e * 0.01)
    r = battle("power", 1000, 1000, 0.01, 0.01, p=p, q=q, annihilation=0, t_max=1e6, rtol=rtol)
    assert r.end_reason[0] == "annihilation"
    assert r.winner[0] is None
    assert abs(r.duration[0] / t_zero - 1) < 1e-3


@pytest.mark.parametrize("rtol", [1e-4, 1e-7, 1e-8])
@pytest.mark.parametrize(
    ("law", "a", "b"), [("logarithmic", 0.01, 0.012), ("linear", 1e-5, 1.2e-5)]
)
def test_exponential_decay_never_reaches_zero(law: str, a: float, b: float, rtol: float) -> None:
    # losses linear in the side's own strength: R = R0 exp(-b t) (logarithmic), and the
    # linear law's loser decays exponentially too; the closed forms say undecided
    # (main: the logarithmic law at rtol 1e-4 ended with red annihilated on day 1895)
    exact = battle(law, 1000, 800, a, b, method="closed_form", annihilation=0.0, t_max=2e4)
    r = battle(law, 1000, 800, a, b, method="integrator", rtol=rtol, annihilation=0.0, t_max=2e4)
    assert exact.end_reason[0] == r.end_reason[0] == "t_max"
    assert r.winner[0] is None

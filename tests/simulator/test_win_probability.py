"""Stochastic win probabilities against the exact Markov chain of a small square-law duel.

The stochastic engine (``simulator/stochastic.py``) runs the continuous-time Markov chain
of the square law: red loses one unit at rate ``blue_rate * B``, blue at ``red_rate * R``
(``laws.py``: ``dR/dt = -b * B``, ``dB/dt = -a * R``, ``a = red_rate``).  A side is out
when its strength falls to its level, the larger of half a unit and its breakpoint times
its start (``runs.py``, ``s <= level``).  For a duel of a few units the chain is small
enough to solve exactly here, independently of the engine:

* the embedded jump chain gives the probability of each side winning before any time
  limit, by a dynamic programme over the (red, blue) states;
* the generator matrix's exponential (``scipy.linalg.expm``) gives the distribution of the
  state at ``t_max``, hence P(red wins), P(blue wins) and P(undecided) by then.

Each probability is checked within a two-sided band of 4 binomial standard errors over the
replications (a false alarm about once in 16,000 per check).  With 20,000 replications and
p near 0.11 the band is +-0.0089: a bias of 0.015 or more fails with probability about
0.99, a 5-point bias by 22 standard errors, and swapped red/blue (0.89 for 0.11) by 350.
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pytest
from scipy.linalg import expm
from typer.testing import CliRunner

from forceratio import battle, summarize
from forceratio.cli.app import app
from forceratio.report import outcome_stats

REPS = 20_000
runner = CliRunner()


def level(start: int, breakpoint: float) -> float:
    """The strength at or below which a side is out (half a unit, or its breakpoint)."""
    return max(0.5, breakpoint * start)


def p_red_wins_eventually(red: int, blue: int, a: float, b: float, lr: float, lb: float) -> float:
    """The embedded jump chain: from (r, s) blue loses the next unit with probability
    a r / (a r + b s), red with b s / (a r + b s)."""

    @cache
    def f(r: int, s: int) -> float:
        if r <= lr:
            return 0.0
        if s <= lb:
            return 1.0
        to_blue, to_red = a * r, b * s
        return (to_blue * f(r, s - 1) + to_red * f(r - 1, s)) / (to_blue + to_red)

    return f(red, blue)


def state_at(
    red: int, blue: int, a: float, b: float, lr: float, lb: float, t: float
) -> dict[tuple[int, int], float]:
    """P(state at time t) of the continuous-time chain, absorbing where a side is out."""
    states = [(r, s) for r in range(red + 1) for s in range(blue + 1)]
    idx = {st: i for i, st in enumerate(states)}
    q = np.zeros((len(states), len(states)))
    for (r, s), i in idx.items():
        if r <= lr or s <= lb:
            continue  # absorbed
        q[i, i] = -(a * r + b * s)
        q[i, idx[(r, s - 1)]] += a * r
        q[i, idx[(r - 1, s)]] += b * s
    p = expm(q * t)[idx[(red, blue)]]
    return {st: float(p[i]) for st, i in idx.items()}


def outcome_probabilities(
    red: int, blue: int, a: float, b: float, lr: float, lb: float, t: float
) -> tuple[float, float, float]:
    """(P(red wins), P(blue wins), P(undecided)) by time t."""
    dist = state_at(red, blue, a, b, lr, lb, t)
    pr = sum(p for (r, s), p in dist.items() if s <= lb and r > lr)
    pb = sum(p for (r, s), p in dist.items() if r <= lr and s > lb)
    return pr, pb, 1.0 - pr - pb


def within(observed: float, p: float, n: int, k: float = 4.0) -> bool:
    """|observed - p| within k binomial standard errors (and a floor for p near 0 or 1)."""
    se = max(np.sqrt(p * (1 - p) / n), 1.0 / n)
    return bool(abs(observed - p) <= k * se)


# red 10 v blue 8.  First: rates chosen so that blue wins most duels (a R0^2 = 5 <
# b B0^2 = 9.6; P(red wins) = 0.112) and the rate convention matters (red_rate and blue_rate
# exchanged: red wins 99.8%).  Second: even rates, red's edge in numbers, both breakpoints.
DUELS = [
    # red, blue, red_rate, blue_rate, red_breakpoint, blue_breakpoint
    pytest.param(10, 8, 0.05, 0.15, 0.0, 0.0, id="annihilation"),
    pytest.param(10, 8, 0.1, 0.1, 0.35, 0.25, id="breakpoints"),
]


def test_the_oracle_itself() -> None:
    """The two oracles agree with each other and with the square law's known cases."""
    # by symmetry an even duel is even
    assert p_red_wins_eventually(6, 6, 0.1, 0.1, 0.5, 0.5) == pytest.approx(0.5)
    # one against one: red wins with probability a / (a + b)
    assert p_red_wins_eventually(1, 1, 0.2, 0.6, 0.5, 0.5) == pytest.approx(0.25)
    pr, pb, pu = outcome_probabilities(10, 8, 0.05, 0.15, 0.5, 0.5, 1e4)
    assert pr == pytest.approx(p_red_wins_eventually(10, 8, 0.05, 0.15, 0.5, 0.5), abs=1e-9)
    assert pu == pytest.approx(0.0, abs=1e-9)
    assert pr + pb == pytest.approx(1.0)


@pytest.mark.parametrize(("red", "blue", "a", "b", "bpr", "bpb"), DUELS)
@pytest.mark.parametrize("method", ["gillespie", "tau_leap", "auto"])
def test_win_probabilities_match_the_exact_chain(
    red: int, blue: int, a: float, b: float, bpr: float, bpb: float, method: str
) -> None:
    """Before the default year's limit every duel is decided (P(undecided) < 1e-100): the
    engine's shares of red and blue wins against the jump chain's absorption probability.
    (``tau_leap`` takes a duel this small event by event: it must agree as well.)"""
    lr, lb = level(red, bpr), level(blue, bpb)
    p = p_red_wins_eventually(red, blue, a, b, lr, lb)
    res = battle(
        "square", red, blue, a, b, red_breakpoint=bpr, blue_breakpoint=bpb,
        replications=REPS, seed=7, method=method,  # type: ignore[arg-type]
    )  # fmt: skip
    st = outcome_stats(res)
    assert st["replications"] == REPS
    assert within(st["p_red_wins"], p, REPS), (st["p_red_wins"], p)
    assert within(st["p_blue_wins"], 1.0 - p, REPS), (st["p_blue_wins"], 1 - p)
    assert st["p_undecided"] == 0.0
    assert st["p_red_wins"] + st["p_blue_wins"] + st["p_undecided"] == pytest.approx(1.0)
    # the winner is the side left above its level (a check of the winner column itself)
    red_won = np.asarray(res.winner) == "red"
    assert red_won.mean() == st["p_red_wins"]
    assert np.all(res.red_final[red_won] > lr)
    assert np.all(res.blue_final[red_won] <= lb)


@pytest.mark.parametrize(
    ("red", "blue", "a", "b", "bpr", "bpb", "t_max"),
    [(*d.values, t) for d, t in zip(DUELS, (12.0, 8.0), strict=True)],
)
def test_three_outcomes_by_a_time_limit_match_the_chain(
    red: int, blue: int, a: float, b: float, bpr: float, bpb: float, t_max: float
) -> None:
    """With a time limit where about a third of the duels are still undecided, each of the
    three probabilities against the chain's state at t_max: this checks the time scale
    (rates per day) and P(undecided) as well as who wins."""
    lr, lb = level(red, bpr), level(blue, bpb)
    pr, pb, pu = outcome_probabilities(red, blue, a, b, lr, lb, t_max)
    assert min(pr, pb, pu) > 0.02  # all three are there to be measured
    res = battle(
        "square", red, blue, a, b, red_breakpoint=bpr, blue_breakpoint=bpb,
        replications=REPS, seed=8, method="gillespie", t_max=t_max,
    )  # fmt: skip
    st = outcome_stats(res)
    for key, p in (("p_red_wins", pr), ("p_blue_wins", pb), ("p_undecided", pu)):
        assert within(st[key], p, REPS), (key, st[key], p)
    assert st["p_red_wins"] + st["p_blue_wins"] + st["p_undecided"] == pytest.approx(1.0)


def test_summarize_gives_each_scenario_its_own_probabilities() -> None:
    """``forceratio.summarize`` (public, one row per scenario) on a batch of the two duels
    and their mirror image: every row's probabilities against its own oracle, so a row
    given another scenario's numbers, or red's and blue's swapped, fails."""
    red, blue = np.array([10, 10, 8]), np.array([8, 8, 10])
    a, b = np.array([0.05, 0.1, 0.15]), np.array([0.15, 0.1, 0.05])
    bpr, bpb = np.array([0.0, 0.35, 0.0]), np.array([0.0, 0.25, 0.0])
    res = battle(
        "square", red, blue, a, b, red_breakpoint=bpr, blue_breakpoint=bpb,
        replications=REPS, seed=9, method="gillespie",
    )  # fmt: skip
    table = summarize(res)
    assert list(table["scenario"]) == [0, 1, 2]
    assert list(table["replications"]) == [REPS] * 3
    for i, row in table.iterrows():
        n = int(str(i))
        lr, lb = level(int(red[n]), bpr[n]), level(int(blue[n]), bpb[n])
        p = p_red_wins_eventually(int(red[n]), int(blue[n]), a[n], b[n], lr, lb)
        assert within(float(row["p_red_wins"]), p, REPS), (n, row["p_red_wins"], p)
        assert within(float(row["p_blue_wins"]), 1 - p, REPS), (n, row["p_blue_wins"], 1 - p)
        assert row["p_red_wins"] + row["p_blue_wins"] + row["p_undecided"] == pytest.approx(1)
        st = outcome_stats(res, n)
        for key in ("p_red_wins", "p_blue_wins", "p_undecided"):
            assert row[key] == st[key]
        assert row["red_final_mean"] == pytest.approx(st["red_final"]["mean"])
    # the mirror image (scenario 2 is scenario 0 with the sides exchanged)
    assert within(float(table["p_blue_wins"][2]), float(table["p_red_wins"][0]), REPS, 6.0)


@pytest.mark.parametrize("t_max", [365.0, 12.0])
def test_cli_json_probabilities_match_the_chain(t_max: float) -> None:
    """``forceratio battle --replications N --format json``: the printed probabilities (in
    ``stochastic`` and the top-level ``p_red_wins``) against the chain."""
    red, blue, a, b = 10, 8, 0.05, 0.15
    pr, pb, pu = outcome_probabilities(red, blue, a, b, 0.5, 0.5, t_max)
    args = ["battle", "--red", "10", "--blue", "8", "--red-rate", "0.05", "--blue-rate"]
    args += ["0.15", "--t-max", str(t_max), "--replications", str(REPS), "--seed", "3"]
    res = runner.invoke(app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    sto = out["stochastic"]
    assert sto["replications"] == REPS
    assert out["p_red_wins"] == sto["p_red_wins"]
    for key, p in (("p_red_wins", pr), ("p_blue_wins", pb), ("p_undecided", pu)):
        assert within(sto[key], p, REPS), (key, sto[key], p)
    assert sto["p_red_wins"] + sto["p_blue_wins"] + sto["p_undecided"] == pytest.approx(1.0)
    # the table format prints the same two numbers in its title
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert f"P(red wins) = {sto['p_red_wins']:.3f}" in table.stdout
    assert f"P(blue wins) = {sto['p_blue_wins']:.3f}" in table.stdout

"""The stochastic model counts whole units: strengths that rounding would change are
refused, not silently rounded (review18b 2).

Oracles: Lanchester's square law (a R0^2 > b B0^2: red wins; with 1400 v 600 men, a R0^2 =
19,600 against b B0^2 = 4,320, red wins almost surely), and the conservation of a side's
strength (final <= initial without arrivals)."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from forceratio import InputError, battle, simulate_stochastic
from forceratio.cli.app import app
from forceratio.simulator.engagement import Engagement, make_side
from forceratio.simulator.laws import get_law


@pytest.mark.parametrize(
    ("red", "blue", "side", "shown"), [(1.4, 0.6, "red", "1.4"), (2.6, 0.4, "red", "2.6"),
                                       (1000.0, 0.4, "blue", "0.4"), (300.4, 800, "red", "300.4")],
)  # fmt: skip
def test_strengths_rounding_would_change_are_refused(
    red: float, blue: float, side: str, shown: str
) -> None:
    # main: 1.4 v 0.6 ran as 1 v 1, P(red wins) 0.46; 2.6 v 0.4 as 3 v 0, red "won" at t=0
    # with 3 left of 2.6
    with pytest.raises(InputError, match=rf"^{side}: .*whole units.* {shown} is not one"):
        battle("square", red, blue, 0.01, 0.012, annihilation=0.0005, replications=20, seed=1)


def test_counts_of_units_give_the_square_laws_winner() -> None:
    r = battle("square", 1400, 600, 0.01, 0.012, replications=500, seed=1)
    assert np.all(r.winner == "red")
    assert np.all(r.red_final <= 1400)
    assert np.all(r.blue_final <= 600)


def test_a_fraction_of_a_large_count_is_rounded() -> None:
    # 1000.5 is within 0.05% of a whole unit: rounded (the chain's state), as before
    r = battle("square", 1000.5, 800.4, 0.01, 0.012, replications=3, seed=1)
    assert np.all(r.winner == "red")


def test_the_engine_entry_refuses_too_and_scenarios_may_round() -> None:
    red = make_side("USSR", [[300.4, 20.0]], np.full((2, 1), 0.01), n=1, k_enemy=1,
                    categories=("men", "tanks"))  # fmt: skip
    blue = make_side("Germany", 250.0, np.full((1, 2), 0.01), n=1, k_enemy=2)
    eng = Engagement(get_law("square"), red, blue)
    kw = {"replications": 5, "seed": 1, "t_max": 50.0, "times": np.zeros(0)}
    with pytest.raises(InputError, match=r"^USSR\.strength: .*300\.4 is not one"):
        simulate_stochastic(eng, **kw)  # type: ignore[arg-type]
    r = simulate_stochastic(eng, round_strengths=True, **kw)  # type: ignore[arg-type]
    assert r.red_final.shape == (5,)


def test_the_cli_says_it_in_one_line() -> None:
    res = CliRunner().invoke(
        app, ["battle", "--red", "1.4", "--blue", "0.6", "--annihilation", "0.0005",
              "--replications", "20", "--seed", "1"],
    )  # fmt: skip
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1
    assert "--red: the stochastic model counts whole units" in lines[0]

"""The closed forms where one side's kill rate is 0 (that side's fire is off, the other
side is never hit): review19a's surviving mutants C4 (the linear law's time to a level
when the other side is frozen) and C6 (the square law's trajectory with one rate 0).
Oracle: solve_ivp on the law's equations (tests/oracle.py)."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.errors import InputError
from forceratio.simulator.battle import battle
from forceratio.simulator.solve import closed_form_outcome
from tests import oracle

LAW_PQ = {"square": (1.0, 0.0), "linear": (1.0, 1.0), "logarithmic": (0.0, 1.0)}
SCALE = {"square": 1e-2, "linear": 1e-4, "logarithmic": 3e-2}


@pytest.mark.parametrize("law", list(LAW_PQ))
@pytest.mark.parametrize("silent", ["red", "blue"])
@pytest.mark.parametrize("bp", [0.0, 0.35])
def test_a_side_that_does_not_fire_matches_solve_ivp(law: str, silent: str, bp: float) -> None:
    """One side's rate 0: its enemy is never hit, and it falls alone (square: linearly,
    linear and logarithmic: exponentially) until its level; times, ends and trajectories
    of both sides against solve_ivp."""
    r0, b0 = np.array([1000.0, 700.0]), np.array([800.0, 1300.0])
    rate = np.array([0.8, 1.3]) * SCALE[law]
    a, b = (np.zeros(2), rate) if silent == "red" else (rate, np.zeros(2))
    times = (5.0, 50.0, 150.0)
    t_max = 400.0
    res = battle(law, r0, b0, a, b, red_breakpoint=bp, blue_breakpoint=bp, t_max=t_max,
                 times=list(times))  # fmt: skip
    assert res.method == "closed_form"
    assert res.red_trajectory is not None
    assert res.blue_trajectory is not None
    for i in range(2):
        t_end, r_end, b_end, samples = oracle.solve(
            r0[i : i + 1], b0[i : i + 1], np.array([[a[i]]]), np.array([[b[i]]]),
            red_pq=LAW_PQ[law], blue_pq=LAW_PQ[law], level_r=max(bp * r0[i], 0.5),
            level_b=max(bp * b0[i], 0.5), t_max=t_max, t_eval=np.array(times),
        )  # fmt: skip
        assert t_end is not None  # every case here is decided within t_max
        assert res.duration[i] == pytest.approx(t_end, rel=1e-7)
        assert res.winner[i] == ("blue" if silent == "red" else "red")
        gone = res.end_reason[i] == "annihilation"
        loser_r = silent == "red"
        want_r = 0.0 if gone and loser_r else r_end[0]
        want_b = 0.0 if gone and not loser_r else b_end[0]
        assert res.red_final[i] == pytest.approx(want_r, rel=1e-6, abs=1e-6)
        assert res.blue_final[i] == pytest.approx(want_b, rel=1e-6, abs=1e-6)
        for k, t in enumerate(times):
            if t in samples:
                assert res.red_trajectory[i, k, 0] == pytest.approx(samples[t][0], rel=1e-7)
                assert res.blue_trajectory[i, k, 0] == pytest.approx(samples[t][1], rel=1e-7)


@pytest.mark.parametrize("side", ["red", "blue"])
def test_the_compiled_square_pass_refuses_a_breakpoint_of_one(side: str) -> None:
    """A breakpoint fraction must be in [0, 1) (Side docstring); the square law's compiled
    pass checks its inputs itself (solve.closed_form_outcome), so 1 is refused there too,
    and 0.999 runs (review19a's surviving mutant C8: fr < 1 -> fr <= 1)."""
    for fr, ok in ((0.999, True), (1.0, False)):
        f_r, f_b = (fr, 0.0) if side == "red" else (0.0, fr)
        args = ("square", 1, 1000.0, 800.0, 0.01, 0.012, f_r, f_b, 0.5, 0.5, 100.0)
        if ok:
            assert closed_form_outcome(*args)[7][0] >= 0
        else:
            with pytest.raises(InputError, match="out of range"):
                closed_form_outcome(*args)

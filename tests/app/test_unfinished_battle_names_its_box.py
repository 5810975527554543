"""A value within its own domain at which the integrator cannot finish the battle (a
surprise that decays in 5e-324 days, a capture factor of 1e308) is refused naming the box
moved, as a value the engine refuses as a product is: the refusal named only
``integrator``, so the page outlined no box and the user was not told which value to undo.
Since the fire multiplier refuses knots too close for their change (the surprise's decay
among them), the 5e-324 days are refused by it before the integrator, naming the same box.

Oracle: the one value the test moved, sent alone and among all the page's values (the
scenario's own values run: the moved value is the only cause)."""

from __future__ import annotations

import pytest

from forceratio.app.model import Explorer
from forceratio.errors import InputError

SCN = "strike-12june-strip"


@pytest.mark.parametrize(
    ("path", "value", "said"),
    [
        ("modifiers.surprise.decay_days", 5e-324, "knots too close"),
        ("operations.capture.factor.defender", 1e308, "battles not finished"),
    ],
)
def test_an_unfinished_battle_names_the_box_moved(
    explorer: Explorer, path: str, value: float, said: str
) -> None:
    own = {p["path"]: p["value"] for p in explorer.scenario(SCN)["parameters"]}
    assert explorer.run(SCN, own)["winner"]  # the scenario's own point runs
    for values in ({path: value}, {**own, path: value}):
        with pytest.raises(InputError) as err:
            explorer.run(SCN, values)
        assert err.value.field == path
        assert err.value.problem.startswith("with this value, "), err.value.problem
        assert said in err.value.problem, err.value.problem


def test_a_vanishing_duration_runs_without_a_warning(explorer: Explorer) -> None:
    """A duration of 5e-324 days overflowed a division (t / d) whose result is clipped
    to [0, 1], printing a Python RuntimeWarning on the server's console (an error under
    pytest). Oracle: the limit, the same run at a duration of 0."""
    path = "modifiers.posture.unprepared_until"
    at_zero = explorer.run(SCN, {path: 0.0})
    tiny = explorer.run(SCN, {path: 5e-324})  # (pytest: a warning is an error)
    assert tiny["winner"] == at_zero["winner"]
    assert tiny["attacker_margin"] == pytest.approx(at_zero["attacker_margin"], abs=1e-9)

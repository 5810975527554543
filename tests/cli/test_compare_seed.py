"""``compare`` refuses a seed nothing random uses, as ``run()`` refuses a seed without
replications (``compare(["smolensk-1941"], seed=3)`` was accepted and ignored).  The seed
seeds the replications, and the 12 June rows' posterior draws unless ``posterior_seed`` is
given; the invariant checked: a seed is accepted exactly when some row's numbers are drawn."""

from __future__ import annotations

import pytest

import forceratio
from forceratio.errors import InputError
from tests.cli.refusals import refused


@pytest.mark.parametrize(
    ("names", "kwargs", "field"),
    [
        (["smolensk-1941"], {"seed": 3}, "seed"),  # no replications, no 12 June row
        (["strike-12june-strip"], {"seed": 3, "posterior": 0}, "seed"),  # no draws asked
        (["strike-12june-strip"], {"seed": 3, "uncalibrated": True}, "seed"),  # none apply
        (["strike-12june-strip"], {"seed": 3, "posterior_seed": 4, "posterior": 8}, "seed"),
        (["smolensk-1941"], {"posterior_seed": 4}, "posterior_seed"),
    ],
)
def test_a_seed_nothing_uses_is_refused(
    names: list[str], kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as err:
        forceratio.compare(names, **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field
    assert (
        "nothing random uses it" in err.value.problem or "no posterior draws" in err.value.problem
    )


def test_a_seed_some_row_uses_is_kept() -> None:
    rows = forceratio.compare(["smolensk-1941"], seed=3, replications=2)
    assert rows[0]["seed"] == 3
    rows = forceratio.compare(["smolensk-1941", "strike-12june-strip"], seed=3, posterior=8)
    assert {"seed", "posterior_seed"}.isdisjoint(rows[0])  # nothing drawn there
    assert rows[1]["posterior_seed"] == 3  # the 12 June row's draws


def test_the_command_line_refuses_it_too(capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, ["compare", "smolensk-1941", "--seed", "3"])
    assert line.startswith("forceratio: error: --seed: nothing random uses it: smolensk-1941")

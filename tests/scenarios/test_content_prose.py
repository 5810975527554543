"""review22d H1: prose is left out of a scenario's content by model field, not by key name.

``without_prose`` dropped every key named ``source``/``note``/``notes``/``sources``/
``description`` at any depth, so a transfer a user named ``source`` vanished from the sweep
digest and the calibration key: changing its share changed neither, and ``--resume`` could
mix two scenarios' numbers.  Oracle: an invariant (a changed share is a changed scenario;
a changed note is not), checked on the digest both keys are built from.
"""

from __future__ import annotations

import pytest

from forceratio.scenarios import load_scenario
from forceratio.scenarios.content import PROSE, content
from forceratio.scenarios.schema import Scenario
from forceratio.sweeps.inputs import scenario_digest

SCN = "barbarossa-22june"  # has one transfer, pz3_north


def _with_transfer(base: Scenario, name: str, share: float, note: str = "") -> Scenario:
    shipped = base.transfers["pz3_north"]
    moved = shipped.model_copy(update={"share": share, "note": note})
    return base.model_copy(update={"transfers": {**base.transfers, name: moved}})


@pytest.mark.parametrize("name", sorted(PROSE))
def test_a_transfer_named_like_prose_is_content(name: str) -> None:
    base = load_scenario(SCN)
    low, high = _with_transfer(base, name, 0.25), _with_transfer(base, name, 0.75)
    assert content(low)["transfers"][name]["share"] == 0.25
    assert scenario_digest(low) != scenario_digest(high)


def test_prose_fields_are_still_left_out() -> None:
    base = load_scenario(SCN)
    plain, noted = _with_transfer(base, "source", 0.5), _with_transfer(base, "source", 0.5, "x")
    assert scenario_digest(plain) == scenario_digest(noted)  # the transfer's note is prose
    dumped = content(base)
    assert not PROSE & dumped.keys()  # description, sources, notes
    assert all("source" not in w for w in dumped.get("weights", {}).values())

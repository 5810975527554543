"""A prepared scenario is frozen once built: a session caches it and keys what it derives
by its identity, so nothing may rebind its fields or where its errors say it came from."""

from __future__ import annotations

import dataclasses

import pytest

from forceratio.scenarios.session import Session


def test_a_prepared_scenario_cannot_be_rebound() -> None:
    prep = Session().prepare("smolensk-1941")
    with pytest.raises(dataclasses.FrozenInstanceError):
        prep.factors = {}  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        prep.where = "elsewhere.toml"  # type: ignore[misc]
    assert prep.where == "smolensk-1941"  # as load_prepared named it

"""The registry's entries for the rebuilt 12 June scenarios (issue 13): the share of each
category present on the scenario's date per sector (:class:`~.schema_forces.Presence`), each
side's capacity to encircle the other, and with one capture process for both sides the
factor on its rate of each role, attacker and defender (:class:`~.schema_operations.Capture`).

Each entry is a :class:`~forceratio.scenarios.registry_base.Parameter`;
:mod:`forceratio.scenarios.registry` gathers them into its ``PARAMETERS``.
"""

from __future__ import annotations

from collections.abc import Callable

from forceratio.scenarios.registry_base import (
    CATEGORY_LABEL,
    EXPONENT,
    POSITIVE,
    SHARE_RATE,
    SIDE_ADJECTIVE,
    Domain,
    Parameter,
)
from forceratio.scenarios.schema import CATEGORIES, PRESENCE_KEYS, ROLES, SIDES, Scenario


def _has(key: str) -> Callable[[Scenario], bool]:
    return lambda scn: key in scn.presence


def strike_parameters() -> list[Parameter]:
    """Presence shares per sector key and category; encircling capacity per side."""
    out = [
        Parameter(
            f"presence.{key}.{cat}",
            f"Share of {CATEGORY_LABEL[cat]} present on the date ({key})",
            "share of the sector's full strength",
            Domain(0.0, 1.0),
            1.0,
            applies=_has(key),
        )
        for key in PRESENCE_KEYS
        for cat in CATEGORIES
    ]
    out += [
        Parameter(
            f"presence.{key}.transit_loss",
            f"Share of the forces in transit lost a day ({key})",
            "share a day",
            SHARE_RATE,
            0.0,
            assumption="no source gives a figure: interdiction by air and rail strikes and"
            " capture at detraining, from the run's start (issue13-mechanisms 8.21)",
            applies=_has(key),
        )
        for key in PRESENCE_KEYS
    ]
    out += [
        Parameter(
            f"operations.capture.capacity.{side}",
            f"{SIDE_ADJECTIVE[side]} capacity to encircle, relative to the Wehrmacht of 22 June",
            "× the enemy's capture rate",
            POSITIVE,
            1.0,
        )
        for side in SIDES
    ]
    out.append(
        Parameter(
            "operations.capture.mobile_exponent",
            "Capacity to encircle's power of a sector's mobile divisions (× the reference's)",
            "exponent",
            EXPONENT,
            1.0,
            assumption="no published rule: 0 = every sector at the side's capacity, 1 ="
            " proportional to the panzer divisions (issue13-mechanisms 8.9)",
        )
    )
    out += [
        Parameter(
            f"operations.capture.factor.{role}",
            f"The {role}'s capture rate",
            "× the capture process's rate",
            POSITIVE,
            1.0,
            applies=lambda scn: scn.operations.capture.process == "one",
        )
        for role in ROLES
    ]
    return out

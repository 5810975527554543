"""The scenario file: a pydantic schema, validated on load with one clear error per problem.

A scenario says who fights whom, where the numbers come from (rows of the data tables, or
inline figures), how categories combine into combat power, which modifiers apply, the
attrition law and its rates, and which parameters are uncertain (for sweeps).  Every
default that is not a historical figure is marked as an assumption in its model's
docstring; for the numeric ones a sweep may vary, the parameter registry says so too
(``ASSUMPTION: ...`` in :func:`forceratio.scenarios.registry.parameter_sources`, the
source column of ``forceratio scenarios show``).

This module holds :class:`Scenario` and the values it reads from tables or weights; the
rest of the schema lives by what it describes, every name re-exported here:
:mod:`.schema_base` (sides, categories, number types, :class:`StrictModel`),
:mod:`.schema_forces` (parts, sectors, arrivals, presence, transfers, records),
:mod:`.schema_battle` (modifiers, attrition) and :mod:`.schema_operations` (capture,
advance, the outcome rule).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field, Strict, field_validator, model_validator

from forceratio.errors import InputError
from forceratio.scenarios.bounds import WeightValue
from forceratio.scenarios.dates import IsoDate
from forceratio.scenarios.keys import error_field_and_message
from forceratio.scenarios.schema_base import (
    CATEGORIES,
    ROLES,
    SIDES,
    Fraction,
    NonNeg,
    Num,
    Positive,
    Posture,
    ReadyPosture,
    Share,
    Side,
    StrictModel,
    SurpriseLevel,
    sides_only,
)
from forceratio.scenarios.schema_battle import (
    AirStrike,
    Attrition,
    Modifiers,
    PostureChange,
    PostureMods,
    Surprise,
)
from forceratio.scenarios.schema_forces import (
    PRESENCE_KEYS,
    Arrival,
    ForcePart,
    MobileChange,
    Presence,
    RecordPart,
    ScenarioRecord,
    Sector,
    Transfer,
)
from forceratio.scenarios.schema_operations import (
    Advance,
    Capture,
    Operations,
    OutcomeRule,
)


class TableValue(StrictModel):
    """A parameter's value read from one row of a data table (selected by formation and
    category, and side when the formation holds both): its value, or the midpoint of its
    low-high bounds when the figure was not found; a row in percent is divided by 100.  The
    row's source becomes the parameter's source."""

    table: str
    formation: str
    category: str
    side: str | None = None


class Weight(StrictModel):
    """A category's weight in custom combat power: ``tanks = { value = 4, source = "..." }``."""

    value: WeightValue
    source: str

    @model_validator(mode="before")
    @classmethod
    def _a_table(cls, v: Any) -> Any:
        if not isinstance(v, dict | Weight):
            shown = str(v).lower() if isinstance(v, bool) else repr(v)
            raise ValueError(
                f'expected {{ value = 1, source = "where it comes from" }}, got {shown}'
            )
        return v


#: The longest scenario name (characters; the built-ins' are under 30): it heads tables, reports
#: and the explorer's list, and a name of megabytes is a mistake, not a label.
MAX_NAME = 100


class Scenario(StrictModel):
    """A whole scenario file."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")]
    description: str
    date: IsoDate | None = None
    """The scenario's day 0, when it has one: the default ``as_of`` of its table parts."""
    attacker: Side
    sectors: Annotated[list[Sector], Field(min_length=1)]
    duration_days: Annotated[float, Field(gt=0, le=3650, allow_inf_nan=False)] = 30.0
    law: str = "square"
    law_params: dict[Literal["p", "q", "w"], float] = Field(default_factory=dict)
    combat_power: Literal["division_slices", "personnel", "custom"] = "division_slices"
    weights: dict[str, Weight] = Field(default_factory=dict)
    modifiers: Modifiers = Field(default_factory=Modifiers)
    attrition: Attrition = Field(default_factory=Attrition)
    breakpoints: dict[str, Fraction] = Field(default_factory=lambda: {"USSR": 0.0, "Germany": 0.0})
    records: list[ScenarioRecord] = Field(default_factory=list)
    replications: Annotated[int, Field(ge=0, le=100_000)] = 0
    seed: Annotated[int, Field(ge=0)] = 1941
    """Unused, refused in a file (``load_scenario``: a run's seed is ``--seed`` or ``seed=``,
    else 0; README, "Seeds"); kept so that the digests of scenario content stay as they were."""
    uncertainty: dict[str, Annotated[tuple[Num, Num], Strict(False)]] = Field(default_factory=dict)
    transfers: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+$")], Transfer] = Field(
        default_factory=dict
    )
    operations: Operations = Field(default_factory=Operations)
    presence: dict[str, Presence] = Field(default_factory=dict)
    table_values: dict[str, TableValue] = Field(default_factory=dict)
    side_names: dict[Side, Annotated[str, Field(max_length=40)]] = Field(
        default_factory=dict, exclude=True
    )
    """Display names of the side slots (labels only; left out of dumps and digests)."""
    sources: dict[str, str] = Field(default_factory=dict)
    """Where a value this file sets comes from (parameter path -> text), shown as its source."""
    notes: list[str] = Field(default_factory=list)

    @field_validator("name", mode="before")
    @classmethod
    def _name_length(cls, v: Any) -> Any:
        if isinstance(v, str) and len(v) > MAX_NAME:  # (not echoed: it may be megabytes long)
            raise ValueError(f"{len(v):,} characters; a scenario name has at most {MAX_NAME}")
        return v

    @field_validator("breakpoints")
    @classmethod
    def _breakpoint_sides(cls, v: dict[str, float]) -> dict[str, float]:
        sides_only(v)
        return v

    @field_validator("law")
    @classmethod
    def _law(cls, v: str) -> str:
        from forceratio.simulator.laws import LAWS

        if v not in LAWS:
            raise ValueError(f"unknown law {v!r}; choose one of {', '.join(LAWS)}")
        return v

    @field_validator("uncertainty")
    @classmethod
    def _ranges(cls, v: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        for path, (lo, hi) in v.items():
            if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
                raise ValueError(f"{path}: need finite low <= high, got [{lo}, {hi}]")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        from forceratio.scenarios.consistency import check_consistent

        check_consistent(self)
        return self


def validate_scenario(raw: dict[str, Any], where: str) -> Scenario:
    """Validate a parsed TOML document; the first problem becomes one :class:`InputError`
    naming the dotted field."""
    from pydantic import ValidationError

    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        loc, msg = error_field_and_message(Scenario, exc.errors()[0])
        raise InputError(f"{where}: {loc}", msg) from None


__all__ = [
    "CATEGORIES",
    "MAX_NAME",
    "PRESENCE_KEYS",
    "ROLES",
    "SIDES",
    "Advance",
    "AirStrike",
    "Arrival",
    "Attrition",
    "Capture",
    "ForcePart",
    "Fraction",
    "MobileChange",
    "Modifiers",
    "NonNeg",
    "Num",
    "Operations",
    "OutcomeRule",
    "Positive",
    "Posture",
    "PostureChange",
    "PostureMods",
    "Presence",
    "ReadyPosture",
    "RecordPart",
    "Scenario",
    "ScenarioRecord",
    "Sector",
    "Share",
    "Side",
    "StrictModel",
    "Surprise",
    "SurpriseLevel",
    "TableValue",
    "Transfer",
    "Weight",
    "sides_only",
    "validate_scenario",
]

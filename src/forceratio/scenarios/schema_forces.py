"""Where the forces are: table or inline parts, sectors, arrivals, presence on the date,
transfers between sectors, and the historical records the model is set beside
(:mod:`forceratio.scenarios.schema`)."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, field_validator, model_validator

from forceratio.scenarios.bounds import Count, Days, Divisions, ShareRate
from forceratio.scenarios.dates import IsoDate
from forceratio.scenarios.schema_base import (
    CATEGORIES,
    SIDES,
    Share,
    Side,
    StrictModel,
    sides_only,
)


class ForcePart(StrictModel):
    """Strength taken from a data table (or given inline), times ``scale``.

    Table parts select the rows with ``formation`` (exact) and ``as_of`` (exact, default
    the scenario date) and take every category of CATEGORIES they hold.  With
    ``divisions_via``, the part's ``divisions`` row is multiplied by the side's all-arms
    division slice from that table (``division_equivalents``).  ``categories`` limits a
    table part to those (the others 0: to leave out a figure marked NOT FOUND)."""

    table: str | None = None
    formation: str | None = None
    as_of: IsoDate | None = None
    inline: dict[str, Count] | None = None
    scale: Annotated[float, Field(ge=-1, le=10, allow_inf_nan=False)] = 1.0  # < 0 subtracts
    divisions_via: str | None = None
    categories: list[str] | None = None
    note: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> ForcePart:
        if (self.inline is None) == (self.table is None):
            raise ValueError("give either table (with formation) or inline figures")
        if self.table is not None and not self.formation:
            raise ValueError("a table part needs a formation")
        if self.inline is not None:
            unknown = set(self.inline) - set(CATEGORIES)
            if unknown:
                raise ValueError(
                    f"unknown categor{'ies' if len(unknown) > 1 else 'y'} "
                    f"{', '.join(sorted(unknown))}; use {', '.join(CATEGORIES)}"
                )
        unknown_cats = set(self.categories or []) - set(CATEGORIES)
        if unknown_cats:
            raise ValueError(f"unknown category {sorted(unknown_cats)[0]!r} in categories")
        return self


class _Window(StrictModel):
    """An arrival window, ``start_day`` to ``end_day`` (days from the scenario's date; equal:
    a discrete arrival, all on that day): the base of :class:`Arrival` and :class:`Presence`."""

    start_day: Days = 0.0
    end_day: Annotated[float, Field(gt=0, le=3650, allow_inf_nan=False)]

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.end_day < self.start_day:
            raise ValueError(f"end_day {self.end_day:g} is before start_day {self.start_day:g}")
        return self


class Arrival(_Window):
    """Strength that arrives evenly between two days (for instance German divisions still in
    transit on 12 June); the amount is the sum of ``parts`` and must be >= 0."""

    parts: list[ForcePart]
    note: str = ""


class RecordPart(StrictModel):
    """One row of a data table (selected by formation and category), times ``scale``."""

    table: str
    formation: str
    category: str
    scale: Annotated[float, Field(ge=-1, le=10, allow_inf_nan=False)] = 1.0


class ScenarioRecord(StrictModel):
    """A historical figure the model is set beside: ``side``'s personnel losses summed over
    ``sectors`` (default: all) on ``day``.  ``lower_bound``: the record is known to be an
    undercount (a component was not found), so only a model value below it is an error.
    ``losses``: "all" (killed, wounded and captured: every man lost) or "fire" (the losses
    to fire alone, the captured taken out: a "killed and wounded" figure).  ``interval``:
    the record's one part has a low and a high in its table, and the whole-record
    calibration reads the truth as lying between them (interval-censored).
    ``likelihood = false`` keeps the record out of that calibration's likelihood (reported,
    not fitted), ``reason`` says why."""

    side: Side
    day: Annotated[float, Field(gt=0, le=3650, allow_inf_nan=False)]
    parts: Annotated[list[RecordPart], Field(min_length=1)]
    sectors: list[str] | None = None
    label: str = ""
    lower_bound: bool = False
    headline: bool = True
    losses: Literal["all", "fire"] = "all"
    interval: bool = False
    likelihood: bool = True
    reason: str = ""

    @model_validator(mode="after")
    def _reading(self) -> Self:
        if not self.likelihood and not self.reason:
            raise ValueError("a record out of the likelihood (likelihood = false) needs a reason")
        if self.interval and (self.lower_bound or len(self.parts) != 1):
            raise ValueError("an interval record has one part and is not a lower bound")
        return self


class MobileChange(StrictModel):
    """From ``day`` on (a step), the sector counts a side named here at its new number of
    mobile divisions, and that side's capacity to encircle there follows (:class:`Capture`);
    ``note`` says where the date and count come from.  The run is integrated in stages
    between the changes (:mod:`forceratio.scenarios.stages`)."""

    day: Annotated[float, Field(gt=0, le=3650, allow_inf_nan=False)]
    USSR: Divisions | None = None
    Germany: Divisions | None = None
    note: str = ""


class Sector(StrictModel):
    """One front: the forces of each side in it (sums of parts), arrivals, and a side's
    mobile (tank, panzer) divisions here, its capacity to encircle (:class:`Capture`),
    changed at dates by ``mobile_changes``."""

    name: str
    forces: dict[str, list[ForcePart]]
    arrivals: dict[str, list[Arrival]] = Field(default_factory=dict)
    mobile: dict[Side, Divisions] = Field(default_factory=dict)
    mobile_changes: list[MobileChange] = Field(default_factory=list)

    @field_validator("forces")
    @classmethod
    def _both_sides(cls, v: dict[str, list[ForcePart]]) -> dict[str, list[ForcePart]]:
        sides_only(v)
        missing = [s for s in SIDES if s not in v or not v[s]]
        if missing:
            raise ValueError(f"no forces for {', '.join(missing)}")
        return v

    @field_validator("arrivals")
    @classmethod
    def _arrival_sides(cls, v: dict[str, list[Arrival]]) -> dict[str, list[Arrival]]:
        sides_only(v)
        return v


class Transfer(StrictModel):
    """A share of one formation (``part``, one side's) fighting in sector ``to`` instead of
    ``from_sector``, where the forces count it: ``share`` of it moves (0 = none).  Keyed by
    name under ``[transfers]``; the share is a sweep parameter ``transfers.<name>.share``
    when the parameter registry names it (``pz3_north``: the 3rd Panzer Group's split
    between the Baltic and Belorussian operations, which no source settles)."""

    side: Side
    part: ForcePart
    from_sector: str
    to: str
    share: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 0.0
    note: str = ""
    mobile: Divisions = 0.0  # the part's mobile divisions: they move with the share (Sector)


#: The keys a ``[presence.<key>]`` table may take (each is a set of sweep parameters
#: ``presence.<key>.<category>`` in the registry).
PRESENCE_KEYS = ("strip", "north")


class Presence(_Window):
    """The share of ``side``'s forces in ``sector`` (the sector's own forces, its full
    strength) that is there on the scenario's date, per category; the rest arrives evenly
    from ``start_day`` to ``end_day`` (for instance German forces still in transit on 12
    June, due by 21 June).  A share left unset comes from ``table_values`` (a row of a data
    table, with its source and bounds) or is 1 (all present).  ``transit_loss``: the share
    of the side's strength in transit to the sector lost a day from the run's start (0:
    none; :mod:`.arrivals`)."""

    side: Side
    sector: str
    personnel: Share | None = None
    guns_mortars: Share | None = None
    tanks: Share | None = None
    aircraft: Share | None = None
    transit_loss: ShareRate = 0.0
    note: str = ""

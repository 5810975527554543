"""The scenario file: a pydantic schema, validated on load with one clear error per problem.

A scenario says who fights whom, where the numbers come from (rows of the data tables, or
inline figures), how categories combine into combat power, which modifiers apply, the
attrition law and its rates, and which parameters are uncertain (for sweeps).  Every
default that is not a historical figure is marked as an assumption in the field's
description; :func:`forceratio.scenarios.assumptions` lists them.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator, model_validator

from forceratio.errors import InputError
from forceratio.scenarios.bounds import (
    Count,
    Days,
    Divisions,
    Factor,
    FactorOrZero,
    Km,
    KmPerDay,
    Rate,
    ShareRate,
    WeightValue,
)
from forceratio.scenarios.dates import IsoDate
from forceratio.scenarios.keys import error_field_and_message
from forceratio.scenarios.keys import filled as _filled
from forceratio.simulator.operational import CAPTURE_RATIO, CAPTURE_WIDTH, GATE_WIDTH

SIDES: tuple[str, ...] = ("USSR", "Germany")
CATEGORIES = ("personnel", "guns_mortars", "tanks", "aircraft")
Side = Literal["USSR", "Germany"]
ROLES: tuple[str, ...] = ("attacker", "defender")
ReadyPosture = Literal["attack", "hasty", "prepared", "fortified", "delay", "withdrawal"]
Posture = ReadyPosture | Literal["unprepared"]
SurpriseLevel = Literal["none", "minor", "substantial", "complete"]

Num = Annotated[float, Strict()]  # a number: no true or "30" (the models are strict)
NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Fraction = Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ForcePart(_Strict):
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


class _Window(_Strict):
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


class RecordPart(_Strict):
    """One row of a data table (selected by formation and category), times ``scale``."""

    table: str
    formation: str
    category: str
    scale: Annotated[float, Field(ge=-1, le=10, allow_inf_nan=False)] = 1.0


class Record(_Strict):
    """A historical figure the model is set beside: ``side``'s personnel losses summed over
    ``sectors`` (default: all) on ``day``.  ``lower_bound``: the record is known to be an
    undercount (a component was not found), so only a model value below it is an error."""

    side: Side
    day: Annotated[float, Field(gt=0, le=3650, allow_inf_nan=False)]
    parts: Annotated[list[RecordPart], Field(min_length=1)]
    sectors: list[str] | None = None
    label: str = ""
    lower_bound: bool = False
    headline: bool = True


class MobileChange(_Strict):
    """From ``day`` on (a step), the sector counts a side named here at its new number of
    mobile divisions, and that side's capacity to encircle there follows (:class:`Capture`);
    ``note`` says where the date and count come from.  The run is integrated in stages
    between the changes (:mod:`forceratio.scenarios.stages`)."""

    day: Annotated[float, Field(gt=0, le=3650, allow_inf_nan=False)]
    USSR: Divisions | None = None
    Germany: Divisions | None = None
    note: str = ""


class Sector(_Strict):
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
        _sides_only(v)
        missing = [s for s in SIDES if s not in v or not v[s]]
        if missing:
            raise ValueError(f"no forces for {', '.join(missing)}")
        return v

    @field_validator("arrivals")
    @classmethod
    def _arrival_sides(cls, v: dict[str, list[Arrival]]) -> dict[str, list[Arrival]]:
        _sides_only(v)
        return v


class Transfer(_Strict):
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


class Surprise(_Strict):
    """Dupuy's surprise (modifiers table): the surprising side's fire is multiplied by the
    surprised side's vulnerability factor, the surprised side's fire by the surpriser's
    vulnerability factor; both fall linearly to 1 over ``decay_days``.  The factors default
    to the modifiers table's row for ``level``."""

    surprised: Side | Literal["none"] = "none"
    level: SurpriseLevel = "complete"
    decay_days: Days | None = None
    surpriser_fire: FactorOrZero | None = None
    surprised_fire: FactorOrZero | None = None


class PostureChange(_Strict):
    """From ``day``, over one day, a side named here takes its new posture (not
    ``unprepared``); ``note`` says where the date comes from.  Applied in order of day, at
    least a day apart per side, after an unprepared side's move to ``ready_posture`` (a
    change replaces that move from its day on).  The advance law's Dupuy row keeps the
    defender's first posture."""

    day: Days
    USSR: ReadyPosture | None = None
    Germany: ReadyPosture | None = None
    note: str = ""


class PostureMods(_Strict):
    """Posture of each side; a defending side's fire is multiplied by its posture factor
    (modifiers table), ``attack`` by 1 and ``unprepared`` (in transit, no groupings) by
    ``unprepared_factor``, an ASSUMPTION (no published value was found).  An unprepared
    side stays so until day ``unprepared_until`` (unset: throughout), then over one day
    takes ``ready_posture``; ``changes`` change a side's posture at a date."""

    USSR: Posture = "attack"
    Germany: Posture = "attack"
    unprepared_factor: Annotated[float, Field(gt=0, le=2, allow_inf_nan=False)] = 0.7
    unprepared_until: Days | None = None
    ready_posture: Posture = "hasty"
    changes: list[PostureChange] = Field(default_factory=list)


class AirStrike(_Strict):
    """An opening air strike by ``by`` on the enemy's airfields: the fraction of the
    enemy's aircraft destroyed before the battle, and a fire multiplier for air
    superiority afterwards (ASSUMPTION: 1.0 unless set)."""

    by: Side | Literal["none"] = "none"
    destroyed_fraction: Fraction = 0.0
    superiority_factor: Annotated[float, Field(ge=1, le=5, allow_inf_nan=False)] = 1.0
    note: str = ""


class Modifiers(_Strict):
    surprise: Surprise = Field(default_factory=Surprise)
    posture: PostureMods = Field(default_factory=PostureMods)
    quality: dict[str, Factor] = Field(default_factory=lambda: {"USSR": 1.0, "Germany": 1.0})
    air_strike: AirStrike = Field(default_factory=AirStrike)

    @field_validator("quality")
    @classmethod
    def _quality_sides(cls, v: dict[str, float]) -> dict[str, float]:
        _sides_only(v)
        return v


class Attrition(_Strict):
    """Kill rates in the law's unit (square: enemy combat power a day per unit of a side's;
    ``scenarios show`` gives each law's).  ``"calibrated"`` takes the value fitted on the 22
    June record (``calibrate_on``); the raw default, used with ``--uncalibrated``, is
    0.02 a day (modifiers table: Dupuy's casualty rate as a kill rate, equal at parity)."""

    german_rate: Rate | Literal["calibrated"] = "calibrated"
    soviet_rate: Rate | Literal["calibrated"] = "calibrated"
    calibrate_on: str = "barbarossa-22june"
    vulnerability: dict[str, Factor] = Field(default_factory=lambda: dict.fromkeys(CATEGORIES, 1.0))

    @field_validator("vulnerability")
    @classmethod
    def _known(cls, v: dict[str, float]) -> dict[str, float]:
        return _filled(v, CATEGORIES, 1.0, "category")


class Capture(_Strict):
    """Encirclement and capture (issue 13; ASSUMPTION: no published form was found,
    docs/design/issue13-mechanisms.md section 2): each category of a side is captured at
    ``rate[side]`` per day times a logistic switch in the log of the enemy-to-own effective
    strength ratio, half on at ``ratio``, ``width`` wide (0: a step), times a gate (0: off)."""

    rate: dict[str, ShareRate] = Field(default_factory=lambda: {"USSR": 0.0, "Germany": 0.0})
    ratio: Positive = CAPTURE_RATIO  # the defaults: simulator.operational, written once
    width: NonNeg = CAPTURE_WIDTH
    gate: NonNeg = 0.0  # times 1 / (1 + (gate / rho)**(1 / gate_width)): issue13 8.22
    gate_width: NonNeg = GATE_WIDTH
    capacity: dict[str, Positive] = Field(default_factory=lambda: {"USSR": 1.0, "Germany": 1.0})
    """Each side's capacity to encircle the other (mobile forces, their readiness), relative
    to the Wehrmacht of 22 June 1941 (1): a side is captured at its ``rate`` times the
    enemy's capacity, in a sector counting the enemy's mobile divisions (``Sector.mobile``)
    times (that count / ``mobile_reference``) ** ``mobile_exponent``."""
    mobile_reference: dict[Side, Positive] = Field(default_factory=dict)
    mobile_exponent: NonNeg = 1.0
    process: Literal["per side", "one"] = "per side"
    """``one``: one capture process for both sides, each captured at ``rate["USSR"]`` (the
    rate the whole-record fit calibrates) times the ``factor`` of its role (and the enemy's
    capacity); ``rate["Germany"]`` is then unused, ``factor`` used only then."""
    factor: dict[str, Positive] = Field(default_factory=lambda: dict.fromkeys(ROLES, 1.0))
    """By role, not nationality (``attacker``, ``defender``): the attacker's factor is fitted
    on the 1941 record (the Germans attacked there), the defender's is 1 by definition."""

    @field_validator("rate")
    @classmethod
    def _rate_sides(cls, v: dict[str, float]) -> dict[str, float]:
        _sides_only(v)
        return {s: v.get(s, 0.0) for s in SIDES}

    @field_validator("capacity")
    @classmethod
    def _capacity_sides(cls, v: dict[str, float]) -> dict[str, float]:
        _sides_only(v)
        return {s: v.get(s, 1.0) for s in SIDES}

    @field_validator("factor")
    @classmethod
    def _factor_roles(cls, v: dict[str, float]) -> dict[str, float]:
        return _filled(v, ROLES, 1.0, "role")


class Advance(_Strict):
    """Depth of the attacker's advance, km/day = ``scale * rho**exponent`` above a
    combat-power ratio rho of 1, at most ``cap``; unset values take the power-law fit to
    Dupuy's opposed advance-rate table for the defender's posture (armoured forces)."""

    scale: KmPerDay | None = None
    exponent: NonNeg | None = None
    cap: Annotated[KmPerDay, Field(gt=0)] = 60.0


class OutcomeRule(_Strict):
    """When a side has lost (issue 13): it breaks (``breakpoints``), or its captured men
    exceed ``captured_share`` of its men, or the enemy has advanced ``depth_km`` (the
    defender loses); whichever comes first decides.  Both thresholds are ASSUMPTIONS."""

    captured_share: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 0.25
    depth_km: Km = 300.0


class Operations(_Strict):
    """The operational mechanisms of issue 13: capture, non-combat losses of each side's
    categories (per day, breakdown and abandonment), advance, the outcome rule, and the
    readiness of each side's categories (the share that fires; the rest still a target)."""

    capture: Capture = Field(default_factory=Capture)
    noncombat: dict[str, dict[str, ShareRate]] = Field(
        default_factory=lambda: {s: dict.fromkeys(CATEGORIES, 0.0) for s in SIDES}
    )
    advance: Advance = Field(default_factory=Advance)
    outcome: OutcomeRule = Field(default_factory=OutcomeRule)
    readiness: dict[str, dict[str, Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]]] = (
        Field(default_factory=lambda: {s: dict.fromkeys(CATEGORIES, 1.0) for s in SIDES})
    )

    @field_validator("noncombat")
    @classmethod
    def _noncombat(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        _sides_only(v)
        return {s: _filled(v.get(s, {}), CATEGORIES, 0.0, "category") for s in SIDES}

    @field_validator("readiness")
    @classmethod
    def _readiness(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        _sides_only(v)
        return {s: _filled(v.get(s, {}), CATEGORIES, 1.0, "category") for s in SIDES}


#: The keys a ``[presence.<key>]`` table may take (each is a set of sweep parameters
#: ``presence.<key>.<category>`` in the registry).
PRESENCE_KEYS = ("strip", "north")
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


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


class TableValue(_Strict):
    """A parameter's value read from one row of a data table (selected by formation and
    category, and side when the formation holds both): its value, or the midpoint of its
    low-high bounds when the figure was not found; a row in percent is divided by 100.  The
    row's source becomes the parameter's source."""

    table: str
    formation: str
    category: str
    side: str | None = None


class Weight(_Strict):
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


class Scenario(_Strict):
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
    records: list[Record] = Field(default_factory=list)
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

    @field_validator("breakpoints")
    @classmethod
    def _breakpoint_sides(cls, v: dict[str, float]) -> dict[str, float]:
        _sides_only(v)
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


def _sides_only(v: dict[str, Any]) -> None:
    unknown = [k for k in v if k not in SIDES]
    if unknown:
        raise ValueError(f"unknown side {unknown[0]!r}; use {' or '.join(SIDES)}")


def validate_scenario(raw: dict[str, Any], where: str) -> Scenario:
    """Validate a parsed TOML document; the first problem becomes one :class:`InputError`
    naming the dotted field."""
    from pydantic import ValidationError

    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        loc, msg = error_field_and_message(Scenario, exc.errors()[0])
        raise InputError(f"{where}: {loc}", msg) from None

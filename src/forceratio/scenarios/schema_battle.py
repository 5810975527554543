"""How the sides fight: Dupuy's surprise, posture, quality and an opening air strike
(:class:`Modifiers`), and the kill rates (:class:`Attrition`)
(:mod:`forceratio.scenarios.schema`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from forceratio.scenarios.bounds import Days, Factor, FactorOrZero, Rate
from forceratio.scenarios.keys import filled as _filled
from forceratio.scenarios.schema_base import (
    CATEGORIES,
    Fraction,
    Posture,
    ReadyPosture,
    Side,
    StrictModel,
    SurpriseLevel,
    sides_only,
)


class Surprise(StrictModel):
    """Dupuy's surprise (modifiers table): the surprising side's fire is multiplied by the
    surprised side's vulnerability factor, the surprised side's fire by the surpriser's
    vulnerability factor; both fall linearly to 1 over ``decay_days``.  The factors default
    to the modifiers table's row for ``level``.  A factor of 0 is no fire; one above 0 is the
    multiplier itself on day 0, so a product below the engine's 1e-6
    (:data:`~forceratio.simulator.magnitudes.MULTIPLIER_RANGE`) is refused, however small."""

    surprised: Side | Literal["none"] = "none"
    level: SurpriseLevel = "complete"
    decay_days: Days | None = None
    surpriser_fire: FactorOrZero | None = None
    surprised_fire: FactorOrZero | None = None


class PostureChange(StrictModel):
    """From ``day``, over one day, a side named here takes its new posture (not
    ``unprepared``); ``note`` says where the date comes from.  Applied in order of day, at
    least a day apart per side, after an unprepared side's move to ``ready_posture`` (a
    change replaces that move from its day on).  The advance law's Dupuy row keeps the
    defender's first posture."""

    day: Days
    USSR: ReadyPosture | None = None
    Germany: ReadyPosture | None = None
    note: str = ""


class PostureMods(StrictModel):
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


class AirStrike(StrictModel):
    """An opening air strike by ``by`` on the enemy's airfields: the fraction of the
    enemy's aircraft destroyed before the battle, and a fire multiplier for air
    superiority afterwards (ASSUMPTION: 1.0 unless set)."""

    by: Side | Literal["none"] = "none"
    destroyed_fraction: Fraction = 0.0
    superiority_factor: Annotated[float, Field(ge=1, le=5, allow_inf_nan=False)] = 1.0
    note: str = ""


class Modifiers(StrictModel):
    surprise: Surprise = Field(default_factory=Surprise)
    posture: PostureMods = Field(default_factory=PostureMods)
    quality: dict[str, Factor] = Field(default_factory=lambda: {"USSR": 1.0, "Germany": 1.0})
    air_strike: AirStrike = Field(default_factory=AirStrike)

    @field_validator("quality")
    @classmethod
    def _quality_sides(cls, v: dict[str, float]) -> dict[str, float]:
        sides_only(v)
        return v


class Attrition(StrictModel):
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

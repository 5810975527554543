"""Issue 13's operational mechanisms: capture (:class:`Capture`), non-combat losses and
readiness, the advance (:class:`Advance`) and when a side has lost (:class:`OutcomeRule`)
(:mod:`forceratio.scenarios.schema`)."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, field_validator

from forceratio.scenarios.bounds import Km, KmPerDay, MobileExponent, Reach, ShareRate
from forceratio.scenarios.keys import filled as _filled
from forceratio.scenarios.schema_base import (
    CATEGORIES,
    ROLES,
    SIDES,
    NonNeg,
    Positive,
    Side,
    StrictModel,
    sides_only,
)
from forceratio.simulator.operational import CAPTURE_RATIO, CAPTURE_WIDTH, GATE_WIDTH


class Capture(StrictModel):
    """Encirclement and capture (issue 13; ASSUMPTION: no published form was found,
    docs/design/issue13-mechanisms.md section 2): each category of a side is captured at
    ``rate[side]`` per day times a logistic switch in the log of the enemy-to-own effective
    strength ratio, half on at ``ratio``, ``width`` wide (0: a step), times a gate (0: off).
    ``killed_share`` of the men it removes are killed or wounded in the pocket, the rest
    taken prisoner: only the reported split moves (docs/design/issue13-mechanisms.md 8.26)."""

    rate: dict[str, ShareRate] = Field(default_factory=lambda: {"USSR": 0.0, "Germany": 0.0})
    ratio: Positive = CAPTURE_RATIO  # the defaults: simulator.operational, written once
    width: NonNeg = CAPTURE_WIDTH
    gate: NonNeg = 0.0  # times 1 / (1 + (gate / rho)**(1 / gate_width)): issue13 8.22
    gate_width: NonNeg = GATE_WIDTH
    killed_share: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 0.0
    capacity: dict[str, Positive] = Field(default_factory=lambda: {"USSR": 1.0, "Germany": 1.0})
    """Each side's capacity to encircle the other (mobile forces, their readiness), relative
    to the Wehrmacht of 22 June 1941 (1): a side is captured at its ``rate`` times the
    enemy's capacity, in a sector counting the enemy's mobile divisions (``Sector.mobile``)
    times (that count / ``mobile_reference``) ** ``mobile_exponent``."""
    mobile_reference: dict[Side, Positive] = Field(default_factory=dict)
    mobile_exponent: MobileExponent = 1.0
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
        sides_only(v)
        return {s: v.get(s, 0.0) for s in SIDES}

    @field_validator("capacity")
    @classmethod
    def _capacity_sides(cls, v: dict[str, float]) -> dict[str, float]:
        sides_only(v)
        return {s: v.get(s, 1.0) for s in SIDES}

    @field_validator("factor")
    @classmethod
    def _factor_roles(cls, v: dict[str, float]) -> dict[str, float]:
        return _filled(v, ROLES, 1.0, "role")


class Advance(StrictModel):
    """Depth of the attacker's advance, km/day = ``scale * rho**exponent`` above a
    combat-power ratio rho of 1, at most ``cap``; unset values take the power-law fit to
    Dupuy's opposed advance-rate table for the defender's posture (armoured forces).
    ``reach_km``: an operational reach R (km; inf, the default: none), the rate times
    (1 - depth / R), so that the depth is R * (1 - exp(-D / R)) of the free depth D
    (:func:`~forceratio.simulator.operational.culminated`; an ASSUMPTION)."""

    scale: KmPerDay | None = None
    exponent: NonNeg | None = None
    cap: Annotated[KmPerDay, Field(gt=0)] = 60.0
    reach_km: Reach = math.inf


class OutcomeRule(StrictModel):
    """When a side has lost (issue 13): it breaks (``breakpoints``), or its captured men
    exceed ``captured_share`` of its men, or the enemy has advanced ``depth_km`` (the
    defender loses); whichever comes first decides.  Both thresholds are ASSUMPTIONS."""

    captured_share: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 0.25
    depth_km: Km = 300.0


class Operations(StrictModel):
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
        sides_only(v)
        return {s: _filled(v.get(s, {}), CATEGORIES, 0.0, "category") for s in SIDES}

    @field_validator("readiness")
    @classmethod
    def _readiness(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        sides_only(v)
        return {s: _filled(v.get(s, {}), CATEGORIES, 1.0, "category") for s in SIDES}

"""The scenario schema's vocabulary: the side slots, the categories, the roles and
postures, the number types of its fields, and :class:`StrictModel`, the base of every
model of the schema (:mod:`forceratio.scenarios.schema`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

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


class StrictModel(BaseModel):
    """The base of every scenario model: unknown keys refused, frozen, no coercion."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


def sides_only(v: dict[str, Any]) -> None:
    """Refuse a key that is not a side slot (one message naming it)."""
    unknown = [k for k in v if k not in SIDES]
    if unknown:
        raise ValueError(f"unknown side {unknown[0]!r}; use {' or '.join(SIDES)}")

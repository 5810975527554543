"""The registry's entries for the battle itself: each side's kill rate, the vulnerability
of each category, the modifiers (surprise, posture, quality, air strike), the breakpoints,
the 3rd Panzer Group's transfer and the weights of custom combat power."""

from __future__ import annotations

from collections.abc import Callable

from forceratio.scenarios.registry_base import (
    CATEGORY_LABEL,
    DAYS,
    FACTOR,
    FACTOR_OR_ZERO,
    FRACTION,
    RATE,
    SIDE_ADJECTIVE,
    WEIGHT,
    Domain,
    Parameter,
    rate_unit_of,
)
from forceratio.scenarios.schema import CATEGORIES, SIDES, Scenario


def _surprise_factor(name: str) -> Callable[[Scenario], str | None]:
    def key(scn: Scenario) -> str | None:
        level = scn.modifiers.surprise.level
        return None if level == "none" else f"{name}.{level}"

    return key


def _weight_source(cat: str) -> Callable[[Scenario], str]:
    def note(scn: Scenario) -> str:
        return scn.weights[cat].source

    return note


def _weighted(cat: str) -> Callable[[Scenario], bool]:
    """Custom combat power with a weight for ``cat`` (a category the scenario has none of
    needs none: build.check_weights)."""

    def applies(scn: Scenario) -> bool:
        return scn.combat_power == "custom" and cat in scn.weights

    return applies


def battle_parameters() -> list[Parameter]:
    """Kill rates, vulnerabilities, modifiers, breakpoints, the transfer and the weights."""
    out: list[Parameter] = []
    for side, key in (("Germany", "german_rate"), ("USSR", "soviet_rate")):
        out.append(
            Parameter(
                f"attrition.{key}",
                f"{SIDE_ADJECTIVE[side]} kill rate",
                rate_unit_of(1.0, 0.0),  # the square law's (every built-in's); per law: rate_unit
                RATE,
                0.02,
                factor=lambda _scn: "personnel_rate",
            )
        )
    for cat in CATEGORIES:
        out.append(
            Parameter(
                f"attrition.vulnerability.{cat}",
                f"Vulnerability of {CATEGORY_LABEL[cat]}",
                "×, 1 = as exposed as the rest",
                FACTOR,
                1.0,
                assumption="1 (every category equally exposed)",
            )
        )
    out += [
        Parameter(
            "modifiers.surprise.decay_days",
            "Surprise wears off over",
            "days",
            DAYS,
            0.0,
            factor=lambda _scn: "decay_days",
        ),
        Parameter(
            "modifiers.surprise.surpriser_fire",
            "Surpriser's fire at the start",
            "×",
            FACTOR_OR_ZERO,
            1.0,
            factor=_surprise_factor("surpriser_fire"),
        ),
        Parameter(
            "modifiers.surprise.surprised_fire",
            "Surprised side's fire at the start",
            "×",
            FACTOR_OR_ZERO,
            1.0,
            factor=_surprise_factor("surprised_fire"),
        ),
        Parameter(
            "modifiers.posture.unprepared_factor",
            "Fire of a side caught unprepared",
            "×",
            Domain(0.0, 2.0, low_open=True),
            0.7,
            assumption="no published factor found",
        ),
        Parameter(
            "modifiers.posture.unprepared_until",
            "An unprepared side forms its groupings on day",
            "days",
            DAYS,
            DAYS.high,
            assumption="unset: an unprepared side stays so for the whole run",
        ),
    ]
    for side in SIDES:
        out.append(
            Parameter(
                f"modifiers.quality.{side}",
                f"{SIDE_ADJECTIVE[side]} quality (× its kill rate)",
                "×",
                FACTOR,
                1.0,
                assumption="1 = the kill rate as run (calibrated on the 1941 record, or given)",
            )
        )
        out.append(
            Parameter(
                f"breakpoints.{side}",
                f"{SIDE_ADJECTIVE[side]} breakpoint",
                "share of starting combat power left",
                FRACTION,
                0.0,
                assumption="a side breaks at this share (0: fights to the end)",
            )
        )
    out += [
        Parameter(
            "modifiers.air_strike.destroyed_fraction",
            "Aircraft destroyed by the opening air strike",
            "share of the enemy's aircraft",
            FRACTION,
            0.0,
            note=lambda scn: scn.modifiers.air_strike.note,
        ),
        Parameter(
            "modifiers.air_strike.superiority_factor",
            "Fire multiplier of air superiority",
            "×",
            Domain(1.0, 5.0),
            1.0,
            assumption="1 = none unless the scenario sets it",
        ),
    ]
    out.append(
        Parameter(
            "transfers.pz3_north.share",
            "Share of the 3rd Panzer Group in the Baltic sector",
            "share of the formation",
            Domain(0.0, 1.0),
            0.0,
            note=lambda scn: scn.transfers["pz3_north"].note,
            applies=lambda scn: "pz3_north" in scn.transfers,
        )
    )
    for cat in CATEGORIES:
        out.append(
            Parameter(
                f"weights.{cat}.value",
                f"Combat value of {CATEGORY_LABEL[cat]}",
                "combat power per unit",
                WEIGHT,
                0.0,
                note=_weight_source(cat),
                applies=_weighted(cat),
            )
        )
    return out

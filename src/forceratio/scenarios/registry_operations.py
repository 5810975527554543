"""The registry's entries for issue 13's operational mechanisms (capture, non-combat
losses, advance, the outcome rule): :class:`~forceratio.scenarios.schema.Operations`.

Each entry is a :class:`~forceratio.scenarios.registry_base.Parameter`;
:mod:`forceratio.scenarios.registry` gathers them into its ``PARAMETERS``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from forceratio.scenarios.bounds import MAX_KM_PER_DAY
from forceratio.scenarios.registry_base import (
    CATEGORY_LABEL,
    KM,
    KM_PER_DAY,
    NON_NEGATIVE,
    POSITIVE,
    REACH,
    SHARE_RATE,
    SIDE_ADJECTIVE,
    Domain,
    Parameter,
)
from forceratio.scenarios.schema import CATEGORIES, SIDES, Scenario
from forceratio.simulator.operational import CAPTURE_RATIO, CAPTURE_WIDTH, GATE_WIDTH


def _defender_posture(scn: Scenario) -> str:
    """The defender's posture as a row of Dupuy's advance table (a defender in attack,
    delay, withdrawal or unprepared counts as in hasty defence: an ASSUMPTION).  The
    scenario's first posture: a dated change (``modifiers.posture.changes``) does not move
    the row."""
    side = "USSR" if scn.attacker == "Germany" else "Germany"
    posture = getattr(scn.modifiers.posture, side)
    return posture if posture in ("prepared", "fortified") else "hasty"


def _rate_applies(side: str) -> Callable[[Scenario], bool]:
    """A side's own capture rate, unless one process captures both sides at the Soviet
    (calibrated) rate (``operations.capture.process = "one"``)."""
    return lambda scn: side == "USSR" or scn.operations.capture.process != "one"


def operations_parameters() -> list[Parameter]:
    """Issue 13's operational mechanisms (:class:`~forceratio.scenarios.schema.Operations`)."""
    out: list[Parameter] = []
    for side in SIDES:
        out.append(
            Parameter(
                f"operations.capture.rate.{side}",
                f"{SIDE_ADJECTIVE[side]} share captured a day when outmatched",
                "per day",
                SHARE_RATE,
                0.0,
                assumption="0 = no capture; no published capture form was found",
                applies=_rate_applies(side),
            )
        )
    out += [
        Parameter(
            "operations.capture.ratio",
            "Strength ratio at which capture runs at half rate",
            "enemy : own effective strength",
            POSITIVE,
            CAPTURE_RATIO,
            assumption="a threshold of local superiority (no published value found)",
        ),
        Parameter(
            "operations.capture.width",
            "Width of the capture switch",
            "in ln(ratio)",
            NON_NEGATIVE,
            CAPTURE_WIDTH,
            assumption="a smooth switch (no published value found)",
        ),
        Parameter(
            "operations.capture.gate",
            "Strength ratio below which a side is hardly captured",
            "enemy : own effective strength",
            NON_NEGATIVE,
            0.0,
            assumption="0 = no gate (the switch alone); capture only when outmatched"
            " (docs/design/issue13-mechanisms.md 8.22)",
        ),
        Parameter(
            "operations.capture.gate_width",
            "Width of the capture gate",
            "in ln(ratio)",
            NON_NEGATIVE,
            GATE_WIDTH,
            assumption="0 = a step at the gate; used only with a gate",
        ),
        Parameter(
            "operations.capture.killed_share",
            "Share of the men cut off who are killed or wounded, not taken prisoner",
            "share of the men the capture flow removes",
            Domain(0.0, 1.0),
            0.0,
            assumption="0 = every man cut off is a prisoner; derived 1941 shares 0.13 (Uman) to"
            " 0.23-0.41 (Vyazma-Bryansk), none counted directly (docs/design/hkappa/sources.md)",
        ),
    ]
    for side in SIDES:
        for cat in CATEGORIES:
            out.append(
                Parameter(
                    f"operations.noncombat.{side}.{cat}",
                    f"{SIDE_ADJECTIVE[side]} {CATEGORY_LABEL[cat]} lost a day without combat",
                    "share per day",
                    SHARE_RATE,
                    0.0,
                    assumption="0 = none; 1943-45 Soviet tank armies ~0.85-1.1%/day (derived,"
                    " docs/design/issue13-mechanisms.md section 3)",
                )
            )
    for side in SIDES:
        for cat in CATEGORIES:
            out.append(
                Parameter(
                    f"operations.readiness.{side}.{cat}",
                    f"Share of {SIDE_ADJECTIVE[side]} {CATEGORY_LABEL[cat]} ready to fight",
                    "share of the inventory",
                    Domain(0.0, 1.0, low_open=True),
                    1.0,
                    assumption="1 = all fight; western districts' tanks 82.5% combat-ready"
                    " (Zolotov via Lukiniuk, docs/design/issue13-mechanisms.md section 3)",
                )
            )
    out += [
        Parameter(
            "operations.advance.scale",
            "Advance rate at a combat-power ratio of 1",
            "km/day",
            KM_PER_DAY,
            4.43,
            factor=lambda scn: f"advance.scale.{_defender_posture(scn)}",
        ),
        Parameter(
            "operations.advance.exponent",
            "Advance rate's power of the combat-power ratio",
            "exponent",
            NON_NEGATIVE,
            1.51,
            factor=lambda scn: f"advance.exponent.{_defender_posture(scn)}",
        ),
        Parameter(
            "operations.advance.cap",
            "Largest advance rate",
            "km/day",
            Domain(0.0, MAX_KM_PER_DAY, low_open=True),
            60.0,
            assumption="Dupuy's table stops at 60 km/day (armoured, P/P 6); exploitation"
            " rates were not found",
        ),
        Parameter(
            "operations.advance.reach_km",
            "Operational reach: the advance slows to a stop as it nears it",
            "km",
            REACH,
            math.inf,
            assumption="inf = no reach (the free advance); the rate times (1 - depth / reach),"
            " a linear loss of speed with depth (no published form found), so depth ="
            " reach x (1 - exp(-free depth / reach)); no sourced 1941 reach was found",
        ),
        Parameter(
            "operations.outcome.captured_share",
            "A side has lost when this share of its men is cut off by capture",
            "share of its men",
            Domain(0.0, 1.0, low_open=True),
            0.25,
            assumption="no published threshold found; the men cut off count the killed and"
            " wounded in the pocket with the prisoners (operations.capture.killed_share moves"
            " only their split); the 12 June files sweep 0.15-0.5: 0.5 the"
            " Western Front destroyed, 338,500 prisoners of 671,165 men = 0.504 (operations_1941,"
            " verified; 287,704 by 8 July: 0.429), 0.15 near the Baltic operation's 15% lost all"
            " told (75,202 of 498,000) by a front beaten by depth, not capture",
        ),
        Parameter(
            "operations.outcome.depth_km",
            "The defender has lost when pushed back this far",
            "km",
            KM,
            300.0,
            assumption="no published threshold found; 300 the shallowest 1941 front withdrawal"
            " (South-Western, printed 300-350 km, outcome_22june); the 12 June files sweep 200-500:"
            " 500 the North-Western Front's (printed 450-500 km, outcome_22june; the West 460), 200"
            " no source",
        ),
    ]
    return out

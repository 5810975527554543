"""The magnitudes the engine resolves reliably, checked at its input boundary.

Double precision holds numbers from about 1e-308 to 1e308, but the engine squares
strengths and multiplies them by rates: at 1e-300 the square law's ``a R**2 - b B**2``
underflows to 0 and the wrong side wins; at 1e308 it overflows to infinity and the result
is NaN.  Rather than a silent wrong answer, a non-zero strength, rate or multiplier
outside these ranges is refused with an :class:`~forceratio.errors.InputError` naming the
field and the range.  The ranges are wide for any battle in men, weapons or combat-power
units (the world's population is below 1e10) and keep every product the laws form
(``rate * strength**2``, ``strength**p`` with ``p <= 3``) far from under- and overflow.

Being resolved is not being independent of the unit: a side is out at its annihilation
level, by default half a unit (:data:`.result.ANNIHILATION_UNITS`), which is half a man
only when strengths are counted in men.  Given in another unit (thousands of men), the
level must be given in it too (``annihilation=0.0005``), or the battle ends early:
:func:`annihilation_note` says when a side starts close enough to its level for the level
to shape the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from forceratio.arguments import whole
from forceratio.errors import InputError

if TYPE_CHECKING:
    from forceratio.simulator.engagement import Engagement

#: Non-zero initial strengths and arrivals (units).
STRENGTH_RANGE = (1e-6, 1e12)
#: Non-zero kill rates.  A rate's unit depends on the law (per day for the square law, per
#: unit per day for the linear law, per unit**(p + q - 1) per day for the power law), so
#: a power-law battle of thousands of men needs rates far below 1e-12.  The range keeps
#: ``rate * strength**p * strength**q`` (p, q <= 3, strengths in STRENGTH_RANGE) between
#: about 1e-136 and 1e172: far from under- and overflow.
RATE_RANGE = (1e-100, 1e100)
#: Non-zero rate multipliers (surprise, posture, air superiority; dimensionless).
MULTIPLIER_RANGE = (1e-6, 1e6)
#: The largest category weight (a unit's combat value; the scenarios' ``Weight`` bound).  A
#: law with q > 0 fires at weighted strengths: a weight of 1e15 under the linear law ended
#: undecided with the heavy side at 0, and 1e200 "stiff or degenerate".  A small weight only
#: makes a side's losses small, as the law says (none resolved below 1e-300 or so).
WEIGHT_MAX = 1e6
#: The largest share of a side lost a day (transit, capture, non-combat losses: the
#: scenarios' ``ShareRate``): the engine integrates such losses exactly (schedules,
#: operational), and 1e3 a day is gone within a thousandth of a day.
SHARE_RATE_MAX = 1e3


def check_magnitude(field: str, values: ArrayLike, bounds: tuple[float, float], unit: str) -> None:
    """Refuse non-zero finite ``values`` whose magnitude lies outside ``bounds``.

    Zero is always accepted (no strength, no fire); NaN, infinities and signs are the
    callers' own checks.
    """
    a = np.abs(np.asarray(values, dtype=float))
    a = a[np.isfinite(a) & (a != 0)]
    if a.size == 0:
        return
    lo, hi = bounds
    small, big = float(a.min()), float(a.max())
    if small < lo or big > hi:
        bad = small if small < lo else big
        hint = ""
        if unit == "units" and small < lo:
            hint = " (give the strengths in a smaller unit, e.g. men rather than thousands)"
        elif unit == "units":
            hint = (
                " (give the strengths in a larger unit, e.g. thousands of men, and the "
                "annihilation level in that unit too: 0.0005 for half a man)"
            )
        raise InputError(
            field, f"{bad:.3g} is outside the range the engine resolves reliably: 0 or "
            f"{lo:g} to {hi:g} {unit}{hint}",
        )  # fmt: skip


#: A side starting below this many times its annihilation level gets a note: there the level
#: moves the result by more than about 1% (the square law's loser is out at ``L`` rather
#: than 0: the winner keeps ``sqrt(R0**2 - (b/a) (B0**2 - L**2))``, the time is short by
#: about ``L / (a R_f)``).
ANNIHILATION_MARGIN = 100.0
HALF_A_UNIT = 0.5  # the default annihilation level


def annihilation_note(
    strengths: dict[str, float], level: float, breakpoints: dict[str, float], option: str
) -> str | None:
    """A note naming the sides that start below :data:`ANNIHILATION_MARGIN` times their
    annihilation ``level`` (strengths' unit) while the level, not the breakpoint, ends
    them: there the result depends on the unit the strengths are given in.  ``option``
    names where the level is set (``--annihilation``, ``annihilation=``).  Whole counts on
    both sides at the default level (half a unit) say nothing: there the level is the
    count's own end (the last unit lost), right for that scale whatever it counts."""
    if level == HALF_A_UNIT and all(float(x).is_integer() for x in strengths.values()):
        return None
    near = [
        f"{side} at {x:.6g}"
        for side, x in strengths.items()
        if 0 < x < ANNIHILATION_MARGIN * level and level > breakpoints[side] * x
    ]
    if not near:
        return None
    return (
        f"{' and '.join(near)} start{'s' if len(near) == 1 else ''} under "
        f"{ANNIHILATION_MARGIN:g} times the annihilation level {level:g} (the strength at "
        "which a side is out, in the strengths' unit; the default 0.5 is half a man when "
        f"counting men): the level shapes this result; give it in your unit with {option} "
        "(0 fights to zero)"
    )


def check_battle_inputs(
    red: ArrayLike, blue: ArrayLike, red_rate: ArrayLike, blue_rate: ArrayLike, seed: int | None
) -> None:
    """The checks of :func:`~forceratio.simulator.battle.battle`'s own arguments."""
    for side, strength, rate in (("red", red, red_rate), ("blue", blue, blue_rate)):
        check_magnitude(side, strength, STRENGTH_RANGE, "units")
        check_magnitude(f"{side}_rate", rate, RATE_RANGE, "(the law's rate unit)")
    if seed is not None:
        whole("seed", seed, 0)


def check_engagement(eng: Engagement) -> None:
    """Every arrival and multiplier of a batch within range (strengths and kill rates:
    :class:`~.engagement.Side` checks its own)."""
    for role, side in (("red", eng.red), ("blue", eng.blue)):
        name = side.name or role  # the caller's name of the side (make_side)
        if side.multiplier is not None:
            check_magnitude(
                f"{name}.multiplier", side.multiplier.values, MULTIPLIER_RANGE, "(a factor)"
            )
        if side.reinforcements is not None:
            reinf = side.reinforcements
            check_magnitude(f"{name}.reinforcements", reinf.amounts, STRENGTH_RANGE, "units")
            check_magnitude(f"{name}.reinforcements", reinf.rates, STRENGTH_RANGE, "units/day")


#: The stochastic model is a chain on whole units: a strength given to it must be a whole
#: number of units up to this relative part (rounded to the nearest whole unit there).
#: From 500 units up any fraction passes (half a unit is at most 0.1%, a twentieth of the
#: run-to-run spread sqrt(x) at 500 units and less above); a smaller strength must be whole.
WHOLE_TOLERANCE = 1e-3


def check_whole_units(field: str, values: ArrayLike) -> None:
    """Refuse strengths that rounding to whole units (the stochastic engine's state) would
    change by more than :data:`WHOLE_TOLERANCE` of themselves: 1.4 (thousand men) is not
    1 unit, nor 2.6 v 0.4 a battle of 3 v 0."""
    x = np.asarray(values, dtype=float).reshape(-1)
    off = np.abs(np.rint(x) - x)
    bad = np.flatnonzero(off > WHOLE_TOLERANCE * np.abs(x))
    if bad.size:
        v = float(x[bad[0]])
        raise InputError(
            field, f"the stochastic model counts whole units, and {v:.6g} is not one (it would "
            f"run as {np.rint(v):g}): give counts of units (1400 men, not 1.4 thousand) or run "
            "deterministically (no replications)",
        )  # fmt: skip


def check_engagement_whole(eng: Engagement) -> None:
    """Every initial strength and discrete arrival of a batch a whole number of units
    (:func:`check_whole_units`): the stochastic engine's input check."""
    for role, side in (("red", eng.red), ("blue", eng.blue)):
        name = side.name or role
        check_whole_units(f"{name}.strength", side.strength)
        if side.reinforcements is not None:
            check_whole_units(f"{name}.reinforcements", side.reinforcements.amounts)

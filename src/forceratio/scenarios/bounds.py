"""Magnitude bounds at the file boundary: a scenario value past them is refused
on load, naming the field, instead of overflowing in the engine (simulator/magnitudes.py)
or deciding a run on day 0 (an advance of 1e308 km/day).

Each bound is far beyond any battle, so that no plausible value is refused; its comment
says what it is measured against.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from forceratio.simulator.magnitudes import RATE_RANGE, SHARE_RATE_MAX, WEIGHT_MAX

Count = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]  # men, weapons
Factor = Annotated[float, Field(gt=0, le=1e3, allow_inf_nan=False)]  # a fire multiplier
FactorOrZero = Annotated[float, Field(ge=0, le=1e3, allow_inf_nan=False)]
Days = Annotated[float, Field(ge=0, le=3650, allow_inf_nan=False)]
# A kill rate is in its law's unit (square: per day; ancient: men a day, 1e5 for a one-day
# battle): bounded by what the engine resolves under every law (simulator/magnitudes.py).
Rate = Annotated[float, Field(ge=RATE_RANGE[0], le=RATE_RANGE[1], allow_inf_nan=False)]
ShareRate = Annotated[float, Field(ge=0, le=SHARE_RATE_MAX, allow_inf_nan=False)]  # a share a day
WeightValue = Annotated[float, Field(ge=0, le=WEIGHT_MAX, allow_inf_nan=False)]  # a unit's value
#: An advance, km a day: ASSUMPTION no force advances 1,000 km in a day (the 1941
#: panzer groups' best days were tens of km; Dupuy's table stops at 60).
MAX_KM_PER_DAY = 1e3
KmPerDay = Annotated[float, Field(ge=0, le=MAX_KM_PER_DAY, allow_inf_nan=False)]
#: A depth of advance, km: at most the Earth's circumference (40,075 km) rounded down.
MAX_KM = 4e4
Km = Annotated[float, Field(gt=0, le=MAX_KM, allow_inf_nan=False)]
#: An operational reach, km: > 0, and inf for none (NaN refused: no comparison holds for it).
Reach = Annotated[float, Field(gt=0, allow_inf_nan=True)]
#: Mobile (tank, panzer) divisions in a sector: ASSUMPTION at most 10,000 (the Red Army of
#: June 1941 counted 61 tank divisions, the Wehrmacht 19 panzer divisions).
MAX_DIVISIONS = 1e4
Divisions = Annotated[float, Field(ge=0, le=MAX_DIVISIONS, allow_inf_nan=False)]
#: The largest ``operations.capture.mobile_exponent``: ASSUMPTION 10 (twice the reference's
#: divisions then encircle 1,024 times as fast; the 1941 calibration's limits are 0-5).
#: Unbounded, 10,000 divisions over a reference of 1 raised to 500 overflowed to an infinite
#: capture rate ("numerical trouble", then an error naming the engine's capture_rate).
MOBILE_EXPONENT_MAX = 10.0
MobileExponent = Annotated[float, Field(ge=0, le=MOBILE_EXPONENT_MAX, allow_inf_nan=False)]
#: The least ``operations.capture.mobile_reference`` (mobile divisions): ASSUMPTION one
#: division.  A capacity to encircle is measured against a force that encircled (the 1941
#: reference: Panzer Groups 2 and 3's 9 panzer divisions), and a force is counted in whole
#: divisions; below one, the count over the reference multiplies the capture rate without
#: limit and decides a run on day 0 (3 divisions over a reference of 0.001: the defender
#: annihilated in 0.6 days at a capture rate of 0.01 a day, where 3 over 3 ends undecided
#: after 60 days; 1e-300: at once).  The most is the most a sector counts (:data:`Divisions`).
MOBILE_REFERENCE_RANGE = (1.0, MAX_DIVISIONS)

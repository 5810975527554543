"""Each side's capacity to encircle per sector (issue 13; docs/design/issue13-mechanisms.md
8.9 and 8.12) and the operational flows built from it.

In a sector counting the enemy's mobile (tank, panzer) divisions, a side is captured at its
rate times the enemy's capacity times (count / ``mobile_reference``) **
``mobile_exponent``; the count may change at dates (``sectors.mobile_changes``), and
:func:`sector_capacity` gives the factor in force on a day."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from forceratio.errors import InputError
from forceratio.scenarios.schema import CATEGORIES, Scenario, Side
from forceratio.simulator.operational import Flows, make_flows

FloatArray = NDArray[np.float64]
K = len(CATEGORIES)


def _factor_path(scn: Scenario, side: str) -> str | None:
    """The path of ``side``'s capture factor under one capture process (None: per side)."""
    if scn.operations.capture.process != "one":
        return None
    return f"operations.capture.factor.{'attacker' if side == scn.attacker else 'defender'}"


def counts_on(scn: Scenario, side: str, day: float) -> list[float | None]:
    """Each sector's count of ``side``'s mobile divisions in force on ``day`` (None where
    the sector does not count them): ``mobile``, then each of ``mobile_changes`` with a
    day at most ``day``, in order of day."""
    out: list[float | None] = []
    for sec in scn.sectors:
        c = sec.mobile.get(side)  # type: ignore[call-overload]
        for ch in sorted(sec.mobile_changes, key=lambda ch: ch.day):
            new = getattr(ch, side)
            if ch.day <= day and new is not None:
                c = new
        out.append(c)
    return out


def change_days(scn: Scenario) -> list[float]:
    """The days (0 < day < the scenario's end) on which some sector's mobile count
    changes: the boundaries of the run's stages."""
    return sorted(
        {ch.day for sec in scn.sectors for ch in sec.mobile_changes if ch.day < scn.duration_days}
    )


def sector_capacity(
    scn: Scenario, par: Mapping[str, FloatArray], side: str, n: int, day: float = 0.0
) -> FloatArray | None:
    """The factor on the enemy's capacity to encircle ``side`` in each sector on ``day``,
    shape (N, S): (the enemy's mobile divisions there then / its ``mobile_reference``) **
    ``mobile_exponent`` where the sector counts them (``sectors[i].mobile`` and its dated
    changes, plus or minus a transfer's share of its ``mobile``), else exactly 1; None when
    no sector counts them."""
    enemy: Side = "Germany" if side == "USSR" else "USSR"
    got = counts_on(scn, enemy, day)
    if all(c is None for c in got):
        return None
    names = [sec.name for sec in scn.sectors]
    counts = np.tile(np.array([0.0 if c is None else c for c in got]), (n, 1))
    for key, tr in scn.transfers.items():
        if tr.side == enemy and tr.mobile > 0:
            moved = par.get(f"transfers.{key}.share", np.full(n, tr.share)) * tr.mobile
            counts[:, names.index(tr.from_sector)] -= moved
            counts[:, names.index(tr.to)] += moved
    short = (counts < -1e-9).any(axis=0)
    if short.any():
        raise InputError(
            "transfers",
            f"more {enemy} mobile divisions move out of {names[int(np.argmax(short))]!r}"
            " than it counts (sectors.mobile)",
        )
    ref = scn.operations.capture.mobile_reference[enemy]
    power = np.maximum(counts / ref, 0.0) ** par["operations.capture.mobile_exponent"][:, None]
    return np.where(np.array([c is None for c in got])[None, :], 1.0, power)


def side_flows(
    par: Mapping[str, FloatArray],
    side: str,
    n: int,
    s: int,
    factor: str | None = None,
    sectors: FloatArray | None = None,
) -> Flows:
    """One side's operational flows (issue 13) over the N*S rows, from the parameters.
    ``factor``: the path of the side's factor (its role's) under one capture process for
    both sides, the side then captured at the (calibrated) Soviet rate times it;
    ``sectors``: the factor on the enemy's capacity per sector, (N, S)
    (:func:`sector_capacity`; None: 1 in every sector)."""
    enemy = "Germany" if side == "USSR" else "USSR"
    if factor is not None:
        own = par["operations.capture.rate.USSR"] * par[factor]
    else:
        own = par[f"operations.capture.rate.{side}"]
    rate = own * par[f"operations.capture.capacity.{enemy}"]
    rows = np.repeat(rate, s) if sectors is None else (rate[:, None] * sectors).reshape(n * s)
    return make_flows(
        n * s,
        K,
        capture_rate=rows,
        capture_ratio=np.repeat(par["operations.capture.ratio"], s),
        capture_width=np.repeat(par["operations.capture.width"], s),
        capture_gate=np.repeat(par["operations.capture.gate"], s),
        gate_width=np.repeat(par["operations.capture.gate_width"], s),
        noncombat=np.repeat(
            np.stack([par[f"operations.noncombat.{side}.{c}"] for c in CATEGORIES], axis=1),
            s,
            axis=0,
        ),
    )


def stage_flows(
    scn: Scenario, par: Mapping[str, FloatArray], n: int, day: float
) -> dict[str, Flows]:
    """Each side's flows over the N*S rows with the mobile counts in force on ``day``."""
    s = len(scn.sectors)
    return {
        side: side_flows(
            par, side, n, s, _factor_path(scn, side), sector_capacity(scn, par, side, n, day)
        )
        for side in ("USSR", "Germany")
    }

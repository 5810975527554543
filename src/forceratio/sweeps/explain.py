"""Which assumption carries a scenario's outcome: each declared uncertain parameter moved
alone to the low and to the high end of its range (the others at their values), all in
one batch through the engine; the attacker's margin at each end, and whether the winner
flips.  A one-at-a-time look (Saltelli et al. 2008, ch. 1): cheap, and blind to
interactions, which :mod:`forceratio.sweeps.discover` and the Sobol indices cover.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from forceratio.scenarios.outcome import outcome_columns
from forceratio.sweeps.evaluate import SweepSpec, calibration_pairs, evaluate

if TYPE_CHECKING:
    from forceratio.scenarios.session import Session


@dataclass(frozen=True)
class Swing:
    """The attacker's margin (surviving share minus the defender's, -1..1) with one
    parameter at each end of its range; ``flips`` when the winner differs from the base."""

    parameter: str
    low: float
    high: float
    margin_low: float
    margin_high: float
    flips_low: bool
    flips_high: bool

    @property
    def size(self) -> float:
        return abs(self.margin_high - self.margin_low)

    @property
    def flips(self) -> bool:
        return self.flips_low or self.flips_high


def swings(
    spec: SweepSpec,
    base: Mapping[str, float],
    ranges: Mapping[str, tuple[float, float]],
) -> tuple[float, list[Swing]]:
    """The base margin and one :class:`Swing` per range, largest first."""
    names = [p for p, (lo, hi) in ranges.items() if hi > lo]
    n = 1 + 2 * len(names)
    values = {p: np.full(n, float(base[p])) for p in names}
    for j, p in enumerate(names):
        lo, hi = ranges[p]
        values[p][1 + 2 * j] = lo
        values[p][2 + 2 * j] = hi
    if not names:
        values = {"modifiers.quality.USSR": np.full(1, float(base["modifiers.quality.USSR"]))}
    out, _ = evaluate(spec, 0, n, samples=values)
    cols = outcome_columns(out)
    margin = np.asarray(cols["attacker_margin"], dtype=float)[:, 0]
    winner = np.asarray(cols["winner"]).astype(str)[:, 0]
    result = [
        Swing(
            p,
            ranges[p][0],
            ranges[p][1],
            float(margin[1 + 2 * j]),
            float(margin[2 + 2 * j]),
            bool(winner[1 + 2 * j] != winner[0]),
            bool(winner[2 + 2 * j] != winner[0]),
        )
        for j, p in enumerate(names)
    ]
    result.sort(key=lambda s: -s.size)
    return float(margin[0]), result


def scenario_swings(
    name: str,
    row: Mapping[str, object],
    sets: tuple[str, ...] = (),
    tables: tuple[tuple[str, str], ...] = (),
    session: Session | None = None,
) -> tuple[float, list[Swing]]:
    """:func:`swings` of a comparison row's scenario over its declared uncertainty ranges,
    with the calibrated values the row was run with (the whole-record fit's shared
    parameters, from the shipped or cached calibration: no second calibration).  Pass the
    ``session`` the row was computed in (its tables then replace ``tables``) to reuse its
    prepared scenario and loaded tables; without one, a new session reads them again."""
    from forceratio.scenarios.build import sweepable
    from forceratio.sweeps.design import Design
    from forceratio.sweeps.evaluate import use_prepared

    if session is None:
        from forceratio.scenarios.session import Session

        session = Session(dict(tables))
    else:
        tables = tuple(sorted(session.tables.items()))
    prep = session.prepare(name, list(sets))
    calibration = calibration_pairs(session, prep) if row.get("calibrated") else ()
    spec = SweepSpec(name, Design("random", (), 1, 0), sets, tables, calibration)
    use_prepared(spec, prep)  # (evaluate would load the scenario and its tables again)
    base = sweepable(prep, dict(calibration))
    return swings(spec, base, prep.scenario.uncertainty)

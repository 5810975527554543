"""The outcome rule's first rule, the engine's end, written once for every run.

A side has lost at the first of: it breaks (or is annihilated) in a sector, its captured
men pass a share, the attacker has advanced a depth (README, "Outcome rule";
:mod:`.operations` adds the last two when the scenario declares operations,
:func:`declares_operations`).  The break is known from the engine alone, so it decides a
run with or without the operational outputs; only when no rule fires does the attrition
margin (the side keeping the larger share of its combat power at the start plus its
arrivals) decide.  :func:`outcome_columns` gives a run's outcomes as the columns that
``compare``, the sweeps and the explorer all read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from forceratio.scenarios.schema import CATEGORIES
from forceratio.simulator.result import ANNIHILATION, BLUE, RED, T_MAX

if TYPE_CHECKING:
    from forceratio.scenarios.run import Outcome

FloatArray = NDArray[np.float64]
ObjectArray = NDArray[np.object_]
#: The outcome rule's names, in their order of precedence on a tie ("annihilation": the
#: engine's end rule when the side was annihilated rather than broken).
RULES = ("break", "annihilation", "captured", "depth", "attrition margin")
#: The winner when a side has lost ("draw": both sides at once).
BEATEN = {"USSR": "Germany", "Germany": "USSR", "draw": "draw"}


def declares_operations(scenario: Any, *given: Iterable[str]) -> bool:
    """Whether the captured-share and depth rules apply to runs of ``scenario``: exactly
    when it declares operations, by an ``[operations]`` table in its file (any key; a
    ``--set operations.*`` writes one), or when a run is given a value of an
    ``operations.*`` parameter (a sweep's ``--vary``, the whole-record calibration's shared
    parameters that come with its "calibrated" rates): ``given`` are those parameters'
    names.  The advance then defaults to Dupuy's fit (``operations.advance``).  The
    declaration, never the values, turns the rules on, so a capture or non-combat rate of 0
    and one of 1e-9 give the same rules."""
    if "operations" in scenario.model_fields_set:
        return True
    return any(str(k).startswith("operations.") for keys in given for k in keys)


def first_break(
    t_end: FloatArray, end_code: NDArray[np.int64], win_code: NDArray[np.int64]
) -> tuple[FloatArray, ObjectArray, ObjectArray]:
    """The engine's end rule over the sectors: per run (N, R), the day the earliest sector
    was decided by a break or an annihilation (``inf``: none was), the side that lost it
    (``"USSR"``, ``"Germany"``, ``"draw"`` when both) and how (``"break"`` or
    ``"annihilation"``).  ``t_end``, ``end_code`` and ``win_code`` are per
    run and sector (N, R, S)."""
    t_break_s = np.where(np.asarray(end_code) != T_MAX, t_end, np.inf)
    first = np.argmin(t_break_s, axis=2)[..., None]
    t_break = np.take_along_axis(t_break_s, first, axis=2)[..., 0]
    won = np.take_along_axis(np.asarray(win_code), first, axis=2)[..., 0]
    loser = np.where(won == RED, "Germany", np.where(won == BLUE, "USSR", "draw"))
    code = np.take_along_axis(np.asarray(end_code), first, axis=2)[..., 0]
    how = np.where(code == ANNIHILATION, "annihilation", "break").astype(object)
    return t_break, loser.astype(object), how


def break_or_margin(
    t_end: FloatArray,
    end_code: NDArray[np.int64],
    win_code: NDArray[np.int64],
    margin_winner: ObjectArray,
) -> tuple[ObjectArray, ObjectArray, FloatArray]:
    """``winner``, ``decided_by`` and ``decided_at`` (the day, inf: by the margin) (N, R)
    of a run without operational outputs: the break when a sector was decided, else the
    attrition margin."""
    t_break, loser, how = first_break(t_end, end_code, win_code)
    broke = np.isfinite(t_break)
    beaten = np.vectorize(BEATEN.get, otypes=[object])(loser) if loser.size else loser
    winner = np.where(broke, beaten, margin_winner).astype(object)
    decided_by = np.where(broke, how, "attrition margin").astype(object)
    return winner, decided_by, t_break


def outcome_columns(out: Outcome) -> dict[str, NDArray[Any]]:
    """Every outcome as an array over (N samples, R replications)."""
    su, de = "USSR", "Germany"
    pk, tk, ak = (CATEGORIES.index(c) for c in ("personnel", "tanks", "aircraft"))
    w = out.built.weights  # (N, K)
    cols: dict[str, NDArray[Any]] = {}
    for side, key in ((su, "soviet"), (de, "german")):
        loss = out.losses[side]
        cols[f"{key}_losses"] = loss[:, :, pk]
        cols[f"{key}_tanks_lost"] = loss[:, :, tk]
        cols[f"{key}_aircraft_lost"] = loss[:, :, ak]
        had = out.arrived[side] + out.transit[side] if out.transit else out.arrived[side]
        start = out.power0[side] + np.einsum("nrk,nk->nr", had, w)  # + lost in transit
        with np.errstate(divide="ignore", invalid="ignore"):
            cols[f"{key}_surviving_share"] = np.where(
                start > 0, out.power_end[side] / start, np.nan
            )
    with np.errstate(divide="ignore", invalid="ignore"):
        cols["loss_exchange_ratio"] = np.where(
            cols["german_losses"] > 0, cols["soviet_losses"] / cols["german_losses"], np.nan
        )
    att = out.prepared.scenario.attacker
    a, d = ("soviet", "german") if att == su else ("german", "soviet")
    cols["attacker_margin"] = cols[f"{a}_surviving_share"] - cols[f"{d}_surviving_share"]
    cols["duration_days"] = out.duration
    # the outcome rule (scenarios.operations: break, captured, depth, then the margin)
    cols["winner"] = out.winner
    cols["attacker_wins"] = out.attacker_wins
    cols["decided_by"] = out.decided_by
    cols["end_reason"] = out.end_reason
    return cols

"""From a validated scenario to one batched :class:`~forceratio.simulator.engagement.Engagement`.

The batch has N parameter samples x S sectors rows (sample-major); red is always the USSR
and blue Germany.  Combat power is the weighted sum of the categories; each side's fire is
shared out in proportion to the targets' combat power, so under the square law every
category of a side loses the same fraction of itself per day (times its vulnerability)::

    dP_USSR/dt = -german_rate * m_Germany(t) * P_Germany
    dP_Germany/dt = -soviet_rate * m_USSR(t) * P_USSR

where m(t) is the product of the modifiers (quality, posture, air superiority, and
Dupuy's surprise decaying to 1 over ``decay_days``; :mod:`.multipliers`).  Numeric
parameters can be given per sample (``samples``: dotted path -> array of N values), which
is how sweeps run.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from forceratio.errors import InputError
from forceratio.scenarios.arrivals import Arrive as Arrive
from forceratio.scenarios.arrivals import arrived_until as arrived_until
from forceratio.scenarios.arrivals import reinforcements
from forceratio.scenarios.capacity import _factor_path, sector_capacity, side_flows
from forceratio.scenarios.forces import (
    Figures,
    Loader,
    column,
    division_slice,
    load_named,
    resolve,
    row_range,
    select,
    side_rows,
    table_value,
)
from forceratio.scenarios.multipliers import fire_multipliers
from forceratio.scenarios.registry import PARAMETERS, Source, check_uncertainty
from forceratio.scenarios.registry import parameter_sources as parameter_sources
from forceratio.scenarios.registry import sweepable as sweepable
from forceratio.scenarios.sampled import parameters, weights
from forceratio.scenarios.schema import CATEGORIES, SIDES, Scenario, ScenarioRecord
from forceratio.simulator.engagement import Engagement, make_side
from forceratio.simulator.laws import get_law
from forceratio.simulator.operational import ADVANCE_FIT
from forceratio.simulator.schedules import Multiplier

FloatArray = NDArray[np.float64]
K = len(CATEGORIES)


@dataclass(frozen=True)
class Present:
    """A ``[presence]`` entry resolved: the side's full strength in sector ``sector`` and
    the central shares present (K,) that ``Prepared.forces`` holds; the rest arrives
    as ``Prepared.arrivals[side][sector][arrival]``."""

    key: str
    side: str
    sector: int
    full: Figures
    central: FloatArray
    arrival: int


@dataclass(frozen=True)
class Prepared:
    """A scenario with every table reference resolved to numbers; frozen once built (a
    session caches it and keys what it derives by its identity)."""

    scenario: Scenario
    forces: dict[str, list[Figures]]  # side -> per sector
    arrivals: dict[str, list[list[Arrive]]]  # side -> per sector -> arrivals
    records: list[tuple[ScenarioRecord, Figures]]  # the record's value in .value[0]
    slices: dict[str, Figures]
    factors: dict[str, float]  # published modifier values used as defaults
    factor_sources: dict[str, Source] = field(default_factory=dict)
    transfers: list[tuple[str, int, int, Figures]] = field(default_factory=list)
    # (side, from sector, to sector, the part's figures), one per scenario transfer
    presence: list[Present] = field(default_factory=list)

    # Its file as given or a built-in's name and the --set texts, as errors name it; not
    # fields (a run does not depend on them, the sweeps' digests count fields).
    where: ClassVar[str] = ""
    sets: ClassVar[tuple[str, ...]] = ()

    def located_at(self, where: str, sets: tuple[str, ...]) -> Prepared:
        """A copy (the figures shared) read from ``where`` with ``--set`` texts ``sets``."""
        out = copy.copy(self)
        object.__setattr__(out, "where", where)
        object.__setattr__(out, "sets", sets)
        return out

    @property
    def sectors(self) -> list[str]:
        return [s.name for s in self.scenario.sectors]

    @property
    def origin(self) -> str:
        """The scenario as errors name it: its file as given (or a built-in's name), else,
        built from Python, its name."""
        return self.where or self.scenario.name

    def error(self, path: str, problem: str) -> InputError:
        """An error on the scenario's field ``path`` named as a load names it: the ``--set``
        that wrote it, else the file and the field (``s1.toml: law``)."""
        from forceratio.scenarios import located

        return located(InputError(path, problem), self.origin, self.sets)


def _modifier(df: pd.DataFrame, formation: str, category: str) -> tuple[float, Source]:
    """A modifiers-table value and its source (citation key, locator, verified)."""
    pos = select(df, formation=formation, category=category)
    if not pos.size or np.isnan(float(column(df, "value")[pos[0]])):
        raise InputError("modifiers", f"no {category} for {formation!r} in the modifiers table")
    r = df.iloc[pos[0]]
    key, locator = str(r.get("source", "")), str(r.get("locator", ""))
    verified = str(r.get("verified", "")).strip().lower() in ("yes", "true")
    text = f"{key}, {locator} (modifiers table; {'verified' if verified else 'unverified'})"
    return float(r["value"]), Source("table", text, key, locator, verified)


def prepare(scn: Scenario, load: Loader) -> Prepared:
    """Resolve every table reference (raises :class:`InputError` naming the field)."""
    forces: dict[str, list[Figures]] = {s: [] for s in SIDES}
    arrivals: dict[str, list[list[Arrive]]] = {s: [] for s in SIDES}
    for i, sector in enumerate(scn.sectors):
        for side in SIDES:
            where = f"sectors.{i}.forces.{side}"
            forces[side].append(resolve(sector.forces[side], side, scn.date, load, where))
            arr = []
            for j, a in enumerate(sector.arrivals.get(side, [])):
                amount = resolve(a.parts, side, scn.date, load, f"sectors.{i}.arrivals.{side}.{j}")
                arr.append(Arrive(a.start_day, a.end_day, amount))
            arrivals[side].append(arr)
    records = []
    for i, rec in enumerate(scn.records):
        if rec.day > scn.duration_days:
            raise InputError(
                f"records.{i}.day",
                f"day {rec.day:g} is after the run ends (duration_days {scn.duration_days:g})",
            )
        total = 0.0
        for j, part in enumerate(rec.parts):
            df = load_named(load, part.table, f"records.{i}.parts.{j}.table")
            rows = df.iloc[side_rows(df, part.formation, part.category, rec.side)]
            if len(rows) != 1:
                raise InputError(
                    f"records.{i}.parts.{j}",
                    f"expected one {part.category} row for {part.formation!r} in "
                    f"{part.table}, found {len(rows)}",
                )
            v = float(rows["value"].iloc[0])
            if np.isnan(v):
                raise InputError(f"records.{i}.parts.{j}", "the figure is empty (not found)")
            total += part.scale * v
        ends = row_range(rows, part.scale, f"records.{i}.interval") if rec.interval else [total] * 2
        records.append((rec, Figures(np.array([total]), np.array(ends[:1]), np.array(ends[1:]))))
    mod = load("modifiers")
    published: dict[str, tuple[str, str]] = {
        "personnel_rate": ("division engagements (Dupuy's verities)", "daily_casualty_rate"),
        "decay_days": ("surprise", "decay_days"),
    }
    for level in ("complete", "substantial", "minor"):
        published[f"surpriser_fire.{level}"] = (f"surprise: {level}", "defender_vulnerability")
        published[f"surprised_fire.{level}"] = (f"surprise: {level}", "attacker_vulnerability")
    for posture, name in (
        ("hasty", "hasty defence"),
        ("prepared", "prepared defence"),
        ("fortified", "fortified defence"),
        ("delay", "delay"),
        ("withdrawal", "withdrawal"),
    ):
        published[f"posture.{posture}"] = (f"posture: {name}", "posture_factor")
    factors: dict[str, float] = {}
    factor_sources: dict[str, Source] = {}
    for key, (formation, category) in published.items():
        factors[key], factor_sources[key] = _modifier(mod, formation, category)
    factors["personnel_rate"] /= 100.0  # the table prints percent per day
    for posture, (scale, expo) in ADVANCE_FIT.items():  # issue 13: the advance law's defaults
        src = Source(
            "table",
            "Dupuy's opposed advance rates (armoured), OPORD-QJM transcription, power-law fit"
            " (docs/design/issue13-mechanisms.md 1.2; transcribed and derived, unverified)",
        )
        factors[f"advance.scale.{posture}"] = scale
        factors[f"advance.exponent.{posture}"] = expo
        factor_sources[f"advance.scale.{posture}"] = src
        factor_sources[f"advance.exponent.{posture}"] = src
    slices = {}
    if scn.combat_power == "division_slices":
        slices = {s: division_slice(load, s, "division_equivalents") for s in SIDES}
    names = [sec.name for sec in scn.sectors]
    moves: list[tuple[str, int, int, Figures]] = [
        (
            str(tr.side),
            names.index(tr.from_sector),
            names.index(tr.to),
            resolve([tr.part], tr.side, scn.date, load, f"transfers.{key}.part"),
        )
        for key, tr in scn.transfers.items()
    ]
    for path, ref in scn.table_values.items():
        factors[path], factor_sources[path] = table_value(load, path, ref)
    prep = Prepared(scn, forces, arrivals, records, slices, factors, factor_sources, moves)
    _apply_presence(prep)
    check_uncertainty(scn)
    check_weights(prep)
    check_strength(prep)
    return prep


def check_strength(prep: Prepared) -> None:
    """Each side has some combat power somewhere (at the start or arriving, in some sector,
    at the high end of its figures): without it there is no battle, and a run would report
    a draw or a break on day 0."""
    scn = prep.scenario
    counted = [CATEGORIES.index("personnel")] if scn.combat_power == "personnel" else slice(None)
    for side in SIDES:
        held = [f.high for f in prep.forces[side]]
        held += [a.amount.high for per in prep.arrivals[side] for a in per]
        if not np.any(np.asarray(held)[:, counted] > 0):
            what = "personnel" if scn.combat_power == "personnel" else "forces"
            names = {str(k): v for k, v in scn.side_names.items()}  # the file's, per slot
            shown = names.get(side, "").strip()
            who = f"{side} ({shown})" if shown and shown != side else side
            raise InputError(
                f"sectors.0.forces.{side}",
                f"{who} has no {what} in any sector, at the start or arriving: a battle needs "
                "both sides",
            )


def check_weights(prep: Prepared) -> None:
    """Custom combat power: every category the scenario has (at the start or arriving, in
    some sector, for some side) needs its weight; one it has none of needs none."""
    scn = prep.scenario
    if scn.combat_power != "custom":
        return
    counts = [f.value for side in SIDES for f in prep.forces[side]]
    counts += [a.amount.value for side in SIDES for per in prep.arrivals[side] for a in per]
    counts += [part.value for _, _, _, part in prep.transfers]
    held = np.any(np.asarray(counts) > 0, axis=0) if counts else np.zeros(K, dtype=bool)
    missing = [c for c, h in zip(CATEGORIES, held, strict=True) if h and c not in scn.weights]
    if missing:
        raise InputError(
            f"weights.{missing[0]}",
            f"custom combat power needs a weight for each category the scenario has: "
            f"{', '.join(missing)} (weights.<category> = {{ value = ..., source = ... }})",
        )
    had = [c for c, h in zip(CATEGORIES, held, strict=True) if h]
    if had and not any(scn.weights[c].value > 0 for c in had):  # no combat power anywhere
        raise InputError(
            f"weights.{had[0]}",
            f"every category the scenario has weighs 0 ({', '.join(had)}): give one a weight > 0",
        )


def _apply_presence(prep: Prepared) -> None:
    """Scale each ``[presence]`` side's sector forces to the central shares present and add
    the rest as an arrival (in place)."""
    scn = prep.scenario
    names = prep.sectors
    for key, pr in scn.presence.items():
        i = names.index(pr.sector)
        central = np.array([PARAMETERS[f"presence.{key}.{c}"].value(prep) for c in CATEGORIES])
        full = prep.forces[pr.side][i]
        prep.forces[pr.side][i] = _times(full, central)
        prep.arrivals[pr.side][i].append(
            Arrive(pr.start_day, pr.end_day, _times(full, 1.0 - central))
        )
        arrival = len(prep.arrivals[pr.side][i]) - 1
        prep.presence.append(Present(key, pr.side, i, full, central, arrival))


def _times(f: Figures, share: FloatArray) -> Figures:
    return Figures(f.value * share, f.low * share, f.high * share)


# ------------------------------------------------------------------ engagement
def _present(
    prep: Prepared, par: Mapping[str, FloatArray], side: str, strength: FloatArray, n: int, s: int
) -> tuple[FloatArray, list[list[Arrive]]]:
    """Each ``[presence]`` sector of ``side`` at the sampled shares: the strength present
    (the central one times share / central share, so that a data draw keeps its place) and
    the rest arriving, per sample; with a ``transit_loss``, every arrival of the side in
    the sector exposed in transit at it (:mod:`.arrivals`)."""
    arrivals = [list(a) for a in prep.arrivals[side]]
    mine = [p for p in prep.presence if p.side == side]
    if not mine:
        return strength, arrivals
    out = np.array(strength, dtype=float).reshape(n, s, K)
    for p in mine:
        share = np.stack([par[f"presence.{p.key}.{c}"] for c in CATEGORIES], axis=1)  # (N, K)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(p.central > 0, share / p.central, 0.0)
        out[:, p.sector] = out[:, p.sector] * ratio + np.where(
            p.central > 0, 0.0, share * p.full.value
        )
        old = arrivals[p.sector][p.arrival]
        arrivals[p.sector][p.arrival] = Arrive(
            old.start, old.end, old.amount, (1.0 - share) * p.full.value
        )
        k = par[f"presence.{p.key}.transit_loss"]  # (N,)
        if np.any(k > 0):
            arrivals[p.sector] = [dataclasses.replace(a, transit=k) for a in arrivals[p.sector]]
    return out.reshape(n * s, K), arrivals


def _transferred(
    prep: Prepared, par: Mapping[str, FloatArray], side: str, strength: FloatArray, n: int, s: int
) -> FloatArray:
    """Move each transfer's share of its part from one sector to another (rows are
    sample-major: sample i, sector j is row i * S + j); a total below zero is an error.  A
    transfer's share is a sweep parameter when the registry names it, else the file's value."""
    if not any(mv[0] == side for mv in prep.transfers):
        return strength
    out = np.array(strength, dtype=float).reshape(n, s, K)
    for (key, tr), (who, src, dst, fig) in zip(
        prep.scenario.transfers.items(), prep.transfers, strict=True
    ):
        if who != side:
            continue
        share = par.get(f"transfers.{key}.share", np.full(n, tr.share))
        moved = share[:, None] * fig.value[None, :]  # (N, K)
        out[:, src] -= moved
        out[:, dst] += moved
    if np.any(out < -1e-9):
        raise InputError("transfers", f"a transfer leaves {side} below zero in a sector")
    return np.asarray(np.maximum(out, 0.0).reshape(n * s, K), dtype=float)


@dataclass(frozen=True)
class Built:
    engagement: Engagement
    n: int
    s: int
    weights: FloatArray  # (N, K)
    initial: dict[str, FloatArray]  # side -> (N*S, K) after the air strike
    struck: dict[str, FloatArray]  # side -> (N*S, K) destroyed by the air strike
    arrivals: dict[str, list[tuple[int, Arrive]]]
    multipliers: dict[str, FloatArray]  # side -> (N, M)
    knots: FloatArray
    par: dict[str, FloatArray]


def build(
    prep: Prepared,
    samples: Mapping[str, ArrayLike] | None = None,
    calibration: Mapping[str, float] | None = None,
    forces: Mapping[str, FloatArray] | None = None,
) -> Built:
    """The engagement of N samples x S sectors.  ``forces`` may replace the sector
    strengths per sample (side -> (N, S, K)) for data-uncertainty sweeps."""
    scn = prep.scenario
    n, par = parameters(prep, samples, calibration)
    s = len(scn.sectors)
    w = weights(prep, par, n)
    wr = np.repeat(w, s, axis=0)  # (N*S, K)
    vul = np.stack([par[f"attrition.vulnerability.{c}"] for c in CATEGORIES], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        base = np.where(
            w[:, None, :] > 0, w[:, :, None] * vul[:, None, :] / w[:, None, :], 0.0
        )  # (N, K, K): w_f * v_j / w_j
    knots, mult = fire_multipliers(prep, par, n)
    initial: dict[str, FloatArray] = {}
    struck: dict[str, FloatArray] = {}
    sides = {}
    arr_info = {}
    for side, rate_key, name in (
        ("USSR", "attrition.soviet_rate", "red"),
        ("Germany", "attrition.german_rate", "blue"),
    ):
        if forces is not None and side in forces:
            strength = np.asarray(forces[side], dtype=float).reshape(n * s, K)
        else:
            strength = np.tile(np.stack([f.value for f in prep.forces[side]]), (n, 1))
        strength, side_arrivals = _present(prep, par, side, strength, n, s)
        strength = _transferred(prep, par, side, strength, n, s)
        hit = np.zeros_like(strength)
        if scn.modifiers.air_strike.by not in ("none", side):
            frac = np.repeat(par["modifiers.air_strike.destroyed_fraction"], s)
            air = CATEGORIES.index("aircraft")
            hit[:, air] = strength[:, air] * frac
            strength = strength - hit
        initial[side] = strength
        struck[side] = hit
        ready = np.stack(  # issue 13: only the ready share of each category fires
            [par[f"operations.readiness.{side}.{c}"] for c in CATEGORIES], axis=1
        )
        kill = np.repeat(par[rate_key][:, None, None] * base * ready[:, :, None], s, axis=0)
        reinf, _, flat = reinforcements(side_arrivals, n, s)
        arr_info[side] = flat
        try:
            multiplier = Multiplier(
                np.repeat(knots, s, axis=0) if knots.ndim == 2 else knots,
                np.repeat(mult[side], s, axis=0),
            )
        except InputError as exc:  # its knots are the scenario's days
            days = "modifiers.surprise.decay_days, .posture.unprepared_until, .posture.changes"
            got = f"{exc.problem}; its knots are {days}"
            raise InputError(f"{side} {ENGINE_NAMES['multiplier']}", got) from None
        sides[side] = make_side(
            name,
            strength,
            kill,
            n=n * s,
            k_enemy=K,
            weights=wr,
            breakpoint=np.repeat(par[f"breakpoints.{side}"], s),
            multiplier=multiplier,
            reinforcements=reinf,
            categories=CATEGORIES,
            flows=side_flows(
                par, side, n, s, _factor_path(scn, side), sector_capacity(scn, par, side, n)
            ),
        )
    law = get_law(
        scn.law,
        p=scn.law_params.get("p"),
        q=scn.law_params.get("q"),
        w=scn.law_params.get("w"),
    )
    try:
        eng = Engagement(law, sides["USSR"], sides["Germany"])
    except InputError as exc:  # the engine's red/blue arrays, said in the scenario's terms
        side, _, what = exc.field.partition(".")
        if side not in ENGINE_NAMES or what not in ENGINE_NAMES:
            raise
        raise InputError(f"{ENGINE_NAMES[side]} {ENGINE_NAMES[what]}", exc.problem) from None
    return Built(eng, n, s, w, initial, struck, arr_info, mult, knots, par)


#: The engine's names for a side's arrays, and what they come from in a scenario.
ENGINE_NAMES = {
    "red": "USSR",
    "blue": "Germany",
    "strength": "strength (forces, presence, transfers)",
    "reinforcements": "arrivals (forces' arrival dates and shares)",
    "kill_rates": "kill rates (attrition rates x vulnerability x weapon weights)",
    "multiplier": "fire multiplier (modifiers: quality x surprise x posture x air x stages)",
}

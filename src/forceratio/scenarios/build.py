"""From a validated scenario to one batched :class:`~forceratio.simulator.Engagement`.

The batch has N parameter samples x S sectors rows (sample-major); red is always the USSR
and blue Germany.  Combat power is the weighted sum of the categories; each side's fire is
shared out in proportion to the targets' combat power, so under the square law every
category of a side loses the same fraction of itself per day (times its vulnerability)::

    dP_USSR/dt = -german_rate * m_Germany(t) * P_Germany
    dP_Germany/dt = -soviet_rate * m_USSR(t) * P_USSR

where m(t) is the product of the modifiers (quality, posture, air superiority, and
Dupuy's surprise decaying to 1 over ``decay_days``).  Numeric parameters can be given per
sample (``samples``: dotted path -> array of N values), which is how sweeps run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from forceratio.errors import InputError
from forceratio.scenarios.forces import Figures, Loader, division_slice, resolve
from forceratio.scenarios.model import CATEGORIES, SIDES, Record, Scenario
from forceratio.simulator.engagement import Engagement, make_side
from forceratio.simulator.laws import get_law
from forceratio.simulator.schedules import Multiplier, Reinforcements

FloatArray = NDArray[np.float64]
K = len(CATEGORIES)


@dataclass(frozen=True)
class Arrive:
    start: float
    end: float
    amount: Figures


@dataclass
class Prepared:
    """A scenario with every table reference resolved to numbers."""

    scenario: Scenario
    forces: dict[str, list[Figures]]  # side -> per sector
    arrivals: dict[str, list[list[Arrive]]]  # side -> per sector -> arrivals
    records: list[tuple[Record, Figures]]  # the record's value in .value[0]
    slices: dict[str, Figures]
    factors: dict[str, float]  # published modifier values used as defaults
    factor_sources: dict[str, str] = field(default_factory=dict)
    transfers: list[tuple[int, int, int, Figures]] = field(default_factory=list)
    # (side index, from sector, to sector, the part's figures) per scenario transfer

    @property
    def sectors(self) -> list[str]:
        return [s.name for s in self.scenario.sectors]


def _modifier(df: pd.DataFrame, formation: str, category: str) -> float:
    row = df[(df["formation"] == formation) & (df["category"] == category)]
    if row.empty or np.isnan(float(row["value"].iloc[0])):
        raise InputError("modifiers", f"no {category} for {formation!r} in the modifiers table")
    return float(row["value"].iloc[0])


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
            raise InputError(f"records.{i}.day", f"{rec.day:g} is after duration_days")
        total = 0.0
        for j, part in enumerate(rec.parts):
            df = load(part.table)
            rows = df[(df["formation"] == part.formation) & (df["category"] == part.category)]
            if (rows["side"] == rec.side).any():  # an operation's rows hold both sides
                rows = rows[rows["side"] == rec.side]
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
        records.append((rec, Figures(np.array([total]), np.array([total]), np.array([total]))))
    mod = load("modifiers")
    factors = {
        "personnel_rate": _modifier(
            mod, "division engagements (Dupuy's verities)", "daily_casualty_rate"
        )
        / 100.0,
        "decay_days": _modifier(mod, "surprise", "decay_days"),
    }
    for level in ("complete", "substantial", "minor"):
        factors[f"surpriser_fire.{level}"] = _modifier(
            mod, f"surprise: {level}", "defender_vulnerability"
        )
        factors[f"surprised_fire.{level}"] = _modifier(
            mod, f"surprise: {level}", "attacker_vulnerability"
        )
    for posture, name in (
        ("hasty", "hasty defence"),
        ("prepared", "prepared defence"),
        ("fortified", "fortified defence"),
        ("delay", "delay"),
        ("withdrawal", "withdrawal"),
    ):
        factors[f"posture.{posture}"] = _modifier(mod, f"posture: {name}", "posture_factor")
    slices = {}
    if scn.combat_power == "division_slices":
        slices = {s: division_slice(load, s, "division_equivalents") for s in SIDES}
    moves = []
    for i, tr in enumerate(scn.transfers):
        moved = resolve([tr.part], tr.side, scn.date, load, f"transfers.{i}.part")
        names = [sec.name for sec in scn.sectors]
        moves.append((SIDES.index(tr.side), names.index(tr.from_sector), names.index(tr.to), moved))
    prep = Prepared(scn, forces, arrivals, records, slices, factors, transfers=moves)
    known = sweepable(prep)
    for path in scn.uncertainty:
        if path not in known:
            raise InputError(f"uncertainty.{path}", "not a sweepable parameter of this scenario")
    return prep


# ------------------------------------------------------------------ parameters
def sweepable(prep: Prepared, calibration: Mapping[str, float] | None = None) -> dict[str, float]:
    """Every numeric parameter a sweep may vary, with its value in this scenario."""
    scn = prep.scenario
    out: dict[str, float] = {}
    a = scn.attrition
    for key, val in (("german_rate", a.german_rate), ("soviet_rate", a.soviet_rate)):
        if val == "calibrated":
            cal = (calibration or {}).get(key)
            out[f"attrition.{key}"] = (
                float(cal) if cal is not None else prep.factors["personnel_rate"]
            )
        else:
            out[f"attrition.{key}"] = float(val)
    for cat in CATEGORIES:
        out[f"attrition.vulnerability.{cat}"] = a.vulnerability[cat]
    s = scn.modifiers.surprise
    level = s.level if s.level != "none" else "minor"
    out["modifiers.surprise.decay_days"] = (
        s.decay_days if s.decay_days is not None else prep.factors["decay_days"]
    )
    out["modifiers.surprise.surpriser_fire"] = (
        s.surpriser_fire
        if s.surpriser_fire is not None
        else (1.0 if s.level == "none" else prep.factors[f"surpriser_fire.{level}"])
    )
    out["modifiers.surprise.surprised_fire"] = (
        s.surprised_fire
        if s.surprised_fire is not None
        else (1.0 if s.level == "none" else prep.factors[f"surprised_fire.{level}"])
    )
    out["modifiers.posture.unprepared_factor"] = scn.modifiers.posture.unprepared_factor
    for side in SIDES:
        out[f"modifiers.quality.{side}"] = scn.modifiers.quality.get(side, 1.0)
        out[f"breakpoints.{side}"] = scn.breakpoints.get(side, 0.0)
    out["modifiers.air_strike.destroyed_fraction"] = scn.modifiers.air_strike.destroyed_fraction
    out["modifiers.air_strike.superiority_factor"] = scn.modifiers.air_strike.superiority_factor
    if scn.combat_power == "custom":
        for cat in CATEGORIES:
            out[f"weights.{cat}.value"] = scn.weights[cat].value
    for tr in scn.transfers:
        out[f"transfers.{tr.name}.share"] = tr.share
    return out


def parameter_sources(prep: Prepared) -> dict[str, str]:
    """Where each sweepable parameter's default comes from (a table, or 'ASSUMPTION')."""
    scn = prep.scenario
    dupuy = "modifiers table (Dupuy via the OPORD-QJM transcription; unverified)"
    out: dict[str, str] = {}
    for key in ("german_rate", "soviet_rate"):
        out[f"attrition.{key}"] = (
            f"calibrated on {scn.attrition.calibrate_on} (raw default: Dupuy's 2%/day, "
            "modifiers table)"
            if getattr(scn.attrition, key) == "calibrated"
            else "scenario file"
        )
    for cat in CATEGORIES:
        out[f"attrition.vulnerability.{cat}"] = "ASSUMPTION: 1 (every category equally exposed)"
    for key in ("decay_days", "surpriser_fire", "surprised_fire"):
        given = getattr(scn.modifiers.surprise, key) is not None
        out[f"modifiers.surprise.{key}"] = "scenario file" if given else dupuy
    out["modifiers.posture.unprepared_factor"] = "ASSUMPTION (no published factor found)"
    for side in SIDES:
        out[f"modifiers.quality.{side}"] = "ASSUMPTION: 1 = as calibrated on 22 June"
        out[f"breakpoints.{side}"] = "ASSUMPTION (scenario file)"
    out["modifiers.air_strike.destroyed_fraction"] = "scenario file: " + (
        scn.modifiers.air_strike.note or "see its comment"
    )
    out["modifiers.air_strike.superiority_factor"] = "ASSUMPTION (scenario file)"
    for cat in CATEGORIES:
        if scn.combat_power == "custom":
            out[f"weights.{cat}.value"] = scn.weights[cat].source
    for tr in scn.transfers:
        out[f"transfers.{tr.name}.share"] = "scenario file: " + (tr.note or "see its comment")
    return out


def parameters(
    prep: Prepared,
    samples: Mapping[str, ArrayLike] | None = None,
    calibration: Mapping[str, float] | None = None,
) -> tuple[int, dict[str, FloatArray]]:
    """(N, every sweepable parameter as an array of N values)."""
    base = sweepable(prep, calibration)
    n = 1
    arrays: dict[str, FloatArray] = {}
    for path, vals in (samples or {}).items():
        if path not in base:
            raise InputError("--vary", f"unknown parameter {path!r}")
        a = np.atleast_1d(np.asarray(vals, dtype=float))
        if a.ndim != 1:
            raise InputError(path, "sample values must be 1-D")
        if not np.all(np.isfinite(a)):
            raise InputError(path, "sample values must be finite")
        if n != 1 and a.size not in (1, n):
            raise InputError(path, f"{a.size} values, other parameters have {n}")
        n = max(n, a.size)
        arrays[path] = a
    out = {
        p: np.broadcast_to(arrays.get(p, np.asarray([v])), (n,)).astype(float)
        for p, v in base.items()
    }
    for tr in prep.scenario.transfers:
        share = out[f"transfers.{tr.name}.share"]
        if np.any((share < 0) | (share > 1)):
            bad = share[(share < 0) | (share > 1)][0]
            raise InputError(f"transfers.{tr.name}.share", f"must be in [0, 1], got {bad:g}")
    for path in (
        "breakpoints.USSR",
        "breakpoints.Germany",
        "modifiers.air_strike.destroyed_fraction",
    ):
        bad = (out[path] < 0) | (out[path] >= 1)
        if bad.any():
            raise InputError(path, f"must be in [0, 1), got {out[path][bad][0]:g}")
    for path, a in out.items():
        if path not in ("breakpoints.USSR", "breakpoints.Germany") and np.any(a < 0):
            raise InputError(path, f"must be >= 0, got {a[a < 0][0]:g}")
    return n, out


def weights(prep: Prepared, par: Mapping[str, FloatArray], n: int) -> FloatArray:
    """Combat value per unit of each category, shape (N, K)."""
    scn = prep.scenario
    if scn.combat_power == "personnel":
        return np.tile(np.array([1.0, 0.0, 0.0, 0.0]), (n, 1))
    if scn.combat_power == "custom":
        return np.stack([par[f"weights.{c}.value"] for c in CATEGORIES], axis=1)
    # one average division slice (the mean of the two sides') of each category = 1/K
    mean = (prep.slices["USSR"].value + prep.slices["Germany"].value) / 2.0
    return np.tile(1.0 / (K * mean), (n, 1))


# ------------------------------------------------------------------ engagement
def _surprise_knots(decay: FloatArray) -> FloatArray:
    """The multipliers' knots: [0, d] shared when every sample has the same decay d, or one
    row [0, d_i] per sample when a sweep varies it (each scenario then steps at its own
    corner; a decay of 0 means no surprise, its row [0, 1] is flat)."""
    d = np.unique(decay)
    if d.size == 1:
        return np.array([0.0]) if d[0] <= 0 else np.array([0.0, float(d[0])])
    own = np.where(decay > 0, decay, 1.0)
    return np.stack([np.zeros_like(own), own], axis=1)


def fire_multipliers(
    prep: Prepared, par: Mapping[str, FloatArray], n: int
) -> tuple[FloatArray, dict[str, FloatArray]]:
    """(knots (M,) or (N, M), side -> multiplier values (N, M)) of each side's fire."""
    scn = prep.scenario
    mods = scn.modifiers
    knots = _surprise_knots(par["modifiers.surprise.decay_days"])
    out: dict[str, FloatArray] = {}
    for side in SIDES:
        posture = getattr(mods.posture, side)
        if posture == "attack":
            pf = np.ones(n)
        elif posture == "unprepared":
            pf = par["modifiers.posture.unprepared_factor"]
        else:
            pf = np.full(n, prep.factors[f"posture.{posture}"])
        const = par[f"modifiers.quality.{side}"] * pf
        if mods.air_strike.by == side:
            const = const * par["modifiers.air_strike.superiority_factor"]
        out[side] = np.repeat(const[:, None], knots.shape[-1], axis=1)
    if mods.surprise.surprised != "none" and mods.surprise.level != "none":
        surprised = mods.surprise.surprised
        surpriser = "Germany" if surprised == "USSR" else "USSR"
        d = par["modifiers.surprise.decay_days"]
        kn = knots if knots.ndim == 2 else knots[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            left = np.where(d[:, None] > 0, np.clip(1.0 - kn / d[:, None], 0, 1), 0.0)
        for side, key in ((surpriser, "surpriser_fire"), (surprised, "surprised_fire")):
            f = par[f"modifiers.surprise.{key}"][:, None]
            out[side] = out[side] * (1.0 + (f - 1.0) * left)
    return knots, out


def _reinforcements(
    arrivals: list[list[Arrive]], n: int, s: int
) -> tuple[Reinforcements | None, FloatArray, list[tuple[int, Arrive]]]:
    flat = [(i, a) for i, arr in enumerate(arrivals) for a in arr]
    if not flat:
        return None, np.zeros(0), []
    knots = np.unique([x for _, a in flat for x in (a.start, a.end)])
    rates = np.zeros((s, knots.size - 1, K))
    for i, a in flat:
        inside = (knots[:-1] >= a.start) & (knots[1:] <= a.end)
        rates[i, inside, :] += a.amount.value / (a.end - a.start)
    rates_n = np.tile(rates, (n, 1, 1))
    reinf = Reinforcements(np.zeros(0), np.zeros((0, K)), knots, rates_n)
    return reinf, knots, flat


def _transferred(
    prep: Prepared, par: Mapping[str, FloatArray], side: str, strength: FloatArray, n: int, s: int
) -> FloatArray:
    """Move each transfer's share of its part from one sector to another (rows are
    sample-major: sample i, sector j is row i * S + j); a total below zero is an error."""
    moves = [m for m in prep.transfers if SIDES[m[0]] == side]
    if not moves:
        return strength
    out = np.array(strength, dtype=float).reshape(n, s, K)
    for tr, (_, src, dst, fig) in zip(prep.scenario.transfers, prep.transfers, strict=True):
        if tr.side != side:
            continue
        moved = par[f"transfers.{tr.name}.share"][:, None] * fig.value[None, :]  # (N, K)
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
        strength = _transferred(prep, par, side, strength, n, s)
        hit = np.zeros_like(strength)
        if scn.modifiers.air_strike.by not in ("none", side):
            frac = np.repeat(par["modifiers.air_strike.destroyed_fraction"], s)
            air = CATEGORIES.index("aircraft")
            hit[:, air] = strength[:, air] * frac
            strength = strength - hit
        initial[side] = strength
        struck[side] = hit
        kill = np.repeat(par[rate_key][:, None, None] * base, s, axis=0)
        reinf, _, flat = _reinforcements(prep.arrivals[side], n, s)
        arr_info[side] = flat
        multiplier = Multiplier(
            np.repeat(knots, s, axis=0) if knots.ndim == 2 else knots,
            np.repeat(mult[side], s, axis=0),
        )
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
        )
    law = get_law(
        scn.law,
        p=scn.law_params.get("p"),
        q=scn.law_params.get("q"),
        w=scn.law_params.get("w"),
    )
    eng = Engagement(law, sides["USSR"], sides["Germany"])
    return Built(eng, n, s, w, initial, struck, arr_info, mult, knots, par)


def arrived_by(flat: list[tuple[int, Arrive]], n: int, s: int, t: float) -> FloatArray:
    """Arrivals per category by day ``t``, shape (N*S, K)."""
    out = np.zeros((s, K))
    for i, a in flat:
        frac = min(max((t - a.start) / (a.end - a.start), 0.0), 1.0)
        out[i] += frac * a.amount.value
    return np.tile(out, (n, 1))

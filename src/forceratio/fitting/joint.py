"""Several battles fitted at once with shared parameters (the law's exponents, the attack
factor), each battle keeping its own rates.

Each battle brings its own error model (:mod:`.noise`, estimated as for a single fit) and its
own normalisation; the joint objective is the sum of the battles' whitened objectives, so a
shared exponent is the one that fits all the battles best together.  Starts: each battle's
own fit, with the shared parameters at their mean over the battles, and at each battle's own
value.  Intervals: profile likelihood on the joint objective (:mod:`.estimate`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from forceratio.errors import InputError
from forceratio.fitting.data import Battle
from forceratio.fitting.estimate import (
    ANNIHILATION_SD,
    Objective,
    Solution,
    best_of,
    profile_intervals,
)
from forceratio.fitting.model import LawSpec, law_spec, physical_rates
from forceratio.fitting.result import json_safe

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class JointSpec:
    """The joint parameter vector: the shared parameters, then each battle's own."""

    names: tuple[str, ...]
    lower: FloatArray
    upper: FloatArray
    index: tuple[tuple[int, ...], ...]  # per battle: where each of its parameters sits

    @property
    def k(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class JointObjective:
    parts: tuple[Objective, ...]
    spec: JointSpec  # duck-types LawSpec for :func:`minimise` and the profile

    #: every part's annihilation constraints at this sd: :func:`minimise` loosens it first
    #: and then tightens it, as for one battle (at a fixed 1.0 it skipped that, stalled in the
    #: constraint's narrow valley and the profile intervals came out wrong)
    annihilation_sd: float = ANNIHILATION_SD

    @property
    def has_constraints(self) -> bool:
        return any(p.has_constraints for p in self.parts)

    @cached_property
    def _parts(self) -> tuple[Objective, ...]:
        return tuple(
            p if p.annihilation_sd == self.annihilation_sd
            else replace(p, annihilation_sd=self.annihilation_sd)
            for p in self.parts
        )  # fmt: skip

    def split(self, theta: FloatArray) -> list[FloatArray]:
        theta = np.atleast_2d(theta)
        return [theta[:, list(ix)] for ix in self.spec.index]

    def residuals(self, theta: FloatArray) -> FloatArray:
        out: FloatArray = np.concatenate(
            [p.residuals(t) for p, t in zip(self._parts, self.split(theta), strict=True)], axis=1
        )
        return out

    def cost(self, theta: FloatArray) -> float:
        return float(np.sum(self.residuals(np.atleast_2d(theta))[0] ** 2))


def joint_spec(specs: list[LawSpec], shared: tuple[str, ...]) -> JointSpec:
    first = specs[0]
    unknown = [s for s in shared if s not in first.law_names]
    if unknown:
        raise InputError(
            "shared", f"{', '.join(unknown)} is not a parameter of the {first.law} law"
        )
    names = list(shared)
    lower = [first.lower[first.names.index(s)] for s in shared]
    upper = [first.upper[first.names.index(s)] for s in shared]
    index = []
    for i, sp in enumerate(specs):
        ix = []
        for name, lo, hi in zip(sp.names, sp.lower, sp.upper, strict=True):
            if name in shared:
                ix.append(shared.index(name))
            else:
                ix.append(len(names))
                names.append(f"{name}[{i}]")
                lower.append(lo)
                upper.append(hi)
        index.append(tuple(ix))
    return JointSpec(tuple(names), np.array(lower), np.array(upper), tuple(index))


def _same(a: Battle, b: Battle) -> bool:
    """Whether two series are the same battle: every day (from the first), strength,
    arrival and attacker equal, however the files wrote them (the first day's own value may
    differ: a copy with its days shifted is still that battle)."""
    arrays = [(a.t, b.t), (a.red, b.red), (a.blue, b.blue), (a.red_in, b.red_in)]
    arrays.append((a.blue_in, b.blue_in))
    if (a.attack is None) != (b.attack is None):
        return False
    if a.attack is not None and b.attack is not None:
        arrays.append((a.attack, b.attack))
    return all(x.shape == y.shape and np.array_equal(x, y, equal_nan=True) for x, y in arrays)


def which(i: int, b: Battle) -> str:
    """Battle ``i`` (from 0) as an error names it: its file, or its place in the list when it
    was a DataFrame (whose ``where`` is only "data", the same for every frame)."""
    return f"battle {i + 1}" if b.where == "data" else f"file {i + 1} ({b.where})"


def check_distinct(battles: list[Battle]) -> None:
    """Refuse the same battle given twice: its data would count twice and every interval
    come out too narrow (review of hfit5; a copy of a file, or one file under two names, is
    caught by content; two real battles never share a whole daily series)."""
    for j, b in enumerate(battles):
        for i, a in enumerate(battles[:j]):
            if _same(a, b):
                raise InputError(
                    which(j, b),
                    f"the same series as {which(i, a)}: a battle given twice would be "
                    "counted twice and its intervals come out too narrow; give each battle "
                    "once",
                )


def _fitted_alone(i: int, b: Battle, law: str) -> tuple[LawSpec, Solution, Any, int]:
    """Battle ``i``'s own fit of ``law``; a refusal that names only ``law`` (too few
    observations in this battle for that law, or a path the engine cannot follow) names the
    battle's file too: of several files, the user must know which."""
    from forceratio.fitting.daily import fit_laws_state

    try:
        return fit_laws_state(b, law)  # each battle's starts estimated
    except InputError as err:
        if err.field != "law":  # already names the file (and row, column)
            raise
        raise InputError(
            which(i, b), err.problem.replace("the data give", "this battle gives")
        ) from None


def fit_battles(
    battles: list[Battle], law: str, shared: tuple[str, ...] | None = None
) -> dict[str, Any]:
    """Fit ``law`` to every battle at once, ``shared`` parameters common to all (names as
    in :func:`law_spec`: ``w``, ``p``, ``q``, ``log_attack_factor``, even a rate; by
    default every parameter but the rates; each battle's initial strengths are its own)."""
    if len(battles) < 2:
        raise InputError("battles", "a joint fit needs at least two battles")
    check_distinct(battles)
    parts, own, n, counts = [], [], 0, []
    for i, b in enumerate(battles):
        spec, single, nz, n_b = _fitted_alone(i, b, law)
        parts.append(Objective(b, spec, nz.whiten))
        own.append(single.theta)
        n += n_b
        counts.append(f"{which(i, b)}: {n_b}")
    specs = [p.spec for p in parts]
    shared = specs[0].law_names[2:] if shared is None else shared
    js = joint_spec(specs, shared)
    obj = JointObjective(tuple(parts), js)
    if js.k >= n:
        raise InputError("battles", f"{js.k} parameters for {n} observations ({'; '.join(counts)})")
    starts = []
    for pick in [None, *range(len(battles))]:
        x = np.empty(js.k)
        for b_i, ix in enumerate(js.index):
            for j, pos in enumerate(ix):
                x[pos] = own[b_i][j]
        for s_i, name in enumerate(js.names[: len(shared)]):
            j = specs[0].names.index(name)
            vals = [o[j] for o in own]
            x[s_i] = float(np.mean(vals)) if pick is None else vals[pick]
        starts.append(x)
    sol: Solution = best_of(obj, starts)  # type: ignore[arg-type]
    wanted = set(range(len(shared)))
    if law in ("square", "linear", "logarithmic"):  # the rates' intervals are reported
        wanted |= {pos for ix in js.index for pos in ix[:2]}
    ivs = profile_intervals(obj, sol, n, wanted=frozenset(wanted))  # type: ignore[arg-type]
    out: dict[str, Any] = {"law": law, "shared": list(js.names[: len(shared)]), "n_obs": n}
    out["converged"] = sol.converged
    for s_i, name in enumerate(js.names[: len(shared)]):
        lo, hi = ivs[s_i].low, ivs[s_i].high
        if name.startswith("log_"):
            out[name.removeprefix("log_")] = math.exp(sol.theta[s_i])
            out[f"{name.removeprefix('log_')}_ci"] = [
                None if lo is None else math.exp(lo),
                None if hi is None else math.exp(hi),
            ]
        else:
            out[name] = float(sol.theta[s_i])
            out[f"{name}_ci"] = [lo, hi]
    rows = []
    for b_i, (b, ix) in enumerate(zip(battles, js.index, strict=True)):
        theta = sol.theta[list(ix)]
        red, blue = physical_rates(b, specs[b_i], theta)
        row: dict[str, Any] = {"battle": b.name, "red_rate": red, "blue_rate": blue}
        row["notes"] = list(b.notes)  # what reading the series found (rises, dates, gaps)
        if law in ("square", "linear", "logarithmic"):  # units do not move with exponents
            for name, rate, pos in (("red_rate", red, ix[0]), ("blue_rate", blue, ix[1])):
                lo, hi = ivs[pos].low, ivs[pos].high
                f = rate / math.exp(sol.theta[pos])
                row[f"{name}_ci"] = [
                    0.0 if lo is None else f * math.exp(lo),
                    None if hi is None else f * math.exp(hi),
                ]
        rows.append(row)
    out["battles"] = rows
    safe: dict[str, Any] = json_safe(out)
    return safe


__all__ = ["fit_battles", "joint_spec", "law_spec"]

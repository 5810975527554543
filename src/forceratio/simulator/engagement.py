"""Validated, broadcast inputs of a batch of battles: two :class:`Side` objects."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forceratio.arguments import instance, nonnegative, numbers, shaped
from forceratio.errors import InputError
from forceratio.simulator.laws import Exponents, Law
from forceratio.simulator.operational import Flows
from forceratio.simulator.result import ANNIHILATION_UNITS
from forceratio.simulator.schedules import Multiplier, Reinforcements

FloatArray = NDArray[np.float64]


def batch_size(*values: ArrayLike) -> int:
    """The common leading length of scalar-or-array inputs (1 if all scalars)."""
    lengths = sorted({np.shape(v)[0] for v in values if np.ndim(v)} - {0, 1})  # 0: refused later
    if len(lengths) > 1:
        raise InputError("batch", f"inputs have different lengths ({lengths[0]} and {lengths[1]})")
    return lengths[0] if lengths else 1


@dataclass(frozen=True)
class Side:
    """One side of a batch of N battles, with K weapon categories.

    Attributes
    ----------
    strength : ndarray, shape (N, K)
        Initial strength per category (men, guns, tanks... or combat-power units).
    kill_rates : ndarray, shape (N, K, K_enemy)
        ``kill_rates[n, i, j]``: enemy units of category ``j`` put out of action per day
        per unit of this side's category ``i`` when all of ``i``'s fire goes to ``j``.
    weights : ndarray, shape (N, K)
        Combat value of one unit of each category; the side's strength is the weighted sum.
        It is used for breakpoints, the winner, and proportional fire allocation.
    breakpoint : ndarray, shape (N,)
        Fraction of initial strength at which the side quits, in [0, 1) (0: fights to
        annihilation).
    allocation : ndarray, shape (N or 1, K, K_enemy), optional
        Fixed share of category ``i``'s fire aimed at enemy category ``j`` (rows sum to 1,
        renormalised over surviving targets).  ``None``: proportional to the targets'
        weighted strength.
    multiplier : Multiplier, optional
        Time-varying multiplier of this side's kill rates (surprise, readiness, posture).
    reinforcements : Reinforcements, optional
        Arrivals of fresh strength.
    categories : tuple of str
        Names of the K categories.
    annihilation : ndarray, shape (N,), optional
        Weighted strength at or below which the side is annihilated (see
        :data:`.result.ANNIHILATION_UNITS`); ``None``: half a unit of its lightest category.
    name : str
        The caller's name of the side (``make_side``'s first argument), which errors about
        it carry (``USSR.kill_rates``); empty: its role in the engagement (red, blue).
    hold : ndarray, shape (N,), optional
        Days before which the side cannot be out, whatever its strength: a run restarted
        part-way through a side's arrivals (:mod:`forceratio.scenarios.stages`) keeps the
        hold it had until its last arrival; ``None``: from its strength and arrivals alone
        (:func:`.runs.hold_until`).
    """

    strength: FloatArray
    kill_rates: FloatArray
    weights: FloatArray
    breakpoint: FloatArray
    allocation: FloatArray | None = None
    multiplier: Multiplier | None = None
    reinforcements: Reinforcements | None = None
    categories: tuple[str, ...] = ("strength",)
    annihilation: FloatArray | None = None
    flows: Flows | None = None
    name: str = ""
    hold: FloatArray | None = None

    @property
    def n(self) -> int:
        return int(self.strength.shape[0])

    @property
    def k(self) -> int:
        return int(self.strength.shape[1])

    @property
    def initial(self) -> FloatArray:
        """Weighted initial strength, shape (N,)."""
        return np.asarray((self.strength * self.weights).sum(axis=1))

    @property
    def annihilation_level(self) -> FloatArray:
        """Weighted strength at which the side is annihilated, shape (N,)."""
        if self.annihilation is not None:
            return np.broadcast_to(self.annihilation, (self.n,))
        w = np.where(self.weights > 0, self.weights, np.inf)
        return np.asarray(ANNIHILATION_UNITS * w.min(axis=1))

    def level(self, initial: FloatArray) -> FloatArray:
        """The end rule: the side is out at max(breakpoint x initial, annihilation level)."""
        return np.maximum(self.breakpoint * initial, self.annihilation_level)


def make_side(
    name: str, strength: ArrayLike, kill_rates: ArrayLike, *, n: int, k_enemy: int,
    weights: ArrayLike | None = None, breakpoint: ArrayLike = 0.0,
    allocation: ArrayLike | None = None, multiplier: Multiplier | None = None,
    reinforcements: Reinforcements | None = None, categories: tuple[str, ...] | None = None,
    annihilation: ArrayLike | None = None, flows: Flows | None = None,
) -> Side:  # fmt: skip
    """Broadcast and validate one side's inputs to a batch of ``n`` battles.

    ``strength`` may be a scalar, shape (N,) for one category, or (N, K) / (K,) with
    ``categories`` given; ``kill_rates`` a scalar, (N,), (K, K_enemy) or (N, K, K_enemy).
    Every problem raises :class:`InputError` naming the field as ``name.argument``
    (``USSR.kill_rates``: the caller's side and this function's argument).
    """

    def field(argument: str) -> str:
        return f"{name}.{argument}"

    s = numbers(field("strength"), strength)
    if categories is None:
        k = s.shape[1] if s.ndim > 1 else 1
        categories = tuple(f"c{i}" for i in range(k)) if k > 1 else ("strength",)
    k = len(categories)
    s = shaped(field("strength"), s[:, None] if s.ndim == 1 and k == 1 else s, (n, k))
    r = numbers(field("kill_rates"), kill_rates)
    if r.ndim == 1 and (k, k_enemy) != (1, 1):
        raise InputError(field("kill_rates"), "a 1-D kill-rate array needs one category per side")
    r = shaped(field("kill_rates"), r.reshape(-1, 1, 1) if r.ndim == 1 else r, (n, k, k_enemy))
    w = shaped(field("weights"), 1.0 if weights is None else weights, (n, k))
    if np.any(w.sum(axis=1) <= 0):
        raise InputError(field("weights"), "at least one category weight must be > 0")
    bp = shaped(field("breakpoint"), breakpoint, (n,))
    if np.any(bp >= 1):
        raise InputError(field("breakpoint"), f"must be in [0, 1), got {bp.max():g}")
    alloc: FloatArray | None = None
    if allocation is not None:
        alloc = np.asarray(allocation, dtype=float)
        if alloc.ndim == 2:
            alloc = alloc[None]
        if alloc.shape[1:] != (k, k_enemy) or alloc.shape[0] not in (1, n):
            raise InputError(field("allocation"), f"expected shape (N or 1, {k}, {k_enemy})")
        nonnegative(field("allocation"), alloc)
        if not np.allclose(alloc.sum(axis=2), 1.0, atol=1e-9):
            raise InputError(field("allocation"), "each category's shares must sum to 1")
    ann = None if annihilation is None else shaped(field("annihilation"), annihilation, (n,))
    if multiplier is not None and multiplier.n not in (1, n):
        raise InputError(field("multiplier"), f"values for {multiplier.n} scenarios, batch is {n}")
    if reinforcements is not None:
        if reinforcements.n_categories not in (0, k):
            raise InputError(field("reinforcements"), f"expected {k} categories")
        for arr in (reinforcements.amounts, reinforcements.rates, reinforcements.transit_loss):
            if arr.shape[0] not in (1, n):
                raise InputError(
                    field("reinforcements"), f"values for {arr.shape[0]} scenarios, batch is {n}"
                )
    if flows is not None and (flows.capture_rate.shape[0] != n or flows.noncombat.shape != (n, k)):
        raise InputError(field("flows"), f"expected {n} scenarios x {k} categories")
    return Side(
        strength=s, kill_rates=r, weights=w, breakpoint=bp, allocation=alloc,
        multiplier=multiplier, reinforcements=reinforcements, categories=tuple(categories),
        annihilation=ann, flows=flows, name=str(name),
    )  # fmt: skip


@dataclass(frozen=True)
class Engagement:
    """A batch of N two-sided battles under one law."""

    law: Law
    red: Side
    blue: Side

    def __post_init__(self) -> None:
        for field, kind, make in (("law", Law, "get_law"), ("red", Side, "make_side"),
                                  ("blue", Side, "make_side")):  # fmt: skip
            instance(field, getattr(self, field), kind, f"a {kind.__name__} ({make}(...))")
        red, blue = self.red, self.blue
        rn, bn = red.name or "red", blue.name or "blue"
        if red.n != blue.n:
            raise InputError(bn, f"batch sizes differ: {rn} {red.n}, {bn} {blue.n}")
        for side, enemy, sn, en in ((red, blue, rn, bn), (blue, red, bn, rn)):
            if side.kill_rates.shape[2] != enemy.k:
                raise InputError(
                    f"{sn}.kill_rates",
                    f"a column per enemy category: {side.kill_rates.shape[2]} (k_enemy), "
                    f"but {en} has {enemy.k} categories",
                )
        from forceratio.simulator.magnitudes import check_engagement

        check_engagement(self)  # magnitudes the engine resolves (no silent under/overflow)

    @property
    def n(self) -> int:
        return self.red.n

    @property
    def exps(self) -> Exponents:
        return self.law.exponents()

    @property
    def time_dependent(self) -> bool:
        return any(
            s.multiplier is not None or s.reinforcements is not None for s in (self.red, self.blue)
        )

    @property
    def has_flows(self) -> bool:
        """Whether either side has an operational flow switched on (:mod:`.operational`)."""
        return any(s.flows is not None and s.flows.active for s in (self.red, self.blue))

    @property
    def single_category(self) -> bool:
        return self.red.k == 1 and self.blue.k == 1

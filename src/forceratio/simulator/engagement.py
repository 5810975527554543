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

    def __post_init__(self) -> None:
        """Every value checked once, here, whoever builds the side (:func:`make_side`, a
        notebook, ``dataclasses.replace``): an :class:`InputError` naming ``name.field``.
        Arrays given as lists are stored as float arrays."""
        instance("side.name", self.name, str, "a str")
        side = self.name or "side"
        s = self._array("strength", 2, "(N, K)")
        n, k = s.shape
        r = self._array("kill_rates", 3, "(N, K, K_enemy)", (n, k))
        w = self._array("weights", 2, "(N, K)", (n, k))
        if np.any(w.sum(axis=1) <= 0):
            raise InputError(f"{side}.weights", "at least one category weight must be > 0")
        hold = None if self.hold is None else self._array("hold", 1, "(N,)", (n,), True)
        bp = self._array("breakpoint", 1, "(N,)", (n,))
        free = bp if hold is None else bp[np.broadcast_to(hold, (n,)) <= 0.0]
        if np.any(free >= 1):  # a side held until its arrivals may be over 1 (stages)
            raise InputError(f"{side}.breakpoint", f"must be in [0, 1), got {free.max():g}")
        if self.annihilation is not None:
            self._array("annihilation", 1, "(N,)", (n,), True)
        if self.allocation is not None:
            alloc = self._array("allocation", 3, f"(N or 1, {k}, {r.shape[2]})", (n, k, r.shape[2]))
            if not np.allclose(alloc.sum(axis=2), 1.0, atol=1e-9):
                raise InputError(f"{side}.allocation", "each category's shares must sum to 1")
        self._schedules(n, k)
        cats = self.categories
        if not (
            isinstance(cats, tuple) and len(cats) == k and all(isinstance(c, str) for c in cats)
        ):
            raise InputError(f"{side}.categories", f"expected a tuple of {k} names, got {cats!r}")
        from forceratio.simulator.magnitudes import (
            RATE_RANGE,
            STRENGTH_RANGE,
            WEIGHT_MAX,
            check_magnitude,
        )

        check_magnitude(f"{side}.strength", s, STRENGTH_RANGE, "units")
        check_magnitude(f"{side}.kill_rates", r, RATE_RANGE, "(the law's rate unit)")
        if np.any(w > WEIGHT_MAX):
            got = f"a unit's combat value must be <= {WEIGHT_MAX:g}, got {float(w.max()):g}"
            raise InputError(f"{side}.weights", got)

    def _schedules(self, n: int, k: int) -> None:
        """The multiplier, arrivals and flows: of their kind, for this batch of ``n`` runs
        (or shared) and ``k`` categories."""
        side, mult, reinf, flows = self.name or "side", *self._objects()
        if mult is not None and mult.n not in (1, n):
            raise InputError(f"{side}.multiplier", f"values for {mult.n} scenarios, batch is {n}")
        if reinf is not None:
            if reinf.n_categories not in (0, k):
                raise InputError(f"{side}.reinforcements", f"expected {k} categories")
            for arr in (reinf.amounts, reinf.rates, reinf.transit_loss):
                if arr.shape[0] not in (1, n):
                    got = f"values for {arr.shape[0]} scenarios, batch is {n}"
                    raise InputError(f"{side}.reinforcements", got)
        if flows is not None and (
            flows.capture_rate.shape[0] != n or flows.noncombat.shape != (n, k)
        ):
            raise InputError(f"{side}.flows", f"expected {n} scenarios x {k} categories")

    def _objects(self) -> tuple[Multiplier | None, Reinforcements | None, Flows | None]:
        side = self.name or "side"
        for field, kind in (("multiplier", Multiplier), ("reinforcements", Reinforcements),
                            ("flows", Flows)):  # fmt: skip
            if getattr(self, field) is not None:
                instance(f"{side}.{field}", getattr(self, field), kind, f"a {kind.__name__}")
        return self.multiplier, self.reinforcements, self.flows

    def _array(
        self, field: str, ndim: int, what: str, shape: tuple[int, ...] | None = None,
        shared: bool = False,
    ) -> FloatArray:  # fmt: skip
        """Field ``field`` as a C-contiguous float array of ``ndim`` dimensions and ``shape``
        (its first dimension 1 too where ``shared`` or ``allocation``), finite and >= 0."""
        label = f"{self.name or 'side'}.{field}"
        a = np.ascontiguousarray(numbers(label, getattr(self, field)))
        if shared and a.ndim == 0:
            a = a.reshape(1)
        ok = a.ndim == ndim and (shape is None or a.shape[1 : len(shape)] == shape[1:])
        if not (ok and (shape is None or a.shape[0] == shape[0] or (
                a.shape[0] == 1 and (shared or field == "allocation")))):  # fmt: skip
            raise InputError(label, f"expected shape {what}, got {a.shape}")
        nonnegative(label, a)
        object.__setattr__(self, field, a)
        return a

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
    bp = shaped(field("breakpoint"), breakpoint, (n,))
    alloc: FloatArray | None = None
    if allocation is not None:
        alloc = numbers(field("allocation"), allocation)
        alloc = alloc[None] if alloc.ndim == 2 else alloc
    ann = None if annihilation is None else shaped(field("annihilation"), annihilation, (n,))
    return Side(  # which checks the rest (Side.__post_init__)
        strength=s, kill_rates=r, weights=w, breakpoint=bp, allocation=alloc,
        multiplier=multiplier, reinforcements=reinforcements, categories=tuple(categories),
        annihilation=ann, flows=flows, name=str(name),
    )  # fmt: skip


def checked(eng: Engagement) -> Engagement:
    """``eng`` if it is an Engagement, else one line naming ``eng`` and what is expected
    (``simulate(None)`` and ``simulate_stochastic({})`` from Python)."""
    what = "an Engagement (Engagement(red=make_side(...), blue=make_side(...), law=...))"
    instance("eng", eng, Engagement, what)
    return eng


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

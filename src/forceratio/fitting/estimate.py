"""Least squares with several starts, nested laws started from the laws they contain, and
profile-likelihood intervals.

The objective is the sum of squared (whitened, see :mod:`.noise`) residuals of the scaled
strengths; an annihilation at a side's last observation enters as a constraint residual
``fitted / ANNIHILATION_SD`` (the model must reach 0 there).  A nested law is fitted from
its own first guess, from every contained law's fitted point (which it reproduces exactly)
and from a few fixed exponents, and keeps the best; so it never fits worse than a law it
contains.  Intervals are profile likelihood: for each parameter, the values at which the
minimum of the objective over the other parameters rises by ``s**2 * F(1, n - k; 0.95)``
above its minimum, with ``s**2`` the objective per degree of freedom (as lmfit's
``conf_interval`` does).  A profile that stays below that level up to the parameter's
bound leaves the interval open there.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, stats

from forceratio.fitting.data import Battle
from forceratio.fitting.model import INITIAL_NAMES, LawSpec, predict

FloatArray = NDArray[np.float64]
ANNIHILATION_SD = 1e-4  # scaled units: the fitted side must be at 0 within 0.01%
STEP = 1e-6


@dataclass(frozen=True)
class Objective:
    """The residual vector of a battle for one law: whitened observations, then the
    annihilation constraints."""

    battle: Battle
    spec: LawSpec
    whiten: FloatArray | None  # (n, n), None for plain scaled residuals
    annihilation_sd: float = ANNIHILATION_SD

    def observed(self) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        return self._masks

    @cached_property
    def _masks(self) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Masks of the rows that enter as observations and as annihilation constraints."""
        b = self.battle
        ann = b.annihilated()
        masks, cons = [], []
        for obs, dead, name in zip((b.red, b.blue), ann, INITIAL_NAMES, strict=True):
            m = np.isfinite(obs)
            m[0] = name in self.spec.names  # an observation when the path starts free
            c = np.zeros_like(m)
            if dead:
                last = int(np.flatnonzero(np.isfinite(obs))[-1])
                m[last], c[last] = False, True
            masks.append(m)
            cons.append(c)
        return masks[0], masks[1], cons[0], cons[1]

    @cached_property
    def _target(self) -> FloatArray:
        b = self.battle
        sr, sb = b.scale
        mr, mb, _, _ = self._masks
        out: FloatArray = np.concatenate([b.red[mr] / sr, b.blue[mb] / sb])
        return out

    @property
    def has_constraints(self) -> bool:
        return any(self.battle.annihilated())

    def raw(self, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(M, n) scaled residuals of the observations and (M, c) constraint values."""
        xs, ys = predict(self.battle, self.spec, theta)
        mr, mb, cr, cb = self._masks
        e = np.concatenate([xs[:, mr], ys[:, mb]], axis=1) - self._target
        c = np.concatenate([xs[:, cr], ys[:, cb]], axis=1) / self.annihilation_sd
        return e, c

    def residuals(self, theta: FloatArray) -> FloatArray:
        e, c = self.raw(theta)
        if self.whiten is not None:
            e = e @ self.whiten.T
        out: FloatArray = np.concatenate([e, c], axis=1)
        return out

    def cost(self, theta: FloatArray) -> float:
        return float(np.sum(self.residuals(np.atleast_2d(theta))[0] ** 2))


@dataclass(frozen=True)
class Solution:
    theta: FloatArray
    cost: float  # sum of squared residuals
    converged: bool
    message: str


def jacobian(
    obj: Objective, fixed: FloatArray, free: FloatArray
) -> Callable[[FloatArray], FloatArray]:
    """Forward differences in the ``free`` parameters (``fixed`` holds the others), all in
    one batch of model runs; a step that would cross the upper bound goes backwards."""
    upper = obj.spec.upper[free]

    def jac(x: FloatArray) -> FloatArray:
        h = STEP * np.maximum(1.0, np.abs(x))
        h = np.where(x + h > upper, -h, h)
        full = np.tile(fixed, (x.size + 1, 1))
        full[:, free] = np.vstack([x[None, :], x[None, :] + np.diag(h)])
        r = obj.residuals(full)
        out: FloatArray = ((r[1:] - r[0]) / h[:, None]).T
        return out

    return jac


def minimise(obj: Objective, start: FloatArray, free: FloatArray | None = None) -> Solution:
    """Bounded least squares from ``start``; ``free`` masks the parameters that vary."""
    spec = obj.spec
    free = np.ones(spec.k, dtype=bool) if free is None else free
    fixed = np.clip(np.asarray(start, dtype=float), spec.lower, spec.upper)
    x0 = np.clip(fixed[free], spec.lower[free] + 1e-12, spec.upper[free] - 1e-12)

    if obj.has_constraints and obj.annihilation_sd < 1e-2:
        # a tight constraint makes a narrow valley: reach it through a looser one first
        loose = minimise(replace(obj, annihilation_sd=obj.annihilation_sd * 100.0), start, free)
        fixed = loose.theta.copy()
        x0 = np.clip(fixed[free], spec.lower[free] + 1e-12, spec.upper[free] - 1e-12)

    def fun(x: FloatArray) -> FloatArray:
        full = fixed.copy()
        full[free] = x
        out: FloatArray = obj.residuals(full[None, :])[0]
        return out

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = optimize.least_squares(
            fun, x0, jac=jacobian(obj, fixed, free), bounds=(spec.lower[free], spec.upper[free]),
            xtol=1e-9, ftol=1e-10, gtol=1e-10, max_nfev=100,
        )  # fmt: skip
    theta = fixed.copy()
    theta[free] = res.x
    cost = float(np.sum(res.fun**2))
    if not math.isfinite(cost):
        return Solution(theta, math.inf, False, "the model gave non-finite values")
    return Solution(theta, cost, bool(res.status > 0), str(res.message))


def best_of(obj: Objective, starts: list[FloatArray]) -> Solution:
    """The best of the fits from several starts; a start that no fit improves on is kept
    (so an embedded simpler law's optimum is never lost)."""
    best: Solution | None = None
    for s in starts:
        s = np.clip(s, obj.spec.lower, obj.spec.upper)
        sol = minimise(obj, s)
        c0 = obj.cost(s)
        if c0 < sol.cost:
            sol = Solution(s, c0, sol.converged, sol.message)
        if best is None or sol.cost < best.cost - 1e-12 * max(1.0, abs(best.cost)):
            best = sol
    assert best is not None
    return best


@dataclass(frozen=True)
class Interval:
    low: float | None  # None: open (the profile never rose enough before the bound)
    high: float | None


#: the shortest step the profile walk halves to before it takes a steep rise as real
MIN_STEP = 1e-3


def _walk(
    prof: Callable[[float, FloatArray], tuple[float, FloatArray]],
    sol: Solution,
    i: int,
    bound: float,
    step: float,
    delta: float,
) -> float | None:
    """Walk the profile of parameter ``i`` from the optimum towards ``bound`` (``step``
    signed) and return where it crosses 0 (``prof`` is the profile minus its level), None if
    it stays below up to the bound.

    Each point's inner fit starts from the last point inside (a continuation), the step
    doubling while the profile stays below its level.  A step over which the profile climbs
    by more than the whole level ``delta`` is not trusted: from a start that far away the
    inner fit can land in another optimum of the other parameters (a higher one), and the
    profile seems to jump there (three synthetic Helmbold battles, the shared w's
    upper end cut at w + 0.06 where the profile, followed in small steps, crosses at
    w + 0.074); the step is halved down to ``MIN_STEP`` instead.  The crossing is then
    found by Brent's method with every inner fit started from that same inside point, so
    the root finder sees one function of the parameter, not one that depends on the order
    of its evaluations."""
    x, fx, tx = float(sol.theta[i]), -delta, sol.theta.copy()
    sign = 1.0 if step > 0 else -1.0
    step = abs(step)
    while True:
        trial = x + sign * step
        at_bound = (trial - bound) * sign >= 0
        trial = float(bound) if at_bound else trial
        ft, tt = prof(trial, tx)
        if ft > 0 and ft - fx > delta and abs(trial - x) > MIN_STEP:
            step = abs(trial - x) / 2.0
            continue
        if ft > 0:
            inside = tx

            def crossing(v: float, inside: FloatArray = inside) -> float:
                return prof(v, inside)[0]

            return float(optimize.brentq(crossing, x, trial, xtol=1e-5))
        if at_bound:
            return None
        x, fx, tx = trial, ft, tt
        step *= 2.0


def profile_intervals(
    obj: Objective,
    sol: Solution,
    n: int,
    level: float = 0.95,
    wanted: frozenset[int] | None = None,
    scale_floor: float = 0.0,
) -> list[Interval]:
    """Profile-likelihood intervals for every parameter (on the fitted scale) but the
    initial strengths (nuisance parameters, profiled over: ``Interval(None, None)``);
    ``wanted``: only these parameters' (the others ``Interval(None, None)``: a caller that
    reports only some saves the rest's profiles, each as costly as a fit).
    ``scale_floor``: the least ``s**2`` (1 where the whitening's noise is the data's
    rounding alone, :attr:`.noise.Noise.at_rounding`: residuals smaller than the rounding,
    as a series that never moves gives, say nothing of a smaller noise)."""
    spec = obj.spec
    k = spec.k
    dof = max(n - k, 1)
    s2 = max(sol.cost / dof, scale_floor, 1e-300)
    delta = s2 * float(stats.f.ppf(level, 1, dof))
    out = []
    for i in range(k):
        if spec.names[i].split("[")[0] in INITIAL_NAMES or (wanted is not None and i not in wanted):
            out.append(Interval(None, None))
            continue
        free = np.ones(k, dtype=bool)
        free[i] = False

        def prof(
            v: float, start_from: FloatArray, i: int = i, free: FloatArray = free
        ) -> tuple[float, FloatArray]:
            start = start_from.copy()
            start[i] = v
            r = minimise(obj, start, free)
            c0 = obj.cost(start)
            if c0 < r.cost:
                r = Solution(start, c0, r.converged, r.message)
            return r.cost - sol.cost - delta, r.theta

        step = 0.05 if spec.names[i].startswith("log_") else 0.02
        low = _walk(prof, sol, i, float(spec.lower[i]), -step, delta)
        high = _walk(prof, sol, i, float(spec.upper[i]), step, delta)
        out.append(Interval(low, high))
    return out

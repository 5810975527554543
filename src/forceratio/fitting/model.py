"""The model fitted to a daily series: Bracken's (1995) general law in normalised units.

Each side's strength is divided by its reference strength (:attr:`Battle.scale`), x = R/Sr
and y = B/Sb, and::

    dx/dt = -beta  * f_red(t)  * y**p * x**q      (red's losses, blue firing)
    dy/dt = -alpha * f_blue(t) * x**p * y**q      (blue's losses, red firing)

``alpha`` and ``beta`` are *normalised* rates: the fraction of its reference strength a side
loses per day when both sides stand at their reference strengths.  Their meaning does not
change with p and q, which is what lets a nested law start from the simpler law's fit.  The
engine's rates follow as ``red_rate = alpha * Sb / (Sr**p * Sb**q)`` and
``blue_rate = beta * Sr / (Sb**p * Sr**q)``.  The laws fix (p, q): square (1, 0), linear
(1, 1), logarithmic (0, 1), Helmbold (w, 1 - w); ``power`` fits both.  With an
``attacker`` column, ``f`` is Bracken's tactical parameter: a side's losses are multiplied
by ``attack_factor`` on the days it attacks (and by 1 otherwise).

The initial strengths are parameters too (``red_initial``, ``blue_initial``, scaled), for
each side whose first row is positive: a first row is a report like any other, off by the
same measurement noise, and a path pinned to it carries its error into every later day
(on 200 synthetic battles with 2% noise on every row, the rates' 95% intervals then
covered the truth 342 times in 400, now 383; README).  A side that starts
at 0 (landings) starts at 0.

The paths come from the package's one engine (:func:`forceratio.simulator.solve.simulate`):
each parameter vector of a batch (a finite-difference Jacobian, a set of starts) is one
scenario of one engine call, with the attack factor as a :class:`Multiplier`, the arrivals
as :class:`Reinforcements` and an annihilation level of 0 (a side fights until it has
nothing left, and a side with no strength left neither fires nor loses).  The tests check
the paths against ``scipy.integrate.solve_ivp``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from forceratio.errors import ForceratioError, InputError
from forceratio.fitting.data import Battle
from forceratio.simulator.engagement import Engagement, make_side
from forceratio.simulator.laws import Law, PowerLaw
from forceratio.simulator.result import T_MAX
from forceratio.simulator.schedules import Multiplier, Reinforcements
from forceratio.simulator.solve import MAX_STEPS, simulate

FloatArray = NDArray[np.float64]
FIT_LAWS: tuple[str, ...] = ("square", "linear", "logarithmic", "helmbold", "power")
FIXED_EXPONENTS = {"square": (1.0, 0.0), "linear": (1.0, 1.0), "logarithmic": (0.0, 1.0)}
RATE_BOUNDS = (1e-9, 50.0)  # normalised rates: fractions of the reference strength a day
FACTOR_BOUNDS = (1e-3, 1e3)
EXPONENT_BOUNDS = (0.0, 3.0)
INITIAL_BOUNDS = (1e-6, 10.0)  # scaled initial strengths (1: the side's reference strength)
INITIAL_NAMES = ("red_initial", "blue_initial")
# the engine's relative tolerance: tight, so that the forward-difference Jacobian (steps of
# 1e-6, see estimate.STEP) sees the model and not the step control's noise
RTOL = 1e-10
RAMP = 1e-7  # days: the width of a jump of the attack factor (see _multiplier)
# which laws contain which (the larger law reproduces the smaller one exactly)
CONTAINS: dict[str, tuple[str, ...]] = {
    "helmbold": ("square", "logarithmic"),
    "power": ("square", "linear", "logarithmic", "helmbold"),
}


@dataclass(frozen=True)
class LawSpec:
    """The fitted parameters of a law: rates on a log scale, then w or (p, q), then the
    log attack factor when the series names the attacker, then the scaled initial strengths
    estimated (:data:`INITIAL_NAMES`; the others are the first row's)."""

    law: str
    names: tuple[str, ...]
    lower: FloatArray
    upper: FloatArray

    @property
    def k(self) -> int:
        return len(self.names)

    @property
    def law_names(self) -> tuple[str, ...]:
        """The law's own parameters (not the initial strengths)."""
        return tuple(n for n in self.names if n not in INITIAL_NAMES)

    def initial(self, b: Battle, theta: FloatArray) -> FloatArray:
        """The scaled initial strengths (red, blue) for each row of ``theta``: (M, 2)."""
        sr, sb = b.scale
        out = np.tile([b.red[0] / sr, b.blue[0] / sb], (theta.shape[0], 1))
        for side, name in enumerate(INITIAL_NAMES):
            if name in self.names:
                out[:, side] = theta[:, self.names.index(name)]
        return out

    def factor(self, theta: FloatArray) -> FloatArray | None:
        """The attack factor of each row of ``theta``, ``None`` without one."""
        if "log_attack_factor" not in self.names:
            return None
        out: FloatArray = np.exp(theta[:, self.names.index("log_attack_factor")])
        return out

    def exponents(self, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(p, q) for each row of ``theta`` (shape (M, k))."""
        m = theta.shape[0]
        if self.law == "helmbold":
            return theta[:, 2], 1.0 - theta[:, 2]
        if self.law == "power":
            return theta[:, 2], theta[:, 3]
        p, q = FIXED_EXPONENTS[self.law]
        return np.full(m, p), np.full(m, q)

    def embed(self, other: LawSpec, theta: FloatArray) -> FloatArray:
        """``theta`` of the contained law ``other`` as a point of this law."""
        p, q = other.exponents(theta[None, :])
        x = list(theta[:2])
        if self.law == "helmbold":
            x.append(float(p[0]))
        elif self.law == "power":
            x += [float(p[0]), float(q[0])]
        if "log_attack_factor" in self.names:
            f = other.factor(theta[None, :])
            x.append(0.0 if f is None else math.log(float(f[0])))
        x += [float(theta[other.names.index(n)]) for n in INITIAL_NAMES if n in self.names]
        out: FloatArray = np.clip(np.array(x), self.lower, self.upper)
        return out


def free_initial(b: Battle) -> tuple[bool, bool]:
    """Which sides' initial strengths the fit estimates: those whose first row is positive."""
    return bool(b.red[0] > 0), bool(b.blue[0] > 0)


def law_spec(
    law: str, attack: bool = False, initial: tuple[bool, bool] = (False, False)
) -> LawSpec:
    """The parameters of ``law``; ``attack``: with the attack factor; ``initial``: which
    sides' initial strengths are estimated (:func:`free_initial`)."""
    if law not in FIT_LAWS:
        raise InputError("law", f"unknown law {law!r}; choose {', '.join(FIT_LAWS)} or all")
    names = ["log_red_rate", "log_blue_rate"]
    lo = [math.log(RATE_BOUNDS[0])] * 2
    hi = [math.log(RATE_BOUNDS[1])] * 2
    if law == "helmbold":
        names.append("w")
        lo.append(0.0)
        hi.append(1.0)
    elif law == "power":
        names += ["p", "q"]
        lo += [EXPONENT_BOUNDS[0]] * 2
        hi += [EXPONENT_BOUNDS[1]] * 2
    if attack:
        names.append("log_attack_factor")
        lo.append(math.log(FACTOR_BOUNDS[0]))
        hi.append(math.log(FACTOR_BOUNDS[1]))
    for name, free in zip(INITIAL_NAMES, initial, strict=True):
        if free:
            names.append(name)
            lo.append(INITIAL_BOUNDS[0])
            hi.append(INITIAL_BOUNDS[1])
    return LawSpec(law, tuple(names), np.array(lo), np.array(hi))


def _multiplier(b: Battle, j: int, factor: FloatArray, on: int) -> Multiplier | None:
    """A side's kill-rate multiplier from observation ``j`` on (time 0 at ``t[j]``):
    ``factor`` (one per scenario) on the days the *other* side attacks (``attack == on``),
    1 otherwise.  The engine's multipliers are piecewise linear, so each jump is a ramp of
    :data:`RAMP` days centred on its day: the ramp's integral equals the jump's, so the
    strengths differ from a sharp jump's only within the ramp (by ~1e-7 of a day's loss)."""
    if b.attack is None:
        return None
    days = np.where(b.attack[j:] == on, 1.0, 0.0)  # (T - 1 - j,) per interval
    vals = 1.0 + days[None, :] * (factor[:, None] - 1.0)  # (M, T - 1 - j)
    t = b.t[j:] - b.t[j]
    change = np.flatnonzero(np.diff(days) != 0) + 1  # intervals that start with a jump
    if change.size == 0:
        return Multiplier.constant(vals[:, 0])
    knots = np.column_stack([t[change] - RAMP / 2, t[change] + RAMP / 2]).ravel()
    values = np.stack([vals[:, change - 1], vals[:, change]], axis=2).reshape(vals.shape[0], -1)
    return Multiplier(knots, values)


def _arrivals(t: FloatArray, amounts: FloatArray, j: int) -> Reinforcements | None:
    """Arrivals after the observations ``j + 1 .. T - 2`` (time 0 at ``t[j]``); those at
    ``t[j]`` are in the segment's initial strength, those after the last observation
    change nothing."""
    idx = np.arange(j + 1, t.size - 1)
    idx = idx[amounts[idx] > 0]
    if idx.size == 0:
        return None
    return Reinforcements.arrivals(t[idx] - t[j], amounts[idx])


def _followed(
    b: Battle, law: Law, j: int, red: FloatArray, blue: FloatArray, rates: FloatArray,
    factor: FloatArray | None, strict: bool,
) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.bool_]]:  # fmt: skip
    """:func:`_segment`, each vector the engine cannot follow run alone and given
    :data:`UNFOLLOWED` (not ended) unless ``strict``."""
    steps = MAX_STEPS if strict else TRIAL_STEPS
    try:
        return _segment(b, law, j, red, blue, rates, factor, steps)
    except InputError:
        raise
    except ForceratioError:
        if strict:
            raise
    n, n_t = red.size, b.t.size - j
    xr, yb = np.full((n, n_t), UNFOLLOWED * b.scale[0]), np.full((n, n_t), UNFOLLOWED * b.scale[1])
    t_end, ended = np.full(n, np.inf), np.zeros(n, dtype=bool)
    for i in range(n) if n > 1 else ():
        one = slice(i, i + 1)
        try:
            out = _segment(
                b, law, j, red[one], blue[one], rates[:, one],
                None if factor is None else factor[one], steps,
            )  # fmt: skip
        except InputError:
            raise
        except ForceratioError:
            continue
        xr[i], yb[i], t_end[i], ended[i] = out[0][0], out[1][0], out[2][0], out[3][0]
    return xr, yb, t_end, ended


def _segment(
    b: Battle, law: Law, j: int, red: FloatArray, blue: FloatArray, rates: FloatArray,
    factor: FloatArray | None, max_steps: int = MAX_STEPS,
) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.bool_]]:  # fmt: skip
    """One engine call from observation ``j`` (strengths ``red``, ``blue`` observed there,
    before that day's arrivals) to the last: red's and blue's strengths at observations
    ``j..T-1``, the end times (days from ``t[j]``) and whether each battle ended."""
    n = red.size
    mult: list[Multiplier | None] = [None, None]
    if factor is not None:
        # red's losses (blue's fire) grow on red's attack days (+1), blue's on blue's (-1)
        mult = [_multiplier(b, j, factor, -1), _multiplier(b, j, factor, 1)]
    sides = [
        make_side(
            name, strength + b_in[j], rate, n=n, k_enemy=1, annihilation=0.0,
            multiplier=m, reinforcements=_arrivals(b.t, b_in, j),
        )
        for name, strength, b_in, rate, m in (
            ("red", red, b.red_in, rates[0], mult[0]),
            ("blue", blue, b.blue_in, rates[1], mult[1]),
        )
    ]  # fmt: skip
    times = b.t[j:] - b.t[j]
    res = simulate(
        Engagement(law, sides[0], sides[1]), t_max=float(times[-1]), times=times,
        method="integrator", rtol=RTOL, max_steps=max_steps,
    )  # fmt: skip
    assert res.red_trajectory is not None
    assert res.blue_trajectory is not None
    xr, yb = res.red_trajectory[:, :, 0].copy(), res.blue_trajectory[:, :, 0].copy()
    xr[:, 0], yb[:, 0] = red, blue  # the observation at t[j] comes before its arrivals
    return xr, yb, res.end_time, res.end_code != T_MAX


#: The scaled strengths (1 = the side's scale) given at every row to a parameter vector the
#: engine cannot follow (a stiff trial point far out, e.g. a rate of 10 with w near 0):
#: residuals of about 1,000 make it score as bad, where before it stopped the whole law
#: (helmbold and power skipped on a noisy Iwo Jima series).
UNFOLLOWED = 1e3

#: The integrator's step limit for a trial point of the optimisation (not ``strict``;
#: :func:`~forceratio.simulator.solve.simulate`'s ``max_steps``): a followable battle over a
#: daily series takes far fewer steps; a stiff trial point far out ran the engine's default
#: :data:`~forceratio.simulator.solve.MAX_STEPS` (200,000, about a second each), so a noisy
#: Iwo Jima ``--law all`` took over 5 minutes.  The fit's optimum is still run with the
#: default (``strict``).
TRIAL_STEPS = 20_000


def predict(
    b: Battle, spec: LawSpec, theta: FloatArray, strict: bool = False
) -> tuple[FloatArray, FloatArray]:
    """Scaled red and blue at every row for M parameter vectors: (M, T) each.  A vector the
    engine cannot follow gets :data:`UNFOLLOWED` everywhere, or, ``strict``, the engine's
    error.

    Each vector is one scenario of the engine (:func:`forceratio.simulator.solve.simulate`,
    in the battle's own units with the rates of :func:`engine_rates`), one call per
    distinct (p, q).  A battle the engine ends (a side at 0) before arrivals still to come
    is continued from the next arrival by a further call.
    """
    theta = np.atleast_2d(np.asarray(theta, dtype=float))
    sr, sb = b.scale
    m, n_t = theta.shape[0], b.t.size
    p, q = spec.exponents(theta)
    rates = engine_rates(b, spec, theta)
    factor = spec.factor(theta) if b.attack is not None else None
    xs, ys = np.empty((m, n_t)), np.empty((m, n_t))
    start = spec.initial(b, theta)
    xs[:, 0], ys[:, 0] = start[:, 0] * sr, start[:, 1] * sb
    arrive = np.flatnonzero((b.red_in[: n_t - 1] > 0) | (b.blue_in[: n_t - 1] > 0))
    pq = np.stack([p, q], axis=1)
    for key in np.unique(pq, axis=0):
        law = PowerLaw(float(key[0]), float(key[1]))
        todo = {0: np.flatnonzero(np.all(pq == key, axis=1))}
        while todo:  # restart index -> rows starting there
            j = min(todo)
            rows = todo.pop(j)
            xr, yb, t_end, ended = _followed(
                b, law, j, xs[rows, j], ys[rows, j], rates[:, rows],
                None if factor is None else factor[rows], strict,
            )  # fmt: skip
            xs[rows, j:], ys[rows, j:] = xr, yb
            # an ended battle resumes at the next arrival after its end
            first = np.searchsorted(b.t, b.t[j] + t_end, side="left")
            nxt = np.searchsorted(arrive, np.maximum(first, j + 1), side="left")
            for r, ok, k in zip(rows, ended, nxt, strict=True):
                if ok and k < arrive.size:
                    todo.setdefault(int(arrive[k]), np.zeros(0, dtype=np.int64))
                    todo[int(arrive[k])] = np.append(todo[int(arrive[k])], r)
    return xs / sr, ys / sb


def engine_rates(b: Battle, spec: LawSpec, theta: FloatArray) -> FloatArray:
    """The engine's red_rate (row 0) and blue_rate (row 1) for M parameter vectors: (2, M)."""
    theta = np.atleast_2d(theta)
    sr, sb = b.scale
    p, q = spec.exponents(theta)
    a = np.exp(theta[:, 0]) * sb / (sr**p * sb**q)
    c = np.exp(theta[:, 1]) * sr / (sb**p * sr**q)
    out: FloatArray = np.stack([a, c])
    return out


def physical_rates(b: Battle, spec: LawSpec, theta: FloatArray) -> tuple[float, float]:
    """The engine's (red_rate, blue_rate) for one parameter vector."""
    r = engine_rates(b, spec, theta)
    return float(r[0, 0]), float(r[1, 0])

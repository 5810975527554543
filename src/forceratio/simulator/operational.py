"""Operational flows (issue 13): capture in encirclements, non-combat equipment losses, and
the depth of the attacker's advance.

The first two are loss flows of the engine's right-hand side (:func:`.kernel.flows`), given
per side by a :class:`Flows`; neutral values (all 0) leave the engine's numbers unchanged.
:func:`capture_rate` is the same capture rate written in numpy, for the split of a run's
losses into fire, captured and non-combat (:func:`split_losses`, a quadrature over the
recorded trajectory, exact across a step switch: :func:`stepped`).  :func:`advance_rate`
is Dupuy's opposed advance-rate table as a power law (docs/design/issue13-mechanisms.md,
section 1.2: v = a * rho**b above rho = 1, the fit to the OPORD-QJM transcription of
Dupuy's table, marked transcribed/derived), and :func:`depth` integrates it over a
trajectory, slowed by an optional operational reach (:func:`culminated`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forceratio.errors import InputError
from forceratio.simulator.magnitudes import SHARE_RATE_MAX

FloatArray = NDArray[np.float64]

#: Dupuy's opposed advance rates (km/day) fitted as v = a * rho**b for 1 <= rho <= 4.26,
#: armoured forces, by defence posture: (a, b).  Derived (OLS of ln v on ln rho) from the
#: OPORD-QJM transcription of Dupuy's table (NPW 1979): docs/design/issue13-mechanisms.md
#: section 1.2, marked T (transcribed) and D (derived).
ADVANCE_FIT: dict[str, tuple[float, float]] = {
    "hasty": (4.43, 1.51),
    "prepared": (2.01, 1.59),
    "fortified": (1.21, 1.42),
}

#: The capture mechanism's defaults, written once: the scenario schema
#: (:class:`forceratio.scenarios.schema_operations.Capture`), the parameter registry and
#: :func:`make_flows` / :func:`capture_rate` all take them from here.  ASSUMPTION (no
#: published capture form was found, docs/design/issue13-mechanisms.md section 2 and 8.22):
#: half the rate at an enemy-to-own ratio of 2, a smooth switch 0.25 wide in ln rho, and a
#: gate (off unless given) 0.1 wide in ln rho.
CAPTURE_RATIO, CAPTURE_WIDTH, GATE_WIDTH = 2.0, 0.25, 0.1


def _per_run(name: str, v: ArrayLike, n: int) -> FloatArray:
    a = np.broadcast_to(np.asarray(v, dtype=float), (n,)).astype(float)
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise InputError(name, "must be finite and >= 0")
    return a


@dataclass(frozen=True)
class Flows:
    """One side's operational loss flows over a batch of N runs: ``capture_rate`` (N,) c,
    the share of each category captured a day when the enemy's effective strength far
    exceeds ``capture_ratio`` (N,) rho_star times its own (0: off; at rho_star, half of
    c); ``capture_width`` (N,) the width of the logistic switch in ln rho (0: a step at
    rho_star); ``noncombat`` (N, K) each category's non-combat loss rate per day
    (breakdown, abandonment); ``capture_gate`` (N,) the ratio below which the side can
    hardly be captured (0: no gate, the switch alone), ``gate_width`` (N,) the width of the
    gate's logistic in ln rho (0: a step, none captured below the gate): the rate is the
    switch's times ``1 / (1 + (gate / rho)**(1 / gate_width))`` (:func:`gate_factor`)."""

    capture_rate: FloatArray
    capture_ratio: FloatArray
    capture_width: FloatArray
    noncombat: FloatArray
    capture_gate: FloatArray
    gate_width: FloatArray

    def __post_init__(self) -> None:
        """Every value checked once, here (a Flows built by hand as :func:`make_flows`'s):
        finite and >= 0, the ratio > 0, one value a run (N,), noncombat (N, K)."""
        nc = np.asarray(self.noncombat, dtype=float)
        if nc.ndim != 2:
            raise InputError("flows.noncombat", f"expected shape (N, K), got {nc.shape}")
        for name in ("capture_rate", "capture_ratio", "capture_width", "noncombat",
                     "capture_gate", "gate_width"):  # fmt: skip
            a = np.asarray(getattr(self, name), dtype=float)
            if a.shape != ((nc.shape[0],) if name != "noncombat" else nc.shape):
                raise InputError(f"flows.{name}", f"expected shape ({nc.shape[0]},), got {a.shape}")
            if not np.all(np.isfinite(a)) or np.any(a < 0):
                raise InputError(f"flows.{name}", "must be finite and >= 0")
            object.__setattr__(self, name, a)
        if np.any(self.capture_ratio <= 0):
            raise InputError("flows.capture_ratio", "must be > 0")
        # a share a day, as the scenarios' ShareRate (not the capture rate: a scenario's is
        # its rate times capacities, which may pass it: scenarios.capacity.side_flows)
        if np.any(self.noncombat > SHARE_RATE_MAX):
            most = float(self.noncombat.max())
            got = f"must be a share a day <= {SHARE_RATE_MAX:g}, got {most:g}"
            raise InputError("flows.noncombat", got)

    @property
    def active(self) -> bool:
        return bool(np.any(self.capture_rate > 0) or np.any(self.noncombat > 0))

    def packed(self) -> FloatArray:
        """(N, 3) of capture rate, log ratio and width, as :func:`.kernel.flows` reads them."""
        return np.stack([self.capture_rate, np.log(self.capture_ratio), self.capture_width], 1)

    def packed_gate(self) -> FloatArray:
        """(N, 2) of the capture gate and its width, as :func:`.kernel.flows` reads them."""
        return np.stack([self.capture_gate, self.gate_width], 1)


def make_flows(
    n: int, k: int, *, capture_rate: ArrayLike = 0.0, capture_ratio: ArrayLike = CAPTURE_RATIO,
    capture_width: ArrayLike = CAPTURE_WIDTH, noncombat: ArrayLike = 0.0,
    capture_gate: ArrayLike = 0.0, gate_width: ArrayLike = GATE_WIDTH,
) -> Flows:  # fmt: skip
    """Broadcast and check one side's flows to ``n`` runs of ``k`` categories; what is not
    given takes the scenarios' default (:data:`CAPTURE_RATIO`, :data:`CAPTURE_WIDTH`,
    :data:`GATE_WIDTH`; capture, the gate and non-combat losses off)."""
    ratio = _per_run("capture_ratio", capture_ratio, n)
    if np.any(ratio <= 0):
        raise InputError("capture_ratio", "must be > 0")
    nc = np.broadcast_to(np.asarray(noncombat, dtype=float), (n, k)).astype(float)
    if not np.all(np.isfinite(nc)) or np.any(nc < 0):
        raise InputError("noncombat", "must be finite and >= 0")
    rate = _per_run("capture_rate", capture_rate, n)
    width = _per_run("capture_width", capture_width, n)
    gate, gw = _per_run("capture_gate", capture_gate, n), _per_run("gate_width", gate_width, n)
    return Flows(rate, ratio, width, nc, gate, gw)


def gate_factor(rho: FloatArray, gate: FloatArray, width: FloatArray) -> FloatArray:
    """The capture gate's factor at ratio ``rho``: ``1 / (1 + (gate / rho)**(1 / width))``,
    a step at ``gate`` (0 below, 1 from it) when width is 0, exactly 1 where gate is 0;
    written as the logistic of z = (ln rho - ln gate) / width in its stable halves."""
    shape = np.broadcast_shapes(*(np.shape(a) for a in (rho, gate, width)))
    rho, gate, width = (np.broadcast_to(a, shape) for a in (rho, gate, width))
    out = np.ones(shape)
    on = gate > 0
    if not on.any():
        return out
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        z = np.log(rho / gate)
        step = np.where(z >= 0, 1.0, 0.0)
        x = z / np.where(width > 0, width, 1.0)
        e = np.exp(-np.abs(x))
        smooth = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        g = np.where(width > 0, smooth, step)
    g = np.where(np.isnan(z), 0.0, g)
    np.copyto(out, g, where=on)
    return out


def capture_rate(
    rho: FloatArray, c: FloatArray, star: FloatArray, width: FloatArray,
    gate: FloatArray | None = None, gate_width: FloatArray | None = None,
) -> FloatArray:  # fmt: skip
    """The capture rate per day at effective strength ratio ``rho`` (enemy over own):
    ``c / (1 + exp(-(ln rho - ln star) / width))`` = ``c / (1 + (star / rho)**(1 / width))``,
    a step at ``star`` when width is 0; times :func:`gate_factor` where a ``gate`` > 0 is
    given (``gate_width``: its width, :data:`GATE_WIDTH` unless given)."""
    smooth = width > 0
    out = np.empty(np.broadcast_shapes(*(np.shape(a) for a in (rho, c, star, width))))
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):  # in place
        np.divide(star, rho, out=out)
        np.power(out, 1.0 / np.where(smooth, width, 1.0), out=out)
        np.divide(c, np.add(1.0, out, out=out), out=out)
        if not np.all(smooth):  # steps too (a pass over the batch fewer when not)
            out = np.where(smooth, out, np.where(rho >= star, c, 0.0))
    np.copyto(out, 0.0, where=~((rho > 0) & (rho < np.inf)))  # 0 where rho is 0, inf or nan
    if gate is not None and np.any(gate > 0):
        out = out * gate_factor(
            rho, gate, np.full(1, GATE_WIDTH) if gate_width is None else gate_width
        )
    return out


def spans(times: FloatArray, t_end: FloatArray) -> FloatArray:
    """(T - 1, N) lengths of the intervals of ``times``, cut at each run's end (time-major,
    as :func:`cumulative` runs)."""
    return np.clip(np.minimum(times[1:, None], t_end) - times[:-1, None], 0.0, None)


def cumulative(f: FloatArray, span: FloatArray, half: FloatArray | None = None) -> FloatArray:
    """Integral from the first recorded time to each of f (T, ...), by the trapezoid rule
    over the intervals ``span`` (:func:`spans`; ``half`` its half if at hand)."""
    return summed((span * 0.5 if half is None else half) * (f[:-1] + f[1:]))


def summed(step: FloatArray) -> FloatArray:
    """(T, ...) sums of the intervals' integrals ``step`` (T - 1, ...) from the first time,
    a row of runs at a time (the order np.cumsum adds in, faster along the first axis)."""
    out = np.empty((step.shape[0] + 1, *step.shape[1:]))
    out[0] = 0.0
    for i in range(step.shape[0]):
        np.add(out[i], step[i], out=out[i + 1])
    return out


def passed(x: FloatArray, level: FloatArray, times: FloatArray, span: FloatArray) -> FloatArray:
    """When a running integral ``x`` (T, M) first exceeds ``level`` (M,): linearly within the
    interval (T - 1, M) ``span`` where it does (inf: never)."""
    cols, j = np.arange(x.shape[1]), np.argmax(x > level, axis=0)
    i = np.maximum(j - 1, 0)
    x0, x1 = x[i, cols], x[j, cols]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.clip(np.where(x1 > x0, (level - x0) / (x1 - x0), 1.0), 0.0, 1.0)
    at = np.where(j > 0, times[i] + frac * span[i, cols], times[0])
    return np.where(x1 > level, at, np.inf)


def trapezoid_weights(span: FloatArray) -> FloatArray:
    """(N, T) weights w with ``(w * f).sum(axis=1)`` the last of :func:`cumulative` of f.T;
    ``span`` (N, T - 1)."""
    w = np.zeros((span.shape[0], span.shape[1] + 1))
    w[:, :-1] = 0.5 * span
    w[:, 1:] += 0.5 * span
    return w


def switches(
    x: FloatArray, level: FloatArray | float, extrapolate: bool = False
) -> tuple[tuple[NDArray[np.intp], ...], FloatArray, FloatArray]:
    """Where ``x >= level`` (x (T, M) at equally spaced nodes, level (M,) or a number) flips
    within an interval (no node at 0, inf or nan): its (interval, run) indices and the part
    [a, b] of it that is on, ln x linear between the nodes or, with ``extrapolate`` (a
    capture switch bends the strengths where it flips), through the start and the node
    before it where that crossing falls in the interval."""
    on = x >= level
    where = np.nonzero(on[:-1] != on[1:])
    i, j = where
    lv = np.broadcast_to(level, x.shape[1:])[j]
    with np.errstate(divide="ignore", invalid="ignore"):
        z0, z1, zb = (np.log(x[k, j] / lv) for k in (i, i + 1, np.maximum(i - 1, 0)))
        ext = np.where(extrapolate & (i > 0), z0 / (zb - z0), np.nan)
        th = np.clip(np.where((ext >= 0.0) & (ext <= 1.0), ext, z0 / (z0 - z1)), 0.0, 1.0)
    ok = np.isfinite(z0) & np.isfinite(z1)
    where, th, first = (i[ok], j[ok]), th[ok], on[:-1][where][ok]
    return where, np.where(first, 0.0, th), np.where(first, th, 1.0)


def stepped(
    rho: FloatArray, star: FloatArray, c: FloatArray, span: FloatArray
) -> tuple[tuple[NDArray[np.intp], ...], FloatArray, FloatArray]:
    """Where a step capture rate ``c`` (T - 1 or 1, M) times ``[rho >= star]`` flips
    (:func:`switches`): the intervals and what to add to the trapezoid's weights on their
    start and end, to integrate a linear integrand over the on part [a, b] alone."""
    where, a, b = switches(rho, star, extrapolate=True)
    cs = np.broadcast_to(c, span.shape)[where] * span[where]
    m, on0 = 0.5 * (a + b), rho[:-1][where] >= star[where[1]]
    return where, cs * ((b - a) * (1.0 - m) - 0.5 * on0), cs * ((b - a) * m - 0.5 * ~on0)


def capture_share(own_power: FloatArray, enemy_power: FloatArray, flows: Flows) -> FloatArray:
    """The capture rate per day (N, T) at the effective strengths (N, T) of the side and
    its enemy (weighted strength times fire multiplier): 0 where the side has none."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(own_power > 0, enemy_power / own_power, np.inf)
    eps = capture_rate(
        rho, flows.capture_rate[:, None], flows.capture_ratio[:, None],
        flows.capture_width[:, None], flows.capture_gate[:, None], flows.gate_width[:, None],
    )  # fmt: skip
    return np.where(own_power > 0, eps, 0.0)


def split_losses(
    times: FloatArray,
    t_end: FloatArray,
    own: FloatArray,
    own_power: FloatArray,
    enemy_power: FloatArray,
    flows: Flows,
    *,
    project: Callable[..., FloatArray] | None = None,
    eps: FloatArray | None = None,
    w: FloatArray | None = None,
    fix: tuple[tuple[NDArray[np.intp], ...], FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """(captured, non-combat) losses (N, K) of one side by each run's end, by the trapezoid
    rule over ``times`` (the rest of its losses is fire).  ``own`` (N, T0, K): its strength
    at ``times``, or at coarser times that ``project`` interpolates (``project(f,
    back=True)`` sums weights f (..., T) back onto them: (N, T) work, not (N, T, K));
    ``own_power``/``enemy_power`` (N, T): the effective strengths the capture switch
    compares (:func:`capture_share`; ``eps``); ``w``: :func:`trapezoid_weights`; ``fix``:
    :func:`stepped`'s additions to the capture's weights across a step switch."""
    w = trapezoid_weights(spans(times, t_end).T) if w is None else w
    if eps is None:
        eps = capture_share(own_power, enemy_power, flows)
    both = np.stack([w * eps, w])
    if fix is not None:
        (i, j), d0, d1 = fix
        both[0, j, i] += d0
        both[0, j, i + 1] += d1
    if project is not None:
        both = project(both, back=True)
    captured, kept = np.einsum("snt,ntk->snk", both, own)
    return captured, flows.noncombat * kept


def advance_rate(
    rho: FloatArray, scale: FloatArray, exponent: FloatArray, cap: FloatArray
) -> FloatArray:
    """Dupuy's opposed advance rate as a power law, km/day: ``scale * rho**exponent`` for
    an attacker-to-defender combat-power ratio rho >= 1, 0 below, at most ``cap``."""
    v = np.empty(np.broadcast_shapes(*(np.shape(a) for a in (rho, scale, exponent, cap))))
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):  # in place
        np.power(np.maximum(rho, 1e-300, out=v), exponent, out=v)
        np.minimum(np.multiply(scale, v, out=v), cap, out=v)
    np.copyto(v, 0.0, where=~(np.asarray(rho) >= 1.0))
    return v


def advance_steps(
    rho: FloatArray, v: FloatArray, span: FloatArray, at_one: FloatArray
) -> FloatArray:
    """The depth gained in each interval (T - 1, M) from the advance rate ``v`` (T, M) at
    the ratios ``rho``: trapezoids, but where rho passes 1 within an interval (the rate
    steps from 0 to ``at_one`` (M,), :func:`advance_rate` at 1) only its part above 1,
    between ``at_one`` and the rate at its node (:func:`switches`)."""
    step = 0.5 * span * (v[:-1] + v[1:])
    where, a, b = switches(rho, 1.0)
    on_end = np.where(a > 0.0, v[1:][where], v[:-1][where])
    step[where] = (
        0.5 * span[where] * (b - a) * (np.broadcast_to(at_one, v.shape[1:])[where[1]] + on_end)
    )
    return step


def culminated(free: FloatArray, reach: ArrayLike) -> FloatArray:
    """The depth (km) of an advance that culminates at an operational ``reach`` R (km, > 0;
    inf: no reach), given its ``free`` depth D (km, the same advance without a reach).

    The advance slows as it nears its reach, dd/dt = v(rho) * (1 - d / R) for d < R (an
    ASSUMPTION: a linear loss of speed with depth, standing for supply, terrain and the
    widening front; no published form was found).  The factor depends on d alone, so
    dd/dD = 1 - d / R with dD/dt = v(rho) the free advance, whose solution from d = 0 is
    ``d = R * (1 - exp(-D / R))``: below R at every D, D itself as R -> inf (exactly
    ``free`` where R is inf), and whatever path rho took.  ``reach`` broadcasts against
    the last axis of ``free`` (one value a run)."""
    r = np.asarray(reach, dtype=float)
    if not np.all(r > 0):  # NaN too
        raise InputError("reach", "must be > 0 km (inf: no reach)")
    if not np.any(np.isfinite(r)):
        return free
    finite = np.isfinite(r)
    rr = np.where(finite, r, 1.0)
    with np.errstate(over="ignore", invalid="ignore"):
        slowed = -rr * np.expm1(-free / rr)
    return np.where(finite, slowed, free)


def depth_at(x: FloatArray, times: FloatArray, at: FloatArray) -> FloatArray:
    """A running depth ``x`` (T, M) at ``times`` (T,), read at one time a run ``at`` (M,),
    linearly between the nodes (as :func:`passed` finds a crossing); past the last time
    (inf too: the run's end), the last value."""
    t = np.clip(np.asarray(at, dtype=float), times[0], times[-1])
    j = np.clip(np.searchsorted(times, t, side="right"), 1, times.size - 1)
    cols = np.arange(x.shape[1])
    t0, t1 = times[j - 1], times[j]
    frac = np.where(t1 > t0, (t - t0) / np.where(t1 > t0, t1 - t0, 1.0), 1.0)
    out: FloatArray = x[j - 1, cols] + frac * (x[j, cols] - x[j - 1, cols])
    return out


def depth(
    times: FloatArray, t_end: FloatArray, attacker_power: FloatArray,
    defender_power: FloatArray, scale: FloatArray, exponent: FloatArray, cap: FloatArray,
    *, running: bool = False, span: FloatArray | None = None, reach: ArrayLike = np.inf,
) -> FloatArray:  # fmt: skip
    """Depth of the attacker's advance (km) by each run's end, shape (N,) (or (N, T) by
    each of ``times`` with ``running``): the advance rate at the recorded combat-power
    ratio (N, T), integrated by the trapezoid rule (``span``: :func:`spans`), exactly
    across the step at parity (:func:`advance_steps`), then culminated at ``reach`` (N,)
    km (:func:`culminated`; inf, the default: no reach)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(defender_power > 0, attacker_power / defender_power, np.inf).T
    v = advance_rate(rho, scale, exponent, cap)
    span = spans(times, t_end) if span is None else span
    x = culminated(summed(advance_steps(rho, v, span, np.minimum(scale, cap))), reach).T
    return x if running else x[:, -1]

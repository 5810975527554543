"""Operational flows (issue 13): capture in encirclements, non-combat equipment losses, and
the depth of the attacker's advance.

The first two are loss flows of the engine's right-hand side (:func:`.kernel.flows`), given
per side by a :class:`Flows`; neutral values (all 0) leave the engine's numbers unchanged.
:func:`capture_rate` is the same capture rate written in numpy, for the split of a run's
losses into fire, captured and non-combat (:func:`split_losses`, a quadrature over the
recorded trajectory).  :func:`advance_rate` is Dupuy's opposed advance-rate table as a
power law (docs/design/issue13-mechanisms.md, section 1.2: v = a * rho**b above rho = 1,
the fit to the OPORD-QJM transcription of Dupuy's table, marked transcribed/derived), and
:func:`depth` integrates it over a trajectory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forceratio.errors import InputError

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


def _per_run(name: str, v: ArrayLike, n: int) -> FloatArray:
    a = np.broadcast_to(np.asarray(v, dtype=float), (n,)).astype(float)
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise InputError(name, "must be finite and >= 0")
    return a


@dataclass(frozen=True)
class Flows:
    """One side's operational loss flows over a batch of N runs.

    Attributes
    ----------
    capture_rate : ndarray, shape (N,)
        c, per day: the share of each of the side's categories captured a day when the
        enemy's effective strength far exceeds ``capture_ratio`` times its own (0: off).
    capture_ratio : ndarray, shape (N,)
        rho_star, the enemy-to-own effective strength ratio at which capture runs at half
        its rate (> 0).
    capture_width : ndarray, shape (N,)
        Width of the logistic switch in ln rho (0: a step at rho_star).
    noncombat : ndarray, shape (N, K)
        Non-combat loss rate of each category, per day (breakdown, abandonment).
    """

    capture_rate: FloatArray
    capture_ratio: FloatArray
    capture_width: FloatArray
    noncombat: FloatArray

    @property
    def active(self) -> bool:
        return bool(np.any(self.capture_rate > 0) or np.any(self.noncombat > 0))

    def packed(self) -> FloatArray:
        """(N, 3) of capture rate, ratio and width, as :func:`.kernel.flows` reads them."""
        return np.stack([self.capture_rate, self.capture_ratio, self.capture_width], axis=1)


def make_flows(
    n: int,
    k: int,
    *,
    capture_rate: ArrayLike = 0.0,
    capture_ratio: ArrayLike = 1.0,
    capture_width: ArrayLike = 0.0,
    noncombat: ArrayLike = 0.0,
) -> Flows:
    """Broadcast and check one side's flows to ``n`` runs of ``k`` categories."""
    ratio = _per_run("capture_ratio", capture_ratio, n)
    if np.any(ratio <= 0):
        raise InputError("capture_ratio", "must be > 0")
    nc = np.broadcast_to(np.asarray(noncombat, dtype=float), (n, k)).astype(float)
    if not np.all(np.isfinite(nc)) or np.any(nc < 0):
        raise InputError("noncombat", "must be finite and >= 0")
    return Flows(
        _per_run("capture_rate", capture_rate, n),
        ratio,
        _per_run("capture_width", capture_width, n),
        nc,
    )


def capture_rate(rho: FloatArray, c: FloatArray, star: FloatArray, width: FloatArray) -> FloatArray:
    """The capture rate per day at effective strength ratio ``rho`` (enemy over own):
    ``c / (1 + exp(-(ln rho - ln star) / width))``, a step at ``star`` when width is 0."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        z = np.log(rho) - np.log(star)
        smooth = c / (1.0 + np.exp(-z / np.where(width > 0, width, 1.0)))
        out = np.where(width > 0, smooth, np.where(z >= 0, c, 0.0))
    return np.asarray(np.where(np.isfinite(rho) & (rho > 0), out, 0.0), dtype=float)


def cumulative(f: FloatArray, times: FloatArray, t_end: FloatArray) -> FloatArray:
    """Integral from 0 to each of ``times`` (and never past the run's end ``t_end``, after
    which trajectories are held) of f sampled at ``times`` (axis 1), by the trapezoid
    rule; same shape as f."""
    lo, hi = times[:-1], times[1:]
    span = np.clip(np.minimum(hi[None, :], t_end[:, None]) - lo[None, :], 0.0, None)
    mid = 0.5 * (f[:, :-1] + f[:, 1:])
    span = span.reshape(span.shape + (1,) * (f.ndim - 2))
    out = np.zeros_like(f, dtype=float)
    out[:, 1:] = np.cumsum(span * mid, axis=1)
    return out


def _trapezoid(f: FloatArray, times: FloatArray, t_end: FloatArray) -> FloatArray:
    return np.asarray(cumulative(f, times, t_end)[:, -1], dtype=float)


def split_losses(
    times: FloatArray,
    t_end: FloatArray,
    own: FloatArray,
    own_power: FloatArray,
    enemy_power: FloatArray,
    flows: Flows,
    *,
    running: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """(captured, non-combat) losses of one side per category, shape (N, K) (or (N, T, K)
    by each of ``times`` with ``running``), by the trapezoid rule over the recorded
    trajectory.

    ``own`` (N, T, K) is the side's strength at ``times``; ``own_power``/``enemy_power``
    (N, T) the effective strengths (weighted strength times fire multiplier) the capture
    switch compares.  The rest of the side's losses is fire.  The error is that of the
    trapezoid rule on the grid: record the trajectory densely (a quarter of a day).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(own_power > 0, enemy_power / own_power, np.inf)
    eps = capture_rate(
        rho, flows.capture_rate[:, None], flows.capture_ratio[:, None],
        flows.capture_width[:, None],
    )  # fmt: skip
    eps = np.where(own_power > 0, eps, 0.0)
    sum_up = cumulative if running else _trapezoid
    captured = sum_up(eps[:, :, None] * own, times, t_end)
    noncombat = sum_up(flows.noncombat[:, None, :] * own, times, t_end)
    return captured, noncombat


def advance_rate(
    rho: FloatArray, scale: FloatArray, exponent: FloatArray, cap: FloatArray
) -> FloatArray:
    """Dupuy's opposed advance rate as a power law, km/day: ``scale * rho**exponent`` for
    an attacker-to-defender combat-power ratio rho >= 1, 0 below, at most ``cap``."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        v = scale * np.power(np.maximum(rho, 1e-300), exponent)
    return np.asarray(np.where(rho >= 1.0, np.minimum(v, cap), 0.0), dtype=float)


def depth(
    times: FloatArray,
    t_end: FloatArray,
    attacker_power: FloatArray,
    defender_power: FloatArray,
    scale: FloatArray,
    exponent: FloatArray,
    cap: FloatArray,
    *,
    running: bool = False,
) -> FloatArray:
    """Depth of the attacker's advance (km) by each run's end, shape (N,) (or (N, T) by
    each of ``times`` with ``running``): the advance rate at the recorded combat-power
    ratio (N, T), integrated by the trapezoid rule."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(defender_power > 0, attacker_power / defender_power, np.inf)
    v = advance_rate(rho, scale[:, None], exponent[:, None], cap[:, None])
    return (cumulative if running else _trapezoid)(v, times, t_end)

"""The error model of a fit (:mod:`.noise`) from a plain least-squares fit, and where the
initial strengths are estimated, how it is laid over the first rows."""

from __future__ import annotations

import math

import numpy as np

from forceratio.fitting import noise as noise_mod
from forceratio.fitting.data import Battle
from forceratio.fitting.estimate import Objective, Solution, best_of
from forceratio.fitting.estimate import jacobian as _jacobian
from forceratio.fitting.model import INITIAL_NAMES, LawSpec, predict

MIN_DOF_FOR_NOISE = 6  # residual degrees of freedom needed to estimate two noise scales


def _noise(b: Battle, obj: Objective, sol: Solution, n_e: int, n: int) -> noise_mod.Noise:
    e, _ = obj.raw(sol.theta[None, :])
    floor = rounding(b, obj)
    if n - obj.spec.k < MIN_DOF_FOR_NOISE:
        sd = math.sqrt(float(np.sum(e**2)) / max(n - obj.spec.k, 1))
        return noise_mod.Noise.identity(n_e, sd, math.sqrt(float(floor.max(initial=0.0))))
    return noise_mod.estimate(*noise_inputs(b, obj, sol.theta), rounding=floor)


def rounding(b: Battle, obj: Objective) -> np.ndarray:
    """Each observed entry's rounding variance in scaled units (red's rows, then blue's):
    (unit / scale)**2 / 12, the unit the strengths are written to (:func:`.noise.resolution`;
    1 man for whole numbers: ±0.5)."""
    unit = noise_mod.resolution(np.concatenate([b.red, b.blue]))
    mr, mb, _, _ = obj.observed()
    sr, sb = b.scale
    out: np.ndarray = np.concatenate(
        [np.full(int(mr.sum()), (unit / sr) ** 2), np.full(int(mb.sum()), (unit / sb) ** 2)]
    )
    return out / 12.0


def free_noise(b: Battle, pinned: LawSpec, sol: Solution, free: LawSpec) -> noise_mod.Noise:
    """The error model of ``free`` (the law with its initial strengths estimated where the
    data allow) from ``pinned``'s plain fit ``sol``: when the start is estimated, REML runs on
    the plain fit with the start free, the first rows among the observations (measurement
    noise only: no loss has happened yet) and the initial strengths among the parameters it
    counts (hfit7; the earlier estimate from the pinned fit read a noisy first row as
    day-to-day variation and widened the intervals about twice under reporting noise alone,
    README: the first row is a report too)."""
    if free.k != pinned.k:
        fobj = Objective(b, free, None)
        fsol = best_of(fobj, [started(b, free, sol.theta)])
        e, c = fobj.raw(fsol.theta[None, :])
        return _noise(b, fobj, fsol, e.shape[1], e.shape[1] + c.shape[1])
    pobj = Objective(b, pinned, None)
    e, c = pobj.raw(sol.theta[None, :])
    return _noise(b, pobj, sol, e.shape[1], e.shape[1] + c.shape[1])


def started(b: Battle, spec: LawSpec, theta: np.ndarray) -> np.ndarray:
    """A pinned law's ``theta`` with ``spec``'s initial strengths appended (the first row)."""
    sr, sb = b.scale
    first = (b.red[0] / sr, b.blue[0] / sb)
    tail = [v for v, name in zip(first, INITIAL_NAMES, strict=True) if name in spec.names]
    return np.concatenate([theta, tail])


def noise_inputs(b: Battle, obj: Objective, theta: np.ndarray) -> noise_mod.Inputs:
    """What the error model is estimated from: ``obj``'s plain residuals at ``theta``, the
    fitted path, the arrivals, the times, the observed rows and the path's Jacobian."""
    e, _ = obj.raw(theta[None, :])
    sr, sb = b.scale
    spec = obj.spec
    xs, ys = predict(b, spec, theta)
    mr, mb, _, _ = obj.observed()
    levels = np.vstack([xs[0], ys[0]])
    arrivals = np.vstack([b.red_in / sr, b.blue_in / sb])
    jac = _jacobian(obj, theta, np.ones(spec.k, dtype=bool))(theta)[: e.shape[1]]
    return e[0], levels, arrivals, b.t, np.vstack([mr, mb]).astype(float), jac

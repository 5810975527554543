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

The paths are integrated by a fixed-step classical Runge-Kutta scheme, compiled with numba
over a batch of parameter vectors (a finite-difference Jacobian is one batch); a side with
no strength left neither fires nor loses (``0**p`` is 0, as in the engine).  The tests check
the paths against ``scipy.integrate.solve_ivp``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
from numpy.typing import NDArray

from forceratio.errors import InputError
from forceratio.fitting.data import Battle

FloatArray = NDArray[np.float64]
FIT_LAWS: tuple[str, ...] = ("square", "linear", "logarithmic", "helmbold", "power")
FIXED_EXPONENTS = {"square": (1.0, 0.0), "linear": (1.0, 1.0), "logarithmic": (0.0, 1.0)}
RATE_BOUNDS = (1e-9, 50.0)  # normalised rates: fractions of the reference strength a day
FACTOR_BOUNDS = (1e-3, 1e3)
EXPONENT_BOUNDS = (0.0, 3.0)
# which laws contain which (the larger law reproduces the smaller one exactly)
CONTAINS: dict[str, tuple[str, ...]] = {
    "helmbold": ("square", "logarithmic"),
    "power": ("square", "linear", "logarithmic", "helmbold"),
}


@dataclass(frozen=True)
class LawSpec:
    """The fitted parameters of a law: rates on a log scale, then w or (p, q), then the
    log attack factor when the series names the attacker."""

    law: str
    names: tuple[str, ...]
    lower: FloatArray
    upper: FloatArray

    @property
    def k(self) -> int:
        return len(self.names)

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
            x.append(float(theta[-1]) if "log_attack_factor" in other.names else 0.0)
        out: FloatArray = np.clip(np.array(x), self.lower, self.upper)
        return out


def law_spec(law: str, attack: bool = False) -> LawSpec:
    if law not in FIT_LAWS:
        raise InputError("--law", f"unknown law {law!r}; choose {', '.join(FIT_LAWS)} or all")
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
    return LawSpec(law, tuple(names), np.array(lo), np.array(hi))


@numba.njit(cache=True)
def _fire(v: float, e: float) -> float:
    """A firing side's factor: none left fires nothing (0**0 taken as 0)."""
    if v <= 0.0:
        return 0.0
    return float(v**e)


@numba.njit(cache=True)
def _target(v: float, e: float) -> float:
    """A target side's factor; a Runge-Kutta stage may overshoot 0 within the step where
    the side is annihilated, so an aimed-fire target (e = 0) keeps its constant rate there
    and the step ends at 0 (no stage is zeroed, which would make the crossing late)."""
    if v <= 0.0:
        return 1.0 if e == 0.0 else 0.0
    return float(v**e)


@numba.njit(cache=True)
def _rhs(x: float, y: float, a: float, b: float, p: float, q: float) -> tuple[float, float]:
    dx = -a * _fire(y, p) * _target(x, q)
    dy = -b * _fire(x, p) * _target(y, q)
    return dx, dy


@numba.njit(cache=True)
def _paths(
    kx: FloatArray,  # (M, T-1) red's loss coefficient per interval
    ky: FloatArray,  # (M, T-1) blue's loss coefficient per interval
    p: FloatArray,  # (M,)
    q: FloatArray,
    x0: float,
    y0: float,
    t: FloatArray,  # (T,)
    xin: FloatArray,  # (T,) scaled arrivals after each observation
    yin: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    m, n = kx.shape[0], t.size
    xs = np.empty((m, n))
    ys = np.empty((m, n))
    for i in range(m):
        x, y = x0, y0
        pi, qi = p[i], q[i]
        xs[i, 0], ys[i, 0] = x, y
        for j in range(n - 1):
            x += xin[j]
            y += yin[j]
            a, b = kx[i, j], ky[i, j]
            dt = t[j + 1] - t[j]
            # steps: at least 2 a day, and h * rate <= 1/8 (RK4 is stable to 2.78; at
            # 1/8 its local error is ~1e-7 of the day's loss)
            nsub = max(math.ceil(dt * max(2.0, 8.0 * (a + b))), 2)
            h = dt / nsub
            for _ in range(nsub):
                if x <= 0.0 or y <= 0.0:
                    break  # a side is gone: nothing changes until the next arrivals
                k1x, k1y = _rhs(x, y, a, b, pi, qi)
                k2x, k2y = _rhs(x + 0.5 * h * k1x, y + 0.5 * h * k1y, a, b, pi, qi)
                k3x, k3y = _rhs(x + 0.5 * h * k2x, y + 0.5 * h * k2y, a, b, pi, qi)
                k4x, k4y = _rhs(x + h * k3x, y + h * k3y, a, b, pi, qi)
                x = max(x + h / 6.0 * (k1x + 2 * k2x + 2 * k3x + k4x), 0.0)
                y = max(y + h / 6.0 * (k1y + 2 * k2y + 2 * k3y + k4y), 0.0)
            xs[i, j + 1], ys[i, j + 1] = x, y
    return xs, ys


def predict(b: Battle, spec: LawSpec, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Scaled red and blue at every row for M parameter vectors: (M, T) each."""
    theta = np.atleast_2d(np.asarray(theta, dtype=float))
    sr, sb = b.scale
    p, q = spec.exponents(theta)
    alpha, beta = np.exp(theta[:, 0]), np.exp(theta[:, 1])
    n = b.t.size - 1
    fx = np.ones((theta.shape[0], n))
    fy = np.ones((theta.shape[0], n))
    if "log_attack_factor" in spec.names and b.attack is not None:
        f = np.exp(theta[:, -1])[:, None]
        fx = np.where(b.attack[None, :] > 0, f, 1.0)
        fy = np.where(b.attack[None, :] < 0, f, 1.0)
    kx = np.ascontiguousarray(beta[:, None] * fx)
    ky = np.ascontiguousarray(alpha[:, None] * fy)
    xs, ys = _paths(
        kx, ky, np.ascontiguousarray(p, dtype=float), np.ascontiguousarray(q, dtype=float),
        float(b.red[0] / sr), float(b.blue[0] / sb), b.t, b.red_in / sr, b.blue_in / sb,
    )  # fmt: skip
    return xs, ys


def physical_rates(b: Battle, spec: LawSpec, theta: FloatArray) -> tuple[float, float]:
    """The engine's (red_rate, blue_rate) for one parameter vector."""
    sr, sb = b.scale
    p, q = spec.exponents(np.atleast_2d(theta))
    a = math.exp(theta[0]) * sb / (sr ** p[0] * sb ** q[0])
    c = math.exp(theta[1]) * sr / (sb ** p[0] * sr ** q[0])
    return a, c

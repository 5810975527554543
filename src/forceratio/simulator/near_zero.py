"""The engine near 0: a side's fall to a level of 0 extrapolated (:func:`zero_cross`).

A side fought to 0 under a law whose losses fall with it (0 < q < 1: Helmbold, power)
flattens as (T - t)**(1/(1 - q)), which no polynomial step follows, and underflows; its
X**(1 - q) does not (Helmbold: u = R**W, v = B**W obey the square law).  Scalar kernels,
compiled with the rest (:mod:`.compiled`).  A side near 0 with arrivals: :mod:`.held`.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from forceratio.simulator.kernel import cross_time, dense_state, dense_sum, rates
from forceratio.simulator.packing import layout, side_sum
from forceratio.simulator.tableau import (
    REMNANT_NODES,
    REMNANT_WEIGHTS,
    ZERO_APART,
    ZERO_NEAR,
    ZERO_SLOPE,
)

FloatArray = NDArray[np.float64]


def zero_time(
    t: float, y: FloatArray, par: FloatArray, s: int, kr: int, f: FloatArray,
    z: FloatArray, g: FloatArray, scratch: FloatArray,
) -> tuple[float, float]:  # fmt: skip
    """Days from (t, y) until side ``s`` (0 red, 1 blue), under a law whose losses fall with
    it (0 < q < 1), no arrivals in force, reaches 0, -1 where it does not fall; and the
    omega**2 of its fall (1/day**2, below; 0 where it is taken as linear).  In u =
    X**(1 - q) (X its weighted strength) the side's losses c X**q + b X are (1 - q)(c + b u)
    a day: u falls to 0 in a time of the order of tau1 = u / (-du/dt), linearly where c is
    constant.  c moves with the enemy (Helmbold: u'' = W**2 a b u, the square law in u, v),
    by a quarter of the battle where X0 is 1e7 and W 0.002 (the last part below 1e-297):
    the fall is taken as u'' = omega**2 u, the square law's, omega**2 = u''/u from the rates
    at (t +- delta, path +- delta) (:data:`.tableau.ZERO_SLOPE`), so that u(tau) = 0 at
    tanh(omega tau) = omega tau1 (tan where omega**2 < 0): exact for Helmbold, second
    order in tau otherwise; ``f`` gets the rates at (t, y); ``z``, ``g`` and ``scratch``
    are work rows."""
    d = y.shape[0]
    kb = d - kr
    o_w = layout(kr, kb)[2 + s]
    lo, m = (0, kr) if s == 0 else (kr, kb)
    e = 1.0 - par[2 * s + 1]
    x = side_sum(y, par, o_w, lo, m)
    rates(t, y, f, par, kr, scratch, True)
    dx = side_sum(f, par, o_w, lo, m)
    if not (x > 0.0 and dx < 0.0):
        return -1.0, 0.0
    tau1: float = x / (e * -dx)  # days
    delta = ZERO_SLOPE * tau1
    du = 0.0  # U'(t + delta) - U'(t - delta), U = u / u(t)
    for sign in (1.0, -1.0):
        sigma = math.exp(math.log1p(-sign * ZERO_SLOPE) / e)  # X's factor along u's line
        for i in range(d):
            inside = lo <= i < lo + m
            v = y[i] * sigma if inside else y[i] + sign * delta * f[i]
            z[i] = v if v > 0.0 else 0.0
        rates(t + sign * delta, z, g, par, kr, scratch, True)
        # U' = e sigma**(e - 1) X'/X at the shifted point, sigma its X over X's
        du += sign * e * math.exp((e - 1.0) * math.log(sigma)) * side_sum(g, par, o_w, lo, m) / x
    w2: float = du / (2.0 * delta) * tau1 * tau1  # (omega tau1)**2
    r = math.sqrt(abs(w2))
    if r < 1e-8 or (w2 > 0.0 and r >= 1.0):  # linear; or the square law would not get there
        return tau1, 0.0
    return tau1 * (math.atanh(r) if w2 > 0.0 else math.atan(r)) / r, w2 / (tau1 * tau1)


def zero_cross(
    t: float, k: FloatArray, y: FloatArray, par: FloatArray, s: int, kr: int, kb: int,
    hh: float, band: float, band_e: float, lev_e: float, tab: FloatArray, o_b: int,
    spare: FloatArray, scratch: FloatArray,
) -> float:  # fmt: skip
    """When side ``s`` (0 red, 1 blue), fought to 0 under a law whose losses fall with it
    (0 < q < 1), reaches 0 in the step of length ``hh`` from (t, y), in steps from t (may
    exceed 1), or -1 where this is not for it to say: from the point where its weighted
    strength X falls to ``band`` (:data:`.tableau.ZERO_REACH` tolerances) on the dense
    output, in u = X**(1 - q) (:func:`zero_time`), not in X, which flattens as
    (T - t)**(1/(1 - q)), which no polynomial step follows and which underflows (W 0.01:
    the last 1e-3 of the battle below 1e-300, a run stuck at 5e-324).  -1 where the side
    does not fall there, or where the enemy is about as near its end: its own 0
    extrapolated (``band_e`` > ``lev_e``) and within :data:`.tableau.ZERO_NEAR` of its band
    (an exact draw), or its level ``lev_e`` within :data:`.tableau.ZERO_APART` times the
    side's time, at its present rate: left to the crossing of 0 itself
    (:func:`.integrator.unresolved`).  An enemy that never reaches its level (0 under q >=
    1) is no draw.  ``spare`` holds four work rows."""
    o_w_r, o_w_b = layout(kr, kb)[2:4]
    o_w, lo, m = (o_w_r, 0, kr) if s == 0 else (o_w_b, kr, kb)
    o_e, lo_e, m_e = (o_w_b, kr, kb) if s == 0 else (o_w_r, 0, kr)
    th = cross_time(k, y, par, o_w, lo, m, hh, band, tab, o_b)
    x, dx = dense_sum(k, y, par, o_w, lo, m, hh, th, tab, o_b)  # dx: d/d(theta)
    if not (x > 0.0 and dx < 0.0):
        return -1.0
    dense_state(k, y, hh, th, spare[0], tab, par, o_b)
    days = zero_time(t + th * hh, spare[0], par, s, kr, spare[1], spare[2], spare[3], scratch)[0]
    if days < 0.0:
        return -1.0
    tau: float = days / hh
    xe, dxe = dense_sum(k, y, par, o_e, lo_e, m_e, hh, th, tab, o_b)
    if band_e > lev_e:  # the enemy's 0 extrapolated too: a draw if it is about there
        return -1.0 if xe <= ZERO_NEAR * band_e else th + tau
    near = xe <= lev_e or (dxe < 0.0 and (xe - lev_e) / -dxe < ZERO_APART * tau)
    if near and (lev_e > 0.0 or par[3 - 2 * s] < 1.0):  # an enemy that may reach its level
        return -1.0
    return th + tau


def remnant(
    t: float, k: FloatArray, y: FloatArray, par: FloatArray, s: int, kr: int, kb: int,
    hh: float, band: float, tab: FloatArray, o_b: int, spare: FloatArray, scratch: FloatArray,
) -> float:  # fmt: skip
    """The enemy's (the winner's) weighted strength where side ``s``, extrapolated to 0
    beyond the step of ``hh`` days from (t, y) (:func:`zero_cross`, at more than 1 step),
    reaches 0, over its weighted strength at the side's ``band`` point in the step; that
    point's state is left in ``spare[0]`` (its enemy's categories are scaled by this ratio).
    From the band point the side's u = X**(1 - q) falls to 0 as :func:`zero_time` has it,
    u(s) ~ sinh(omega s) (sin, linear) at s days before its 0, and the enemy's losses go
    with its fire, X**p = u**r, r = p / (1 - q) of the enemy's p: in v = Y**(1 - q_e) the
    enemy loses v'(band) times the integral of (u / u_band)**r, exactly for Helmbold (r 1:
    u, v obey the square law) and to second order in the time otherwise (its non-combat
    losses and a sloped multiplier taken at the band point).  Gauss-Legendre over s =
    S x**(1/(r + 1)) (:data:`.tableau.REMNANT_NODES`), whose integrand is smooth.  Before
    5 December 2026 the enemy was read where the step ended: Helmbold W 0.01, 6.6e-4 off.
    -1.0 where there is no fall to extrapolate (the caller then keeps the step-end state)."""
    o_w_r, o_w_b = layout(kr, kb)[2:4]
    o_w, lo, m = (o_w_r, 0, kr) if s == 0 else (o_w_b, kr, kb)
    o_e, lo_e, m_e = (o_w_b, kr, kb) if s == 0 else (o_w_r, 0, kr)
    th = cross_time(k, y, par, o_w, lo, m, hh, band, tab, o_b)
    dense_state(k, y, hh, th, spare[0], tab, par, o_b)
    days, w2 = zero_time(t + th * hh, spare[0], par, s, kr, spare[1], spare[2], spare[3],
                         scratch)  # fmt: skip
    ye = side_sum(spare[0], par, o_e, lo_e, m_e)
    dye = side_sum(spare[1], par, o_e, lo_e, m_e)
    if days <= 0.0 or ye <= 0.0:  # no fall to extrapolate: the step-end state, as before
        return -1.0
    r = par[2 * (1 - s)] / (1.0 - par[2 * s + 1])
    w = math.sqrt(abs(w2))
    whole = w * days
    mean = 0.0  # of (u(s) / u_band)**r / (s / days)**r over s in (0, days), by x
    for i in range(REMNANT_NODES.shape[0]):
        a = whole * math.exp(math.log(REMNANT_NODES[i]) / (r + 1.0))  # omega s
        if w2 > 0.0:
            g = (math.sinh(a) / a) / (math.sinh(whole) / whole)
        elif w2 < 0.0:
            g = (math.sin(a) / a) / (math.sin(whole) / whole)
        else:
            g = 1.0
        mean += REMNANT_WEIGHTS[i] * math.exp(r * math.log(g))
    integral = days / (r + 1.0) * mean  # days
    q_e = par[2 * (1 - s) + 1]  # < 1: a side extrapolated to 0 has 0 < q < 1, as its enemy
    v = 1.0 + (1.0 - q_e) * dye / ye * integral  # v / v(band)
    return math.exp(math.log(v) / (1.0 - q_e)) if v > 0.0 else 0.0

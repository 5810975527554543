"""A side at 0 or near it with its daily arrivals in force (a landing, a side held until
its forces are in: :func:`.runs.hold_until`): its sliding mode at 0 (:func:`from_zero`),
and its balance where it relaxes to it faster than an explicit step can follow
(:func:`settle`, :func:`settled_rates`).  Called from :func:`.kernel.rates` and the
integrator's loop; scalar, compiled with the rest (:mod:`.compiled`).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from forceratio.simulator.packing import fire, fixed_share, layout, side_sum
from forceratio.simulator.tableau import SETTLE_NEAR, SETTLE_ON, SETTLE_STIFF

FloatArray = NDArray[np.float64]


def side_view(
    t: float, par: FloatArray, kr: int, kb: int, s: int
) -> tuple[
    int, int, int, int, int, int, int, float, float, float, float, float, int, float, float
]:  # fmt: skip
    """What :func:`from_zero`, :func:`balance` and :func:`settled_rates` read of side ``s``
    (0 red, 1 blue) at ``t`` from the packed parameters (:func:`.packing.layout`): its
    categories' offset and count, the enemy's (who fires), the enemy's kill, the side's
    weight and the enemy's allocation offsets, the side's law (p, q), whether the enemy's
    fire is a fixed allocation, the enemy's fire multiplier m(t), the transit factor g =
    exp(-k t) on the side's arrivals and their offset (arrival rates in force, times g),
    the multiplier's slope dm/dt and the transit rate k (1/day)."""
    o_kill_r, _, o_w_r, _, o_alloc_r, _, o_inflow = layout(kr, kb)[:7]
    e = 1 - s  # the enemy, who fires
    off_t, kt, off_f, kf = (0, kr, kr, kb) if s == 0 else (kr, kb, 0, kr)
    o_kill, o_w, o_alloc = o_kill_r + e * kr * kb, o_w_r + s * kr, o_alloc_r + e * kr * kb
    p, q, fixed = par[2 * s], par[2 * s + 1], par[4 + e]
    m = par[6 + 3 * e] + par[7 + 3 * e] * (t - par[8 + 3 * e])
    k_t = par[o_inflow + kr + kb + 6 + s]  # arrivals exposed in transit come in at exp(-k t)
    g = math.exp(-k_t * t) if k_t > 0.0 else 1.0
    dm = par[7 + 3 * e]
    return off_t, kt, off_f, kf, o_kill, o_w, o_alloc, p, q, fixed, m, g, o_inflow + off_t, dm, k_t


def from_zero(
    t: float, y: FloatArray, out: FloatArray, par: FloatArray, kr: int, scratch: FloatArray,
    s: int, zero: float,
) -> None:  # fmt: skip
    """The rates of side ``s`` (0 red, 1 blue) at 0 with arrivals in force: its sliding mode
    there (Filippov 1988, *Differential Equations with Discontinuous Righthand Sides*, ch.
    2, section 4).  ``out`` holds its net rates.  Under a law whose losses do not vanish
    with the target's strength (``q = 0``: the square and ancient laws), with its every
    category at 0, these are its arrivals (a side with nothing takes no fire), and it gets
    the ones at 0+: its losses there are the limit of :func:`categories` as its strength
    comes in along its arrivals (they do not depend on how much came).  Where the side's
    weighted arrivals are no more than those losses it stays at 0 (rate 0: what arrives is
    lost on arrival, so its losses are its arrivals); otherwise it rises at the rates at
    0+, none below 0.  Without this a held side out-fired at 0 (:func:`.runs.hold_until`)
    went up at its arrival rate and down at its losses without end, each step a bounce.

    Under a law whose losses fall with the side (0 < q <= 1) it rises from 0 to its balance
    B* = (a / c)**(1/q) (its arrivals a, its losses c B**q), relaxing at q a / B* a day:
    beyond an explicit step where B* is far below the tolerance (q 0.01: B* 6e-21, 1e19 a
    day).  A side within ``zero`` of 0 (the strength the run resolves:
    :func:`layout`'s last slot, set by :func:`.integrator.run_chunk`) whose losses at
    ``zero`` along its arrivals are at least its arrivals (so B* <= ``zero``) stays where it
    is, as at q = 0: 0 within the tolerance, what arrives lost on arrival; a side whose
    balance is above ``zero`` keeps the law's own rates."""
    off_t, kt, off_f, kf, o_kill, o_w, o_alloc, p, q, fixed, m, g, o_a, _, _ = side_view(
        t, par, kr, y.shape[0] - kr, s
    )
    total = 0.0  # the weighted arrivals: the direction the side comes in along
    for j in range(kt):
        if par[o_a + j] > 0.0:
            total += par[o_a + j] * g * par[o_w + j]
    if total <= 0.0:
        return
    for f in range(kf):
        scratch[f] = fire(y[off_f + f], p)
    net = 0.0  # the side's weighted rate at 0+ (q = 0), at ``zero`` (q > 0)
    for j in range(kt):
        a = par[o_a + j] * g
        loss = 0.0
        if a > 0.0:
            for f in range(kf):
                if fixed == 0.0:  # proportional fire: its share of what comes in
                    size = 1.0 if q == 0.0 else fire(zero, q)
                    share = a * par[o_w + j] / total
                else:  # a fixed allocation renormalised over the categories coming in
                    size = 1.0 if q == 0.0 else fire(zero * a * par[o_w + j] / total, q)
                    share = fixed_share(par, o_alloc + f * kt, kt, j, par, o_a)
                loss += scratch[f] * par[o_kill + f * kt + j] * share * size
        scratch[kf + j] = loss * m
        net += (a - loss * m) * par[o_w + j]
    if q > 0.0 and net > 0.0:
        return  # its balance is above ``zero``: the law's own rates
    for j in range(kt):
        v = par[o_a + j] * g - scratch[kf + j]
        out[off_t + j] = v if net > 0.0 and v > 0.0 else 0.0


def balance(t: float, y: FloatArray, par: FloatArray, kr: int, s: int, out: FloatArray,
            scratch: FloatArray) -> float:  # fmt: skip
    """Side ``s``'s (0 red, 1 blue) balance under its daily arrivals in force, into its
    categories of ``out`` (the enemy's fire from ``y`` at t), and its slowest relaxation
    rate there (1/day); -1 where it has none (0 < q <= 1 only, every arriving category
    under fire).  With arrivals a_j and fire inc_j on category j (:func:`.kernel.categories`):
    proportional fire, a_j = inc_j w_j y_j X**(q - 1), so X**q = sum a_j / inc_j and y_j =
    a_j X**(1 - q) / (inc_j w_j); fixed allocation (renormalised over the arriving
    categories), a_j = inc_j (w_j y_j)**q.  Its relaxation rate is q a_j / y_j at least
    (one category: q a / X*).  The non-combat and capture flows, b X beside a, are left out;
    a category with no arrivals is at 0."""
    off_t, kt, off_f, kf, o_kill, o_w, o_alloc, p, q, fixed, m, g, o_a, _, _ = side_view(
        t, par, kr, y.shape[0] - kr, s
    )
    if not (0.0 < q <= 1.0 and m > 0.0):
        return -1.0
    for f in range(kf):
        scratch[f] = fire(y[off_f + f], p)
    total = 0.0  # proportional fire: sum a_j / inc_j, X**q
    for j in range(kt):
        a = par[o_a + j] * g
        out[off_t + j] = 0.0
        if a <= 0.0:
            continue
        inc = 0.0
        for f in range(kf):
            share = 1.0 if fixed == 0.0 else fixed_share(par, o_alloc + f * kt, kt, j, par, o_a)
            inc += scratch[f] * par[o_kill + f * kt + j] * share
        inc *= m
        if inc <= 0.0 or par[o_w + j] <= 0.0:
            return -1.0  # it grows without bound
        if fixed == 0.0:
            total += a / inc
            out[off_t + j] = a / (inc * par[o_w + j])  # times X**(1 - q) below
        else:
            out[off_t + j] = math.exp(math.log(a / inc) / q) / par[o_w + j]
    if total <= 0.0 and fixed == 0.0:
        return -1.0
    size = math.exp(math.log(total) * (1.0 - q) / q) if fixed == 0.0 else 1.0  # X**(1 - q)
    rate = math.inf
    for j in range(kt):
        if out[off_t + j] > 0.0:
            out[off_t + j] *= size
            x = q * par[o_a + j] * g / out[off_t + j]
            rate = x if x < rate else rate
    return rate if rate < math.inf else -1.0


def settle(
    t: float, hh: float, gap: float, y: FloatArray, par: FloatArray, kr: int, s: int,
    zero: float, buf: FloatArray, scratch: FloatArray,
) -> bool:  # fmt: skip
    """Hold side ``s`` (0 red, 1 blue), under a law whose losses fall with it (0 < q <= 1:
    at q = 1, the linear and logarithmic laws, X* = a / c) and with daily arrivals in
    force, on its balance X*(t) (:func:`balance`) over the step of ``hh`` days from (t, y),
    ``gap`` days before the next stop, where an explicit step
    cannot follow its relaxation to it: that rate (q a / X* a day) times ``gap`` at least
    :data:`.tableau.SETTLE_ON` (its explicit steps would number thousands), or times
    ``hh`` at least :data:`.tableau.SETTLE_STIFF` where the side is held already; X* above
    the strength the run resolves (``zero``: below it :func:`from_zero` keeps the side at
    0) and the side within :data:`.tableau.SETTLE_NEAR` times X*.  Its categories in ``y``
    are set to the balance, and over the step they follow it (:func:`settled_rates`, the
    flag in :func:`.packing.layout`): a quasi-steady state (the slow manifold; Hairer &
    Wanner 1996, *Solving ODE II*, VI.2), behind the exact path by X*'s own change over
    1/rate.  Returns whether ``y`` or the flag changed (then the rates at (t, y) are
    stale).  ``buf`` and ``scratch`` are work rows."""
    kb = y.shape[0] - kr
    lo, m, _, _, _, o_w, _, _, q, _, _, g, o_a, _, _ = side_view(t, par, kr, kb, s)
    flag = layout(kr, kb)[-1] - 3 + s
    was: bool = par[flag] > 0.0
    x = side_sum(y, par, o_w, lo, m)
    come = 0.0  # weighted arrivals
    for j in range(m):
        come += par[o_a + j] * g * par[o_w + j]
    # cheap first: where x <= SETTLE_NEAR X*, the rate (the least q a_j / X*_j) is at most
    # q come / X* (a mediant), so at most SETTLE_NEAR q come / x
    bound = SETTLE_NEAR * q * come / x * (hh if was else gap) if x > 0.0 else math.inf
    on = come > 0.0 and bound >= (SETTLE_STIFF if was else SETTLE_ON)
    if on:
        rate = balance(t, y, par, kr, s, buf, scratch)
        x_star = side_sum(buf, par, o_w, lo, m)
        on = rate > 0.0 and zero < x_star and x <= SETTLE_NEAR * x_star
        on = on and (rate * hh >= SETTLE_STIFF if was else rate * gap >= SETTLE_ON)
    if not on:
        par[flag] = 0.0
        return was
    for i in range(lo, lo + m):
        y[i] = buf[i]
    par[flag] = 1.0
    return True


def settled_rates(t: float, y: FloatArray, out: FloatArray, par: FloatArray, kr: int,
                  s: int) -> None:  # fmt: skip
    """The net rates of side ``s`` held on its balance (:func:`settle`) into ``out``, which
    holds the enemy's: y_j d ln y*_j / dt, y*_j its balance (:func:`balance`), which moves
    with the enemy's fire (its strengths' rates in ``out``), the multiplier's slope and the
    arrivals' exposure in transit (the arrival rates are constant between stops).  With
    L_j = d ln inc_j / dt: proportional fire, d ln y*_j = -k - L_j + (1 - q)/q d ln S, S =
    sum a_j / inc_j; fixed allocation, (-k - L_j) / q."""
    off_t, kt, off_f, kf, o_kill, _, o_alloc, p, q, fixed, m, g, o_a, dm, k_t = side_view(
        t, par, kr, y.shape[0] - kr, s
    )
    big_s = big_v = 0.0  # S and dS/dt
    for sweep in range(2):
        for j in range(kt):
            a = par[o_a + j] * g
            inc = dinc = 0.0
            for f in range(kf):
                x = y[off_f + f]
                if a > 0.0 and x > 0.0:
                    share = 1.0 if fixed == 0.0 else fixed_share(par, o_alloc + f * kt, kt, j,
                                                                 par, o_a)  # fmt: skip
                    v = fire(x, p) * par[o_kill + f * kt + j] * share
                    inc, dinc = inc + v, dinc + p * v * out[off_f + f] / x
            if inc <= 0.0 or m <= 0.0:
                out[off_t + j] = 0.0
                continue
            phi = -k_t - dm / m - dinc / inc  # d ln (a_j / inc_j) / dt
            if sweep == 0:
                big_s, big_v = big_s + a / (m * inc), big_v + a / (m * inc) * phi
            elif fixed == 0.0:
                out[off_t + j] = y[off_t + j] * (phi + (1.0 - q) / q * big_v / big_s)
            else:
                out[off_t + j] = y[off_t + j] * phi / q

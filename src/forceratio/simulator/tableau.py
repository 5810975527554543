"""The Dormand-Prince 5(4) pair as data: its tableau, dense output and step-control constants.

Dormand & Prince (1980), *J. Comput. Appl. Math.* 6:19-26; the quartic dense output is
Shampine's (1986), *Math. Comp.* 46:135-150.  As in scipy's ``integrate/_ivp/rk.py`` the
method is nothing but these numbers: the one step that uses them is
:func:`forceratio.simulator.kernel.dopri_step`.
"""

from __future__ import annotations

import numpy as np

#: Nodes c_i of the six stages.
C = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0])
#: Runge-Kutta matrix a_ij, lower triangular, padded with zeros to 6 x 6.
A = np.array(
    [
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [1 / 5, 0.0, 0.0, 0.0, 0.0, 0.0],
        [3 / 40, 9 / 40, 0.0, 0.0, 0.0, 0.0],
        [44 / 45, -56 / 15, 32 / 9, 0.0, 0.0, 0.0],
        [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729, 0.0, 0.0],
        [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656, 0.0],
    ]
)
#: Fifth-order weights.
B = np.array([35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84])
#: Fifth- minus fourth-order weights over the seven stages (the last is FSAL).
E = np.array([-71 / 57600, 0.0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40])
#: Dense output: y(t + theta h) = y + h * sum_i K_i * (P[i] . [theta, theta^2, theta^3, theta^4]).
P = np.array(
    [
        [1, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432],
        [0, 0, 0, 0],
        [0, 131558114200 / 32700410799, -68118460800 / 10900136933, 87487479700 / 32700410799],
        [0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072],
        [0, 127303824393 / 49829197408, -318862633887 / 49829197408, 701980252875 / 199316789632],
        [0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844],
        [0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423],
    ]
)

#: The whole method as one table handed to the compiled step (one row per stage 0..6):
#: columns 0..5 the stage weights (A, with B as row 6: the stage at t + h that is the first
#: stage of the next step), column 6 the nodes (c_6 = 1), column 7 the error weights E,
#: columns 8..11 the dense-output coefficients P.  The step reads it at run time, so the
#: compiler does not unroll seven copies of the right-hand side (a compile-time cost).
COL_C, COL_E, COL_P = 6, 7, 8
STEP_TABLE = np.hstack([np.vstack([A, B[None, :]]), np.append(C, 1.0)[:, None], E[:, None], P])

#: The Bogacki-Shampine 3(2) pair (1989, *Appl. Math. Lett.* 2:321-325, FSAL, the pair of
#: scipy's RK23) in the layout of STEP_TABLE, without dense output: a stochastic leap,
#: at most a few percent of a side, needs no fifth order for its expected losses.
LEAP_TABLE = np.zeros((4, STEP_TABLE.shape[1]))
LEAP_TABLE[1:, :3] = [[1 / 2, 0, 0], [0, 3 / 4, 0], [2 / 9, 1 / 3, 4 / 9]]
LEAP_TABLE[:, COL_C] = [0.0, 1 / 2, 3 / 4, 1.0]
LEAP_TABLE[:, COL_E] = [2 / 9 - 7 / 24, 1 / 3 - 1 / 4, 4 / 9 - 1 / 3, -1 / 8]

# Step-size control (Hairer, Norsett & Wanner 1993, II.4), names as in scipy's rk.py.
#: Safety factor on the optimal step.
SAFETY = 0.9
#: Smallest and largest ratio of a new step to the last one.
MIN_FACTOR = 0.2
MAX_FACTOR = 10.0
#: Exponent of the error norm: -1 / (error estimator order + 1).
ERROR_EXPONENT = -1 / 5
#: First step, as a fraction of the battle's initial time scale (strength / loss rate).
FIRST_STEP_FRACTION = 0.02
#: Smallest step the error control may ask for, relative to t: ten units in the last
#: place, as scipy's rk.py (a battle may be decided in 1e-14 days under the power law with
#: large exponents).  A step cut short to land on a stop may be shorter.
MIN_STEP = 10 * np.finfo(float).eps
EXACT_RTOL = 0.1  #: rtol's factor where non-combat losses are exact (longer steps)
EXACT_REACH = 1.0  #: b h at most, b the fastest exact loss: exp(b h) stays finite and smooth
#: Absolute tolerance per category, relative to rtol times the run's largest category.
ATOL_FRACTION = 1e-3
#: A side fought to a level of 0 under a law whose losses fall with it (0 < q < 1: Helmbold,
#: power) flattens as (T - t)**(1/(1 - q)) near 0 and spends (atol / X0)**(1 - q) of its
#: battle within its absolute tolerance of 0, where no step follows it (1e-3 of the end
#: time at Helmbold w = 0.1 with the usual atol): its atol becomes X0 x
#: (ZERO_TIME * rtol)**(1 / (1 - q)) where that is smaller (so that this is ZERO_TIME x rtol),
#: not below ZERO_ATOL (near the smallest normal double: q > 0.98 reaches it, and the end
#: time comes from ZERO_REACH below).  Deterministic runs only.
ZERO_TIME, ZERO_ATOL = 0.1, 1e-300
#: A side that begins and ends a step within ZERO_BAND x its absolute tolerance of 0 beside
#: an enemy at 0 too is an exact draw decaying together (:func:`.integrator.unresolved`): a
#: step may overshoot 0 by a few tolerances (Helmbold w = 0.7, 1000 v 1000: 3.2).
ZERO_BAND = 1e3
#: A side fought to a level of 0 under a law whose losses fall with it (0 < q < 1), no
#: arrivals in force, is followed down to ZERO_REACH x its absolute tolerance; from there its
#: time to 0 is extrapolated in u = X**(1 - q), which falls linearly at the end (Helmbold's
#: u = R**W obeys the square law), not in X, which flattens as (T - t)**(1/(1 - q)) and
#: underflows (:func:`.integrator.zero_cross`).  Not where the enemy is as near its end (the
#: old crossing of 0): its own 0 extrapolated and within ZERO_NEAR of its band (an exact
#: draw: both at their bands together), or its level within ZERO_APART times that time.
ZERO_REACH, ZERO_NEAR, ZERO_APART = 1e3, 1e6, 100.0
#: The extrapolated fall's curvature (:func:`.near_zero.zero_time`) is a central difference
#: of du/dt over +- ZERO_SLOPE of the first-order time to 0 (its error ZERO_SLOPE**2, its
#: rounding 1e-16 / ZERO_SLOPE of the curvature's share).
ZERO_SLOPE = 1e-5
#: Gauss-Legendre nodes and weights on (0, 1) of the enemy's losses over an extrapolated fall
#: to 0 (:func:`.near_zero.remnant`): 8 points, exact for a polynomial of degree 15.
REMNANT_NODES = (np.polynomial.legendre.leggauss(8)[0] + 1.0) / 2.0
REMNANT_WEIGHTS = np.polynomial.legendre.leggauss(8)[1] / 2.0
#: A side with daily arrivals, losses c X**q (0 < q < 1), is held on its balance X* over a
#: step (:func:`.held.settle`) where its relaxation rate (q a / X* a day) times the time to
#: the next stop is at least SETTLE_ON (explicit steps, stable below 3.3 / rate, would number
#: thousands), and stays there while that rate times the step is at least SETTLE_STIFF (about
#: where the explicit step is no longer stable), within SETTLE_NEAR times X*.
SETTLE_ON, SETTLE_STIFF, SETTLE_NEAR = 1e4, 3.0, 2.0
#: Newton iterations and tolerance of the dense-output root search.
ROOT_ITERATIONS = 40
ROOT_TOLERANCE = 1e-15
#: Two sides whose levels are crossed within this fraction of one step end in a draw.
DRAW_FRACTION = 1e-9
#: Capture logistics (:func:`.integrator.gate_step`): within GATE_BAND widths of a centre in
#: ln rho a step moves ln rho by at most GATE_RESOLVE widths (1.7e-4 off with
#: no band, 5.8e-6 with a band of 1 width, 6e-8 with 3).
GATE_BAND, GATE_RESOLVE = 3.0, 1.0

"""The fast mode: the posterior mode by optimisation, and a Laplace approximation around it.

The mode is sought in the unconstrained space of :meth:`Problem.log_posterior` (log rates
for log-normal priors), where it is invariant to how the parameters are bounded; for a
log-normal prior it is the mode of log x, not of x.  Several starts (the parameters'
start values, then prior draws) run BFGS (``scipy.optimize.minimize``; no bounds are
needed there) with a central
finite-difference gradient computed in ONE batch call of 2k + 1 rows, which is what the
batch engine is fast at.

BFGS with finite differences stops short on this model: its line search "loses precision"
where the log posterior is not smooth at the differences' scale, with gradient components
near 1 left (seeds 0 and 1 stopped at log posteriors -234.817 and -234.815 with
the capture ratio at 2.31 and 2.14, Laplace intervals up to 12 times apart).  The best BFGS
optimum is therefore polished by a compass search (Kolda, Lewis & Torczon 2003, SIAM Review
45: 385) along the eigenvectors of the Hessian there, each scaled to one Laplace standard
deviation, every poll of 2k points one batch call, until no poll at :data:`POLISH_XTOL`
standard deviations improves: the mode is then located to that tolerance along every
direction whose curvature the data fix.  A direction whose curvature is below
``1 / LAPLACE_MAX_SD**2`` at the mode (a flat ridge, or a saddle), or another start's
optimum within :data:`TIE` of the mode's log posterior but more than one Laplace sd away
(a curved ridge, which the curvature at the mode does not show), leaves the mode not well
defined: :attr:`Mode.ridge` names the parameters along it and ``success`` is False.  The
polish does not walk a curved ridge whose log posterior is jagged at small steps: on the
1941 record seeds 0 and 1 still end 0.003 apart in log posterior at capture ratios 2.31 and
2.14 (seed 0 flags the ridge, seed 1's starts found no second point on it).

The Laplace approximation (a normal with the inverse negative Hessian as covariance, the
Hessian by central differences, again one batch call) gives approximate draws, so that
the quick mode returns the same :class:`CalibrationResult` as the sampler, its
credible intervals marked as approximate by ``method="map"``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from forceratio.arguments import Seed, instance, seed_sequence, whole
from forceratio.calibration.problem import Problem
from forceratio.calibration.result import CalibrationResult, predictive_bytes, summarise
from forceratio.errors import InputError
from forceratio.limits import check_memory

FloatArray = NDArray[np.float64]
FD_STEP = 1e-4  # finite-difference step in the unconstrained space (log scale: 0.01 %)
LAPLACE_MAX_SD = 3.0  # widest Laplace sd, unconstrained units (log scale: a factor of 20)
BARRIER = 1e300  # the objective where the log posterior is -inf: the line search backs off
#: Working memory of :func:`fit_map` per draw and parameter: 25 B measured (peak RSS at
#: 4 * 10^6 draws less 10^6, 4 parameters, 2026-12-03), rounded up.
BYTES_PER_DRAW_VALUE = 32
#: The compass search's stopping step, in Laplace standard deviations along each direction.
POLISH_XTOL = 1e-3
#: Polls (batch calls of 2k rows) a polish may take before it stops unconverged.
POLISH_MAX_POLLS = 2000
#: A parameter whose loading on a flat direction's unit eigenvector exceeds this is named.
RIDGE_LOADING = 0.3
#: Optima of other starts within this many log-posterior units of the mode are ties: a tie
#: more than one Laplace sd away (where a normal would have fallen by 0.5) lies on a ridge
#: the curvature at the mode does not show (a curved one), and the parameters it moved by
#: more than one sd are named.
TIE = 0.1


@dataclass(frozen=True)
class Mode:
    """The best optimum over the starts."""

    z: FloatArray  # unconstrained, shape (k,)
    theta: FloatArray  # parameter values, shape (k,)
    log_posterior: float
    success: bool
    message: str
    n_starts: int
    n_evaluations: int  # model rows evaluated
    ridge: tuple[str, ...] = ()  # the parameters along a direction of no curvature at z


def _value_and_gradient(problem: Problem, z: FloatArray) -> tuple[float, FloatArray, int]:
    """The log posterior at ``z`` and its central-difference gradient (one batch of 2k + 1
    rows).  Where one neighbour is -inf (an overflow at the edge of the region the model
    can run) the difference is taken on the finite side; where both are, that component
    is 0."""
    k = z.size
    eye = np.eye(k) * FD_STEP
    rows = np.vstack([z, z + eye, z - eye])
    f = problem.log_posterior(rows)
    f0, up, down = f[0], f[1 : k + 1], f[k + 1 :]
    ok_up, ok_down = np.isfinite(up), np.isfinite(down)
    grad = np.zeros(k)
    both = ok_up & ok_down
    grad[both] = (up[both] - down[both]) / (2.0 * FD_STEP)
    if np.isfinite(f0):
        only_up, only_down = ok_up & ~ok_down, ok_down & ~ok_up
        grad[only_up] = (up[only_up] - f0) / FD_STEP
        grad[only_down] = (f0 - down[only_down]) / FD_STEP
    return float(f0), grad, rows.shape[0]


def hessian(problem: Problem, z: FloatArray, step: float = 1e-3) -> FloatArray:
    """Central-difference Hessian of the log posterior at ``z`` (one batch of 4k^2 rows)."""
    k = z.size
    e = np.eye(k) * step
    i, j = np.triu_indices(k)
    rows = np.concatenate(
        [
            z + e[i] + e[j],
            z + e[i] - e[j],
            z - e[i] + e[j],
            z - e[i] - e[j],
        ]
    )
    f = problem.log_posterior(rows).reshape(4, i.size)
    h = np.zeros((k, k))
    h[i, j] = (f[0] - f[1] - f[2] + f[3]) / (4.0 * step**2)
    h[j, i] = h[i, j]
    return h


def laplace_covariance(problem: Problem, z: FloatArray) -> FloatArray:
    """Inverse of the negative Hessian, its eigenvalues floored at ``1 / LAPLACE_MAX_SD**2``.

    An eigenvalue below the floor means the mode is not a clear maximum along that
    direction (a flat ridge where the finite differences are noise, or a saddle): there a
    normal approximation means nothing, and a tiny eigenvalue would spread the draws over
    thousands of units, which overflow when mapped back (``exp`` of a log-scale value).
    The floor keeps the approximate draws, and the sampler's starting ensemble, within
    :data:`LAPLACE_MAX_SD` units of the unconstrained scale per standard deviation."""
    h = -hessian(problem, z)
    if not np.all(np.isfinite(h)):
        return np.eye(z.size) * 0.1**2
    w, v = np.linalg.eigh(0.5 * (h + h.T))
    w = np.maximum(w, 1.0 / LAPLACE_MAX_SD**2)
    return np.asarray((v / w) @ v.T)


def _curvatures(problem: Problem, z: FloatArray) -> tuple[FloatArray, FloatArray] | None:
    """The eigenvalues (ascending) and unit eigenvectors (columns) of the negative Hessian
    at ``z``; None where the Hessian is not finite."""
    h = -hessian(problem, z)
    if not np.all(np.isfinite(h)):
        return None
    w, v = np.linalg.eigh(0.5 * (h + h.T))
    return np.asarray(w), np.asarray(v)


def polish(problem: Problem, z: FloatArray, f: float) -> tuple[FloatArray, float, bool, int, int]:
    """Compass search from ``z`` (log posterior ``f``): poll +-step along every scaled
    eigenvector in one batch, move to the best improving point (the step doubled, to one
    sd at most), else halve the step; converged when the step falls below
    :data:`POLISH_XTOL`.  Returns z, f, converged, polls and rows evaluated."""
    eig = _curvatures(problem, z)
    if eig is None:
        basis = np.eye(z.size) * 0.1
    else:  # each eigenvector scaled to one Laplace sd (at most LAPLACE_MAX_SD)
        basis = (eig[1] / np.sqrt(np.maximum(eig[0], 1.0 / LAPLACE_MAX_SD**2))).T
    dirs = np.vstack([basis, -basis])
    step, polls, rows = 1.0, 0, 4 * z.size**2
    while step >= POLISH_XTOL and polls < POLISH_MAX_POLLS:
        trial = z + step * dirs
        ft = problem.log_posterior(trial)
        polls, rows = polls + 1, rows + trial.shape[0]
        ft = np.where(np.isfinite(ft), ft, -np.inf)
        j = int(np.argmax(ft))  # the first of equal values: deterministic
        if ft[j] > f:
            z, f, step = trial[j], float(ft[j]), min(2.0 * step, 1.0)
        else:
            step *= 0.5
    return z, f, step < POLISH_XTOL, polls, rows


def find_mode(problem: Problem, *, n_starts: int = 4, seed: Seed = 0) -> Mode:
    """Maximise the log posterior from ``n_starts`` starts by BFGS, then polish the best
    optimum by :func:`polish`; ``success`` when the polish converged and no direction is
    flat (``ridge`` empty), ``message`` says which and how."""
    instance("problem", problem, Problem, "a Problem(parameters, records, model)")
    n_starts = whole("n_starts", n_starts, 1)
    rng = np.random.default_rng(seed_sequence(seed))
    theta0 = np.array([p.start for p in problem.free])
    draws = np.column_stack([p.prior.sample(rng, n_starts - 1) for p in problem.free])
    starts = problem.unconstrain(np.vstack([theta0, draws]))
    evaluations = 0
    best: tuple[float, FloatArray, str] | None = None
    optima: list[tuple[float, FloatArray]] = []
    for z0 in starts:
        f0 = problem.log_posterior(z0[None, :])[0]
        evaluations += 1
        if not np.isfinite(f0):
            continue

        def neg(z: FloatArray) -> tuple[float, FloatArray]:
            nonlocal evaluations
            f, g, n = _value_and_gradient(problem, z)
            evaluations += n
            if not np.isfinite(f):
                return BARRIER, np.zeros_like(z)
            return -f, -g

        from scipy import optimize  # here: what reads a result needs no optimiser

        # a line search that gives up is polished below (and said in the message)
        res = optimize.minimize(neg, z0, jac=True, method="BFGS", options={"maxiter": 1000})
        value = -float(res.fun)
        optima.append((value, np.asarray(res.x)))
        if best is None or value > best[0]:  # a tie keeps the earlier start
            best = (value, np.asarray(res.x), str(res.message))
    if best is None:
        raise InputError("parameters", "the log posterior is -inf at every start")
    bfgs_value, z, bfgs_message = best
    z, value, converged, polls, rows = polish(problem, z, bfgs_value)
    evaluations += rows
    eig = _curvatures(problem, z)
    evaluations += 4 * z.size**2
    if eig is None:
        ridge = tuple(problem.names)
    else:
        flat = ~(eig[0] >= 1.0 / LAPLACE_MAX_SD**2)  # a NaN curvature counts as flat
        load = np.abs(eig[1][:, flat]).max(axis=1) if flat.any() else np.zeros(z.size)
        flagged = load > RIDGE_LOADING
        sd = np.sqrt(np.diag((eig[1] / np.maximum(eig[0], 1.0 / LAPLACE_MAX_SD**2)) @ eig[1].T))
        for v, zo in optima:
            if v >= value - TIE and np.sqrt(np.sum(((zo - z) / sd) ** 2)) > 1.0:
                flagged |= np.abs(zo - z) > sd
        ridge = tuple(n for n, x in zip(problem.names, flagged, strict=True) if x)
    message = (
        f"BFGS from {n_starts} start(s), the best ({bfgs_value:.4f}: {bfgs_message}) "
        f"polished by compass search to {value:.4f} in {polls} polls, "
        + (f"to {POLISH_XTOL:g} sd" if converged else f"NOT to {POLISH_XTOL:g} sd")
    )
    if ridge:
        message += (
            f"; the mode is not well defined along {', '.join(ridge)} (curvature below "
            f"1/{LAPLACE_MAX_SD:g}^2 there, or another start's optimum within {TIE:g} of it "
            "more than one sd away: a ridge), and its Laplace intervals are not meaningful"
        )
    theta = problem.constrain(z[None, :])[0]
    return Mode(z, theta, value, converged and not ridge, message, n_starts, evaluations, ridge)


def map_bytes(problem: Problem, n_draws: int) -> tuple[float, str]:
    """The estimated memory of :func:`fit_map` with ``n_draws`` draws, and what it is for:
    the draws (:data:`BYTES_PER_DRAW_VALUE` a value) and their predictive table
    (:func:`.result.predictive_bytes`: the model run on 2,000 draws at once, 124 MB of the
    whole 1941 record's, which the draws' 0.7 MB counted alone left out).  Measured
    (2026-12-05; VmHWM less RssFile's growth after a warm model call, the mode
    stood in by the shipped posterior's median): the whole record, 2,000 draws, 151 MB,
    this estimate 0.84 of it (500 draws: 68 MB, 0.47, a small batch's runs cost more);
    ``calibrate --mode map``, the command's own 120 MB beside it, 212 MB, 1.17."""
    k = len(problem.free)
    estimate = float(n_draws) * k * BYTES_PER_DRAW_VALUE + predictive_bytes(problem, n_draws)
    return estimate, f"{n_draws:,} draws of {k} and their predictive table"


def fit_map(
    problem: Problem,
    *,
    n_starts: int = 4,
    n_draws: int = 2000,
    seed: Seed = 0,
) -> CalibrationResult:
    """The quick calibration: the mode, and ``n_draws`` Laplace-approximate draws (at least
    two: a standard deviation needs two; within :mod:`forceratio.limits`'s memory)."""
    instance("problem", problem, Problem, "a Problem(parameters, records, model)")
    n_draws = whole("n_draws", n_draws, 2)
    estimate, what = map_bytes(problem, n_draws)
    check_memory("n_draws", estimate, what)
    s_mode, s_draws, s_summary = seed_sequence(seed).spawn(3)
    mode = find_mode(problem, n_starts=n_starts, seed=s_mode)
    cov = laplace_covariance(problem, mode.z)
    rng = np.random.default_rng(s_draws)
    z = rng.multivariate_normal(mode.z, cov, size=n_draws, method="eigh")
    draws = problem.constrain(z)
    return summarise(
        problem,
        method="map",
        draws=draws,
        point=mode.theta,
        map_point=mode.theta,
        log_posterior_max=mode.log_posterior,
        seed=s_summary,
        extra={
            "success": mode.success,
            "message": mode.message,
            "n_evaluations": mode.n_evaluations,
        },
    )

"""The posterior by MCMC: emcee's ensemble sampler, vectorised, with a fitted proposal.

``emcee.EnsembleSampler(..., vectorize=True)`` hands the log posterior a whole batch of
walkers, so the batch engine evaluates them in one call.  The walkers move in
:class:`Coordinates`: the problem's unconstrained space, except that a parameter with a
bounded prior is on the probit rather than the logit scale of its range (a posterior
piled against a bound then has a Gaussian, not an exponential, tail; the density carries
the Jacobian).  The run has three stages (the kept draws are mapped back):

1. **pilot** (``pilot`` steps): the walkers start from the Laplace approximation at the
   mode and move by differential evolution (80 %, ter Braak 2006) and emcee's stretch move
   (20 %, Goodman & Weare 2010).  On the synthetic square-law posterior (4 parameters, 16
   walkers, 3000 steps) that mixture's integrated autocorrelation times were 17-23 steps
   against 49-56 for the stretch move alone; on the 1941 record (9 parameters, posteriors
   piled against their prior bounds) they were 76-191 steps.
2. **adaptation** (``adapt`` rounds of ``pilot // 2`` steps): a Student-t mixture
   (:mod:`.mixture`) is fitted to the second half of the previous stage's draws and used as
   an *independence* Metropolis-Hastings proposal (Tierney 1994): every walker proposes a
   fresh draw of the mixture and accepts it with probability
   ``min(1, p(y) q(x) / (p(x) q(y)))``, one batch call for the whole ensemble; the
   differential-evolution move stays in the mix (``1 - independence``), so a walker on a
   point the mixture under-weights still moves locally.  The mixture is refitted after
   each round, to the second half of the whole warm-up so far (pilot and rounds end to
   end: more draws, and more of the tails, than the last round alone).
3. **main** (``n_steps``, of which ``burn`` are dropped): the last mixture, FIXED, so that
   the chain is an ordinary Markov chain with the posterior as its stationary law (an
   adaptive proposal only is during the warm-up, whose draws are discarded).

An independence proposal close to the posterior makes consecutive draws nearly
independent: on the record the autocorrelation times fell to a few steps.  Because it
proposes anywhere the mixture has mass, a second mode the pilot visited is crossed in one
step, where the ensemble moves would need a walker to wander across.  ``pilot=0`` gives
the ensemble moves alone (stage 1's moves for the whole run), the sampler before.

On the 1941 record (9 parameters, 48 walkers, pilot 600, two adaptation rounds, 1,250
kept-run steps, seed 0) the logit coordinates left the capture ratio and width at split
R-hat 1.056 and 1.055 (walkers stuck for 240-400 steps in the exponential tails where the
proposal has too little mass); the probit coordinates gave 1.002-1.009 on every parameter.

emcee 3.1.6's ``DESnookerMove`` is NOT used: it divides the snooker direction by the
square root of its norm instead of the norm (``emcee/moves/de_snooker.py``), so the move is
not reversible; with it sigma's 97.5 % quantile came out 9 % short of an independent
random-walk Metropolis run (tests/calibration/test_sampler_oracle.py).

Randomness: one integer seed spawns the streams of the mode's starts, the initial
ensemble, emcee's own ``RandomState`` (which also draws the proposals), the predictive
draws and the mixture fits, so the same seed gives the same draws.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special

from forceratio.arguments import Seed, instance, seed_sequence, whole
from forceratio.calibration.diagnostics import effective_sample_size, integrated_time, split_rhat
from forceratio.calibration.mixture import Mixture, fit_mixture, proposal
from forceratio.calibration.mode import find_mode, laplace_covariance
from forceratio.calibration.problem import Problem
from forceratio.calibration.result import (
    CalibrationResult,
    Diagnostics,
    predictive_bytes,
    summarise,
)
from forceratio.errors import InputError
from forceratio.limits import check_memory

FloatArray = NDArray[np.float64]
RHAT_MAX = 1.01  # Vehtari et al. (2021): above this the chains have not mixed
PROGRESS_EVERY = 100
TAU_RUNS = 50  # emcee's guidance: keep a chain longer than ~50 autocorrelation times

#: The index of the summary's stream among the five a seed spawns in :func:`sample_posterior`
#: (mode, initial walkers, emcee, summary, mixture): the predictive noise is drawn from it.
SUMMARY_STREAM = 3


def _emcee() -> Any:
    """emcee, imported on first use: it imports scipy.stats (a large part of a second), and
    every sweep and comparison imports this package without sampling."""
    import emcee

    return emcee


@dataclass(frozen=True)
class Coordinates:
    """The sampler's coordinates y: the problem's unconstrained z, except that every
    coordinate of a bounded prior moves from the logit to the probit scale,
    ``y = ndtri(expit(z))`` (the same fraction of the prior's range).

    A posterior piled against a bound of its prior has, in the logit z, an exponential tail
    (density ~ e^-|z|); in the probit y that tail is Gaussian, which the fitted mixture and
    the differential-evolution moves follow far better (on the 1941 record the worst
    importance ratio posterior / proposal fell fivefold).  The density in y carries the
    Jacobian ``log |dz/dy| = log phi(y) - log Phi(y) - log Phi(-y)``.
    """

    problem: Problem
    probit: NDArray[np.bool_]  # (k,): the coordinates moved to the probit scale

    @classmethod
    def of(cls, problem: Problem, probit: bool = True) -> Coordinates:
        bounded = [all(math.isfinite(b) for b in p.prior.support) for p in problem.free]
        return cls(problem, np.array(bounded, dtype=bool) & probit)

    def to_z(self, y: FloatArray) -> FloatArray:
        z = np.array(y, dtype=float, ndmin=2)
        b = z[:, self.probit]
        z[:, self.probit] = special.log_ndtr(b) - special.log_ndtr(-b)
        return z

    def from_z(self, z: FloatArray) -> FloatArray:
        y = np.array(z, dtype=float, ndmin=2)
        b = y[:, self.probit]
        with np.errstate(divide="ignore"):  # ndtri(expit(-z)) keeps large z finite
            y[:, self.probit] = np.where(
                b < 0, special.ndtri(special.expit(b)), -special.ndtri(special.expit(-b))
            )
        return y

    def log_jacobian(self, y: FloatArray) -> FloatArray:
        """``log |dz/dy|`` summed over the coordinates, (n, k) -> (n,)."""
        b = np.atleast_2d(np.asarray(y, dtype=float))[:, self.probit]
        log_phi = -0.5 * b**2 - 0.5 * math.log(2.0 * math.pi)
        return np.asarray(np.sum(log_phi - special.log_ndtr(b) - special.log_ndtr(-b), axis=1))

    def log_posterior(self, y: FloatArray) -> FloatArray:
        """The log posterior density of y (emcee's target)."""
        y2 = np.atleast_2d(np.asarray(y, dtype=float))
        lp = self.problem.log_posterior(self.to_z(y2)) + self.log_jacobian(y2)
        return np.where(np.isnan(lp), -np.inf, lp)


def _initial_ensemble(
    problem: Problem, z: FloatArray, cov: FloatArray, n: int, rng: np.random.Generator
) -> FloatArray:
    """``n`` starts drawn from N(z, cov), each with a finite log posterior."""
    out = np.empty((0, z.size))
    for _ in range(50):
        cand = rng.multivariate_normal(z, cov, size=n, method="eigh")
        out = np.vstack([out, cand[np.isfinite(problem.log_posterior(cand))]])
        if out.shape[0] >= n:
            return out[:n]
    raise InputError("parameters", "could not place the walkers where the posterior is finite")


def diagnose(
    chain: FloatArray,
    names: list[str],
    acceptance: FloatArray,
    n_steps: int,
    burn: int,
    thin: int,
    *,
    warmup: int = 0,
    components: int = 0,
) -> Diagnostics:
    """Diagnostics of the kept run's chain, shape (steps, walkers, k), walkers as chains,
    every step after the burn-in (not thinned); ``warmup`` and ``components`` (of the
    fitted proposal) are reported as given.  The autocorrelation time ``tau`` is estimated
    on every step: on the thinned chain times ``thin`` it could not come out below about
    ``thin`` (AR(1) walkers of true time 5, thinned by 20, read 19.9).  ESS and R-hat are
    those of the kept draws, one step in ``thin`` (emcee's ``get_chain(thin=...)``: steps
    ``thin - 1, 2 thin - 1, ...``)."""
    tau, ess, rhat = {}, {}, {}
    drawn = chain[thin - 1 :: thin]
    for j, name in enumerate(names):
        tau[name] = integrated_time(chain[:, :, j].T)
        c = drawn[:, :, j].T
        ess[name] = effective_sample_size(c)
        rhat[name] = split_rhat(c)
    notes = []
    worst_rhat = max(rhat.values())
    if not worst_rhat < RHAT_MAX:
        notes.append(f"R-hat {worst_rhat:.3f} >= {RHAT_MAX}: the walkers have not mixed")
    kept = n_steps - burn
    worst_tau = max(tau.values())
    if not kept > TAU_RUNS * worst_tau:
        notes.append(
            f"kept {kept} steps, fewer than {TAU_RUNS} autocorrelation times ({worst_tau:.1f})"
        )
    return Diagnostics(
        n_walkers=chain.shape[1],
        n_steps=n_steps,
        burn=burn,
        thin=thin,
        acceptance_fraction=float(acceptance.mean()),
        acceptance_min=float(acceptance.min()),
        tau=tau,
        ess=ess,
        rhat=rhat,
        converged=not notes,
        notes=tuple(notes),
        warmup=warmup,
        components=components,
    )


def _ensemble_moves() -> list[tuple[Any, float]]:
    return [(_emcee().moves.DEMove(), 0.8), (_emcee().moves.StretchMove(), 0.2)]


def independence_move(q: Mixture) -> Any:
    """emcee's Metropolis-Hastings move proposing independent draws of ``q``; the factor
    ``log q(x) - log q(y)`` makes the acceptance ``p(y) q(x) / (p(x) q(y))``."""

    def propose(coords: FloatArray, random: np.random.RandomState) -> tuple[FloatArray, FloatArray]:
        y = q.sample(random, coords.shape[0])
        return y, q.logpdf(coords) - q.logpdf(y)

    return _emcee().moves.MHMove(propose)


def _stage(
    coords: Coordinates,
    start: Any,
    moves: list[tuple[Any, float]],
    n: int,
    tick: Callable[[], None],
) -> Any:
    """``n`` steps of emcee from ``start`` (an ``emcee.State`` carrying its log posterior
    and random state); returns the sampler."""
    nw, k = start.coords.shape
    sampler = _emcee().EnsembleSampler(nw, k, coords.log_posterior, vectorize=True, moves=moves)
    for _ in sampler.sample(start, iterations=n, progress=False):
        tick()
    return sampler


def _fit_proposal(
    zchain: FloatArray, rng: np.random.Generator, max_components: int, df: float
) -> Mixture | None:
    """The independence proposal (t components of ``df`` degrees of freedom) fitted to the
    second half of the warm-up so far, ``zchain`` (steps, walkers, k) being every stage's
    chain end to end; None when the draws are too few for one component.

    The whole warm-up's second half, not the last round's: on the 1941 record a mixture
    fitted to the last 150-step round alone missed the capture rate's upper tail (a ridge
    with the capture ratio), the independence acceptance from the top 1 % of the
    posterior fell to 1 % against 19 % for the bulk, walkers stuck there for thousands of
    steps and R-hat stayed 1.011 after 16,000 steps (docs/design/issue13-mechanisms.md
    8.13)."""
    z = zchain[zchain.shape[0] // 2 :].reshape(-1, zchain.shape[2])
    try:
        return proposal(fit_mixture(z, rng, max_components=max_components), z, df=df)
    except ValueError:
        return None


def sampling_bytes(
    problem: Problem, nw: int, warmup: int, n_steps: int, burn: int, thin: int
) -> float:
    """Estimated memory of :func:`sample_posterior` with ``nw`` walkers, ``warmup`` steps
    (pilot and adaptation) then ``n_steps``, the first ``burn`` dropped, one in ``thin``
    drawn: every stage's chain and log-probability (emcee's), the warm-up's chains joined
    for the proposal's fit, the kept run three times unthinned (emcee's copy, the z and
    the constrained values), and the predictive table's (:func:`.result.predictive_bytes`:
    its model values, four arrays of draws x records, and the largest call of the model,
    the ensemble or a :data:`.result.PREDICTIVE_CHUNK` of the draws, as
    :func:`~forceratio.limits.model_bytes`).  Measured
    (VmHWM less RssFile's growth after a warm call, 2026-12-05): the whole
    record's problem, 24 and 48 walkers, 2,016 and 4,800 draws, 126-133 MB (2 threads);
    240 draws 20.6 MB, this estimate 1.01 of it (0.74 with the flat 64 kB a run
    before: a small call's runs are all in the quadratures' blocks), 2,016 draws on one
    thread 75 MB, 1.24 (1.35 before); the
    synthetic square-law problem (4 parameters, 32 walkers, 5,200 and 17,200 steps, thin 1
    and 20), 29-76 MB, the estimate less its model batch 1.01-1.16 of it.  The flat
    estimate before (the chains twice, 4 kB a walker) read 0.004-0.014 of the record's."""
    k, kept = len(problem.free), n_steps - burn
    floats = nw * ((warmup + n_steps) * (k + 1) + warmup * k + 3 * kept * k + k * k)
    return 8.0 * floats + predictive_bytes(problem, nw * (kept // thin), batch=nw)


#: The fewest steps each walker keeps after the burn-in and the thinning: fewer are refused
#: (``forceratio calibrate`` derives its --steps floor from it).
MIN_KEPT = 4


def _plan(
    problem: Problem, n_walkers: int | None, n_steps: int, burn: int | None, thin: int,
    pilot: int | None, adapt: int, independence: float,
) -> tuple[int, int, int, list[int]]:  # fmt: skip
    """:func:`sample_posterior`'s arguments checked: the walkers (even), the burn-in, the
    pilot's steps and the adaptation rounds' steps."""
    instance("problem", problem, Problem, "a Problem(parameters, records, model)")
    for name, v in (("n_steps", n_steps), ("thin", thin), ("burn", burn), ("pilot", pilot)):
        if v is not None:
            whole(name, v, 0)
    k = len(problem.free)
    asked = whole("n_walkers", n_walkers, 2) if n_walkers is not None else max(32, 2 * k + 2)
    nw = asked + asked % 2
    if nw < 2 * k + 2:
        raise InputError(
            "n_walkers",
            f"needs at least 2k + 2 = {2 * k + 2} walkers for {k} free parameters, got {asked}",
        )
    b = n_steps // 2 if burn is None else burn
    if not 0 <= b < n_steps or thin < 1 or (n_steps - b) // thin < MIN_KEPT:
        raise InputError(
            "n_steps",
            f"keep at least {MIN_KEPT} steps (n_steps={n_steps}, burn={b}, thin={thin})",
        )
    n_pilot = n_steps // 4 if pilot is None else pilot
    if n_pilot < 0 or adapt < 0 or not 0.0 <= independence <= 1.0:
        raise InputError(
            "pilot",
            f"pilot >= 0, adapt >= 0 and 0 <= independence <= 1, got "
            f"{n_pilot}, {adapt}, {independence}",
        )
    rounds = [n_pilot // 2] * adapt if n_pilot >= 4 else []
    return nw, b, n_pilot, rounds


def planned_bytes(problem: Problem, **options: Any) -> tuple[float, str]:
    """The estimate :func:`sample_posterior` checks before any work with these
    ``options`` (its keyword arguments, its defaults for the others) and what it is for:
    a command adds its own memory to it (``forceratio calibrate``)."""
    a, nw, b, total = _planned(problem, options)
    n_steps = a["n_steps"]
    estimate = sampling_bytes(problem, nw, total - n_steps, n_steps, b, a["thin"])
    return estimate, f"{nw:,} walkers x {total:,} steps"


def planned_steps(problem: Problem, **options: Any) -> tuple[int, int]:
    """The walkers (even) and the steps over every stage (pilot, adaptation rounds, main
    run: the ``total`` of ``progress``) that :func:`sample_posterior` runs with these
    ``options``, checked as it checks them: what a run's time scales with."""
    _, nw, _, total = _planned(problem, options)
    return nw, total


def _planned(problem: Problem, options: dict[str, Any]) -> tuple[dict[str, Any], int, int, int]:
    """:func:`sample_posterior`'s arguments with ``options`` (its defaults for the rest),
    checked (:func:`_plan`): the arguments, the walkers, the burn-in, the steps in all."""
    import inspect

    args = inspect.signature(sample_posterior).bind(problem, **options)
    args.apply_defaults()
    a = args.arguments
    nw, b, n_pilot, rounds = _plan(
        problem, a["n_walkers"], a["n_steps"], a["burn"], a["thin"], a["pilot"], a["adapt"],
        a["independence"],
    )  # fmt: skip
    return a, nw, b, n_pilot + sum(rounds) + a["n_steps"]


def sample_posterior(
    problem: Problem,
    *,
    n_walkers: int | None = None,
    n_steps: int = 2000,
    burn: int | None = None,
    thin: int = 1,
    n_starts: int = 4,
    seed: Seed = 0,
    progress: Callable[[int, int], None] | None = None,
    pilot: int | None = None,
    adapt: int = 1,
    independence: float = 0.8,
    max_components: int = 8,
    probit: bool = True,
    df: float = 10.0,
) -> CalibrationResult:
    """Sample the posterior; the residuals are taken at the marginal posterior medians.

    n_walkers : even, at least 2k + 2 (default max(32, 2k + 2) rounded up to even).
    n_steps, burn, thin : the main stage's steps, the first ``burn`` dropped (default half
    of ``n_steps``), one step in ``thin`` kept; ``posterior_draws`` = walkers x
    (n_steps - burn) / thin.  pilot : steps of the ensemble-move pilot (default
    ``n_steps // 4``; 0: no fitted proposal, the ensemble moves for the whole run).  adapt :
    rounds of ``pilot // 2`` steps that refit the proposal.  independence : the share of
    steps that are independence proposals once a mixture is fitted.  max_components : of
    the mixture (chosen by BIC).  df : the degrees of freedom of the proposal's t
    components (:func:`.mixture.proposal`; smaller: heavier tails).  probit : the walkers
    move bounded parameters on the probit scale (:class:`Coordinates`; False: the logit
    scale of the priors' own transforms).  progress : called as ``progress(step, total)`` every
    :data:`PROGRESS_EVERY` steps over all stages (a script's progress line; nothing here
    prints).  The diagnostics are the main stage's.
    """
    nw, b, n_pilot, rounds = _plan(
        problem, n_walkers, n_steps, burn, thin, pilot, adapt, independence
    )  # fmt: skip
    k, total = len(problem.free), n_pilot + sum(rounds) + n_steps
    check_memory(
        "n_walkers x n_steps",
        sampling_bytes(problem, nw, total - n_steps, n_steps, b, thin),
        f"{nw:,} walkers x {total:,} steps",
    )
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)

    s_mode, s_init, s_emcee, s_summary, s_mix = seed_sequence(seed).spawn(5)
    mode = find_mode(problem, n_starts=n_starts, seed=s_mode)
    cov = laplace_covariance(problem, mode.z)
    coords = Coordinates.of(problem, probit)
    p0 = coords.from_z(_initial_ensemble(problem, mode.z, cov, nw, np.random.default_rng(s_init)))
    state = _emcee().State(p0, log_prob=coords.log_posterior(p0))
    state.random_state = np.random.RandomState(s_emcee.generate_state(1)[0]).get_state()
    rng_mix = np.random.default_rng(s_mix)
    moves = _ensemble_moves()
    q: Mixture | None = None
    warm: list[FloatArray] = []  # every warm-up stage's chain, (steps, walkers, k)
    for n in [n_pilot, *rounds]:
        if n == 0:
            continue
        sampler = _stage(coords, state, moves, n, tick)
        state = sampler.get_last_sample()
        warm.append(np.asarray(sampler.get_chain()))
        q = _fit_proposal(np.concatenate(warm), rng_mix, max_components, df)
        if q is not None:
            moves = [
                (independence_move(q), independence),
                (_emcee().moves.DEMove(), 1 - independence),
            ]
    sampler = _stage(coords, state, moves, n_steps, tick)
    every = np.asarray(sampler.get_chain(discard=b))  # (steps, walkers, k), not thinned
    full = problem.constrain(coords.to_z(every.reshape(-1, k))).reshape(every.shape)
    ychain, chain = every[thin - 1 :: thin], full[thin - 1 :: thin]  # = get_chain(thin=thin)
    diagnostics = diagnose(
        full,
        problem.names,
        np.asarray(sampler.acceptance_fraction),
        n_steps,
        b,
        thin,
        warmup=total - n_steps,
        components=0 if q is None else q.weights.size,
    )
    draws = chain.reshape(-1, k)
    lp = np.asarray(sampler.get_log_prob(discard=b, thin=thin)).reshape(-1)
    lp = lp - coords.log_jacobian(ychain.reshape(-1, k))  # the density of z, not of y
    best = max(float(lp.max()), mode.log_posterior)
    return summarise(
        problem,
        method="mcmc",
        draws=draws,
        point=np.median(draws, axis=0),
        map_point=mode.theta,
        log_posterior_max=best,
        seed=s_summary,
        diagnostics=diagnostics,
    )

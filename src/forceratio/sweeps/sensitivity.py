"""Sobol sensitivity indices and outcome thresholds of a scenario.

Sensitivity: Saltelli 2010 first-order and Jansen total-order Sobol indices on independent
scrambled Sobol replicates, intervals from the spread between replicates
(:mod:`forceratio.sweeps.sobol_indices`); a replicate's model evaluations go through the
vectorised engine in one batch.

A threshold is the value of one parameter at which an outcome crosses a level: by default
where the winner flips, the winner under the outcome rule (the same as every other
consumer's: :attr:`~forceratio.scenarios.run.Outcome.winner`), as the attacker's win
probability against 0.5 (0 or 1 per deterministic run; with replications estimated with
common random numbers: every value, on the grid and in the bisection, runs the same
streams, those of a sweep's first sample).  It is bracketed on a grid, then refined by
bisection on the grid's bracket (Brent's method for a continuous outcome column).  A
deterministic grid is evaluated in one batch; with replications each grid value is a
batch of its own (a batch's sample i runs the streams of key i: one batch would give
every value other streams).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

from forceratio.errors import InputError
from forceratio.limits import ANALYSIS_BLOCK, analysis_bytes
from forceratio.scenarios.outcome import outcome_columns
from forceratio.seeds import generator
from forceratio.sweeps.design import Design, Vary, declared
from forceratio.sweeps.evaluate import (
    LABELS,
    OUTCOMES,
    SweepSpec,
    calibration_pairs,
    evaluate,
)
from forceratio.sweeps.sobol_indices import replicated

if TYPE_CHECKING:
    from forceratio.scenarios.session import Session

FloatArray = NDArray[np.float64]
#: Points of the grid a threshold is first bracketed on (evaluated in one batch).
GRID_POINTS = 33
#: Runs an analysis evaluates at once (samples times replications): a Sobol analysis asks
#: for all its d x n cross samples in one call, whose working memory (about 5.4 kB a run,
#: measured) is bounded by running them in blocks; a run's numbers do
#: not depend on its block (sample i runs key i whichever block it is in).
OUTCOME_BLOCK = ANALYSIS_BLOCK


def sobol_bytes(prep: Any, samples: int, d: int) -> float:
    """Estimated memory of :func:`~forceratio.sweeps.sensitivity.sobol` of ``samples`` base
    samples over ``d`` ranges (:func:`~forceratio.limits.analysis_bytes`), for
    ``sensitivity --samples`` and ``plot --kind tornado``: ``samples (d + 2)`` runs kept,
    asked for a replicate at a time and run in blocks of at most
    :data:`~forceratio.limits.ANALYSIS_BLOCK`."""
    from forceratio.scenarios.run import batch_bytes

    runs = samples * (d + 2)
    block, _ = batch_bytes(prep, min(samples * max(d, 1), ANALYSIS_BLOCK))
    return analysis_bytes(block, runs)


#: The outcomes a sensitivity or threshold analysis can average: the numeric columns.
NUMERIC_OUTCOMES: tuple[str, ...] = (*OUTCOMES, "attacker_win_probability")


class ConstantOutcomeError(InputError):
    """The outcome takes one value in every run: its Sobol indices are undefined (0/0)."""


def check_outcome(outcome: str, *, also: tuple[str, ...] = ()) -> None:
    """Refuse, before any run, an ``outcome`` that is not a numeric outcome column (nor
    one of ``also``): a text column (the winner, the deciding rule) has no mean."""
    if outcome in NUMERIC_OUTCOMES or outcome in also:
        return
    choices = (f"{' or '.join(also)} or one of " if also else "one of ") + ", ".join(
        NUMERIC_OUTCOMES
    )
    if outcome in LABELS:
        raise InputError("outcome", f"{outcome!r} is not numeric; choose {choices}")
    raise InputError("outcome", f"unknown outcome {outcome!r}; choose {choices}")


def outcome_values(
    spec: SweepSpec, values: Mapping[str, FloatArray], outcome: str, *, first: int = 0
) -> FloatArray:
    """One value of ``outcome`` per sample of ``values`` (path -> (n,)), sample i on the
    random streams of key ``first + i`` (as in a batch from ``first``), run in one batch:
    an outcome column averaged over the replications, or ``attacker_win_probability``
    (the share of runs the attacker wins).  Used by the Sobol, Morris and threshold
    analyses; an outcome that is not numeric is refused before the run."""
    check_outcome(outcome)
    n = len(next(iter(values.values())))
    step = max(1, OUTCOME_BLOCK // max(spec.replications, 1))
    parts = []
    for lo in range(0, n, step):  # in blocks, each its own keys (lo..hi-1): as one batch
        hi = min(n, lo + step)
        at = {k: v[lo:hi] for k, v in values.items()}
        out, _ = evaluate(spec, first + lo, first + hi, samples=at)
        cols = outcome_columns(out)
        name = "attacker_wins" if outcome == "attacker_win_probability" else outcome
        parts.append(np.asarray(cols[name], dtype=float).mean(axis=1))
    mean: FloatArray = np.concatenate(parts)
    return mean


def common_values(spec: SweepSpec, path: str, xs: FloatArray, outcome: str) -> FloatArray:
    """:func:`outcome_values` at each value ``xs`` (n,) of ``path``, every value on the
    same random streams (common random numbers): those of sample 0, which a batch gives
    its first sample only (sample i runs key i), so with replications each value is run
    as a batch of one; a deterministic run has no streams and takes one batch."""
    if spec.replications == 0:
        return outcome_values(spec, {path: xs}, outcome)
    return np.array(
        [outcome_values(spec, {path: xs[i : i + 1]}, outcome)[0] for i in range(xs.size)]
    )


def check_open(vary: Sequence[Vary]) -> None:
    """Refuse a range with nothing in it (lo == hi): an analysis varies every parameter."""
    for v in vary:
        if v.high <= v.low:
            raise InputError("vary", f"{v.path}: needs lo < hi")


def check_finite(y: FloatArray, outcome: str = "the outcome") -> FloatArray:
    """``y`` (an outcome's values over runs) when every value is finite; else refused in
    one line saying in how many runs it is not."""
    bad = int((~np.isfinite(y)).sum())
    if bad:
        raise InputError("outcome", f"{outcome} is not finite in {bad:,} of {y.size:,} runs")
    return y


def sobol(
    spec: SweepSpec,
    vary: Sequence[Vary],
    *,
    samples: int,
    outcome: str = "attacker_margin",
    seed: int = 0,
) -> list[dict[str, Any]]:
    """First- and total-order indices with 95% intervals, one dict per parameter: the
    ``samples`` base samples split into independent scrambled replicates
    (:func:`~forceratio.sweeps.sobol_indices.replicated`), each replicate's runs on keys of
    their own."""
    if len(vary) < 2:
        raise InputError("vary", "sensitivity needs at least two varied parameters")
    if samples < 8 or samples & (samples - 1):
        raise InputError("samples", f"must be a power of 2 >= 8 (Sobol), got {samples}")
    check_open(vary)

    def func(x: FloatArray, first: int) -> FloatArray:
        values = {v.path: x[:, j] for j, v in enumerate(vary)}
        return check_finite(outcome_values(spec, values, outcome, first=first), outcome)

    rng = generator(seed, "sobol_sample")
    low, high = [v.low for v in vary], [v.high for v in vary]
    res, y = replicated(func, low, high, samples, rng)
    if np.ptp(y) == 0:  # no variance to apportion: every index is 0/0, not 0
        raise ConstantOutcomeError(
            "outcome",
            f"{outcome} is {y.flat[0]:g} in every one of the {y.size:,} runs: it does not vary "
            "over these ranges, so its Sobol indices are undefined; choose an outcome that varies",
        )
    return [
        {
            "parameter": v.path,
            "S1": float(res.first[j]),
            "S1_ci": [float(res.first_ci[0, j]), float(res.first_ci[1, j])],
            "ST": float(res.total[j]),
            "ST_ci": [float(res.total_ci[0, j]), float(res.total_ci[1, j])],
        }
        for j, v in enumerate(vary)
    ]


def declared_sobol(
    session: Session,
    scenario: str,
    *,
    sets: tuple[str, ...] = (),
    samples: int = 256,
    outcome: str = "attacker_margin",
    seed: int = 0,
) -> list[dict[str, Any]]:
    """:func:`sobol` over every range the scenario declares in ``[uncertainty]``, with the
    session's tables and calibration (the data of the tornado figure)."""
    prep = session.prepare(scenario, sets)
    vary = declared(prep.scenario.uncertainty)
    spec = SweepSpec(
        scenario,
        Design("random", (), 1, seed),
        tuple(sets),
        tuple(sorted(session.tables.items())),
        calibration_pairs(session, prep),
    )
    return sobol(spec, vary, samples=samples, outcome=outcome, seed=seed)


@dataclass(frozen=True)
class Threshold:
    parameter: str
    outcome: str
    level: float
    value: float | None
    bracket: tuple[float, float] | None
    grid: list[tuple[float, float]]
    note: str
    value_se: float | None = None
    """Monte Carlo standard error of ``value`` (stochastic runs only), from the share's
    local slope: see :func:`crossing_se`; None from one replication (a share of 0 or 1: no
    error to give)."""


def threshold(
    spec: SweepSpec,
    vary: Vary,
    *,
    outcome: str = "winner",
    level: float | None = None,
    grid_points: int = GRID_POINTS,
    xtol: float = 1e-6,
) -> Threshold:
    """The value of ``vary.path`` in [lo, hi] at which the outcome crosses ``level``."""
    if vary.high <= vary.low:
        raise InputError("vary", f"{vary.path}: needs lo < hi")
    if level is not None and not np.isfinite(level):
        raise InputError("level", f"must be a finite number, got {level}")
    check_outcome(outcome, also=("winner",))
    stochastic = spec.replications > 0
    if outcome == "winner":  # the outcome rule's winner (deterministic: a 0/1 step)
        name, lev = "attacker_win_probability", 0.5
    else:
        if level is None:
            raise InputError("level", f"give the level {outcome} should cross")
        name, lev = outcome, float(level)
    # what is crossed, as reported: without replications a 0/1 win indicator
    said = "attacker_wins" if outcome == "winner" and not stochastic else name
    if level is not None and outcome == "winner":
        if not stochastic:  # a 0/1 step crosses every level at one value: 0.9 would be 0.5's
            raise InputError(
                "level",
                "without replications the winner is a 0/1 step, crossed at the same value "
                "at every level; add replications to find where P(attacker wins) "
                f"crosses {level:g}, or drop the level",
            )
        if not 0 < level < 1:
            raise InputError("level", f"a win probability's level is in (0, 1), got {level:g}")
        if spec.replications == 1:  # the same step: one run a point wins (1) or loses (0)
            raise InputError(
                "level x replications",
                "with 1 replication each grid point's win share is 0 or 1, a step crossed at "
                "the same value at every level; use 2 or more replications to find where "
                f"P(attacker wins) crosses {level:g}, or drop the level",
            )
        lev = float(level)
    xs = np.linspace(vary.low, vary.high, grid_points)
    ys = common_values(spec, vary.path, xs, name) - lev
    grid = [(float(x), float(y + lev)) for x, y in zip(xs, ys, strict=True)]
    sign = np.sign(ys)
    idx = np.flatnonzero(sign[:-1] * sign[1:] <= 0)
    if idx.size == 0:
        note = (
            f"no crossing on the {grid_points}-point grid (a flip and back between two "
            "neighbouring points would not show)"
        )
        return Threshold(vary.path, said, lev, None, None, grid, note)
    i = int(idx[0])
    a, b = float(xs[i]), float(xs[i + 1])
    if ys[i] == 0:
        return Threshold(vary.path, said, lev, a, (a, a), grid, "exact grid point")

    def f(x: float) -> float:
        return float(common_values(spec, vary.path, np.array([x]), name)[0] - lev)

    if name == "attacker_win_probability":  # a step (or a noisy share): bisect
        value = bisect(f, a, b, float(ys[i]), xtol)
        runs = "1 replication" if spec.replications == 1 else f"{spec.replications} replications"
        note = (
            f"win probability from {runs} with common random numbers"
            if stochastic
            else "the winner under the outcome rule"
        ) + "; bisection on the grid bracket"
    else:
        value = float(optimize.brentq(f, a, b, xtol=xtol))
        note = "Brent's method on the first grid bracket"
    se = None
    if spec.replications == 1 and name == "attacker_win_probability":
        note += (
            "; one run per point wins or loses (a share of 0 or 1), so the value is where "
            "one random run flips and no Monte Carlo error can be given: add replications"
        )
    elif stochastic and name == "attacker_win_probability":
        se = crossing_se(f, xs, ys, value, lev, spec.replications, tol=1e-4 * (b - a))
        if se is None:
            note += "; no Monte Carlo standard error (the share never leaves the level's band)"
        else:
            note += (
                f"; Monte Carlo standard error {se:.2g} (where the share crosses the level "
                f"+- {SE_Z:g} binomial errors, the half-distance / {SE_Z:g})"
            )
    more = crossings(sign) - 1
    if more:
        note += f"; {more} more crossing(s) on the grid"
    return Threshold(vary.path, said, lev, value, (a, b), grid, note, se)


def crossings(sign: FloatArray) -> int:
    """How many times a grid's signs (of outcome - level) cross 0: each change of sign
    between neighbours, and each run of grid points exactly at the level once (the two
    brackets either side of such a point share one crossing, not two)."""
    zero = sign == 0
    runs = int(zero[0]) + int(np.count_nonzero(zero[1:] & ~zero[:-1]))
    return runs + int(np.count_nonzero(sign[:-1] * sign[1:] < 0))


#: The normal quantile of the band :func:`crossing_se` measures the share's slope over
#: (the order statistics of McKean & Schrader 1984's standard error of a median).
SE_Z = 1.96


def bisect(f: Callable[[float], float], lo: float, hi: float, f_lo: float, xtol: float) -> float:
    """Where ``f`` changes sign in [lo, hi] (``f_lo = f(lo)``, of the other sign than
    ``f(hi)`` or 0 there), to ``xtol`` (or 1e-9 relative); ``f`` may be a step."""
    while hi - lo > max(xtol, 1e-9 * abs(hi)):
        mid = 0.5 * (lo + hi)
        fm = f(mid)
        if np.sign(fm) == np.sign(f_lo) and fm != 0:
            lo, f_lo = mid, fm
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _shifted(f: Callable[[float], float], shift: float, x: float) -> float:
    return f(x) - shift


def crossing_se(
    f: Callable[[float], float],
    xs: FloatArray,
    ys: FloatArray,
    value: float,
    level: float,
    replications: int,
    *,
    tol: float,
) -> float | None:
    """Monte Carlo standard error of where a win share over ``replications`` runs (common
    random numbers) crosses ``level``: the share is the fraction of replications whose own
    flip lies below x, so the crossing is a quantile of those flips, whose error is the
    binomial error of the share, s = sqrt(level (1 - level) / replications), over the
    share's slope AT the crossing.  The slope is read where the share crosses
    ``level +- SE_Z s`` (bisection from the grid ``xs``, ``ys = share - level``, to
    ``tol``): the standard error is that distance / (2 SE_Z) (McKean & Schrader 1984 for a
    median), or the one side's distance / SE_Z when the other level is never crossed; None
    when neither is.  A slope across the whole grid bracket underestimates a steep flip's
    slope and so overstated the error about tenfold."""
    band = SE_Z * math.sqrt(level * (1.0 - level) / replications)
    sides = []
    for shift in (band, -band):
        g = ys - shift
        idx = np.flatnonzero(np.sign(g[:-1]) * np.sign(g[1:]) <= 0)
        if idx.size == 0:
            continue
        # the bracket nearest the crossing found (another crossing far away is not the slope)
        j = int(idx[np.argmin(np.abs(0.5 * (xs[idx] + xs[idx + 1]) - value))])
        lo, hi = float(xs[j]), float(xs[j + 1])
        x = lo if g[j] == 0 else bisect(functools.partial(_shifted, f, shift), lo, hi, g[j], tol)
        sides.append(abs(x - value))
    if not sides:
        return None
    return sum(sides) / (len(sides) * SE_Z)

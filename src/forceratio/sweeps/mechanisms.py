"""Which mechanism carries a scenario's answer over the posterior, and what would flip it.

Two samples, every run through the engine with the outcome rule: a *crossed* one, ``M``
points of the scenario's declared assumptions (a scrambled Sobol design over their ranges,
uniform) x ``N`` draws of the whole-record posterior of the shared parameters
(:mod:`.posterior`), and a *joint* one, each run an independent draw of both (a Latin
hypercube over the assumptions paired with posterior draws).  The posterior's parameters
are *dependent* (one joint draw each), so the indices use estimators valid for dependent
inputs:

- **groups** (:func:`crossed_groups`): the first-order Sobol index of the posterior as one
  group, of the assumptions as one group, and their interaction, by the two-way
  random-effects analysis of variance of the crossed table (the groups are independent of
  each other; inside a group any dependence is allowed).  With mean squares ``MS_A``
  (between assumption points), ``MS_B`` (between draws) and ``MS_AB`` (residual):
  ``V_A = (MS_A - MS_AB) / N``, ``V_B = (MS_B - MS_AB) / M``, ``V_AB = MS_AB``, each
  over their sum (Saltelli et al. 2008, sec. 1.2.15 for group indices).
- **per parameter** (:func:`first_order`, on the joint sample): the first-order index
  ``Var(E[Y|X_k]) / Var(Y)`` from the given data: ``E[Y|X_k]`` estimated by regressing
  ``Y`` on ``X_k`` over the sample (Strong, Oakley & Brennan 2014, Med. Decis. Making
  34:311-326, there with a GAM), here a cubic regression spline with knots at equiprobable
  quantiles of ``X_k``, its explained variance corrected for the noise its terms absorb
  (the adjusted R^2), and a 95% interval of +- 1.96 bootstrap standard deviations.  The
  binned correlation ratio used before 5 December 2026 (Plischke 2010's equiprobable bins, the
  same small-sample correction) lost the variance of ``E[Y|X_k]`` inside each bin: Ishigami's
  S2 0.433 for 0.442 at 2,048 runs, its interval covering in 50 of 60 draws.
  With dependent inputs it counts what ``X_k`` carries with its correlated partners, so
  the indices need not sum to at most 1.  No total-order indices are given per posterior
  parameter: the Saltelli/Jansen estimators assume independent inputs.

The outcomes decomposed: by default whether the attacker wins (an indicator: its mean is
P(attacker wins)), log10 of the loss exchange ratio, and an indicator per outcome rule that
decided some runs but not all; or the one outcome asked (any numeric outcome column, or one
of those three: :func:`outcome_of`).  *What would flip the answer*: PRIM boxes
(:func:`~forceratio.sweeps.discover.prim`) over the joint runs for the opposite of the
majority answer, the smallest box's mass at most half the share of flipped runs.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from forceratio.errors import InputError
from forceratio.seeds import generator, stream

if TYPE_CHECKING:
    from forceratio.scenarios.session import Session
    from forceratio.sweeps.discover import Box

FloatArray = NDArray[np.float64]
MAX_INTERVALS = 32
#: The crossing behind the group shares: (assumption points, posterior draws).
CROSSED = (32, 32)
#: The standard normal's 97.5% point.
Z95 = 1.959963984540054


def spline_basis(x: FloatArray, n_intervals: int) -> FloatArray:
    """The regression basis for ``E[y | x]`` over one input ``x`` (n,), shape (n, p): cubic
    B-splines whose knots are the edges of ``n_intervals`` equiprobable intervals of ``x``
    (ties merged); an input with at most ``n_intervals + 3`` distinct values gets one
    indicator per value instead (its conditional means then exact)."""
    from scipy.interpolate import BSpline

    x = np.asarray(x, dtype=float)
    edges = np.quantile(x, np.linspace(0.0, 1.0, n_intervals + 1))
    lo, hi = edges[0], edges[-1]
    inner = np.unique(edges[1:-1])
    inner = inner[(inner > lo) & (inner < hi)]
    values, which = np.unique(x, return_inverse=True)
    if values.size <= n_intervals + 3:
        return np.eye(values.size)[which]
    knots = np.r_[[lo] * 4, inner, [hi] * 4]
    return np.asarray(BSpline.design_matrix(x, knots, 3).toarray())


def default_intervals(n_runs: int) -> int:
    """:func:`spline_bases`' intervals for ``n_runs`` runs: sqrt(n)/2 within
    4..:data:`MAX_INTERVALS`."""
    return int(np.clip(np.sqrt(n_runs) / 2.0, 4, MAX_INTERVALS))


def spline_bases(x: FloatArray, n_intervals: int | None = None) -> list[FloatArray]:
    """:func:`spline_basis` of each column of ``x`` (n, d); ``n_intervals`` defaults to
    sqrt(n)/2 within 4..:data:`MAX_INTERVALS`."""
    x = np.asarray(x, dtype=float)
    k = n_intervals or default_intervals(x.shape[0])
    return [spline_basis(x[:, j], k) for j in range(x.shape[1])]


def explained(basis: FloatArray, y: FloatArray, weights: FloatArray) -> FloatArray:
    """The first-order index of each outcome column of ``y`` (n, m) on the input whose
    ``basis`` (n, p) is given, once per row of ``weights`` (r, n: how often each run counts,
    ones for the sample itself, counts for a bootstrap resample), shape (r, m), unclipped:
    ``(SSR - noise) / SST`` of the least-squares fit of ``y`` on the basis, ``noise`` the
    noise variance the fit absorbs (``(q - 1) MSE`` for a constant noise, q the rank: the
    adjusted R^2), here from each run's residual; NaN where ``y`` does not vary."""
    from scipy import sparse

    y = np.asarray(y, dtype=float)
    y = y - y.mean(axis=0)  # a constant column is then exactly 0
    (n_runs, p), r, m = basis.shape, weights.shape[0], y.shape[1]
    # a spline basis has 4 terms per run: sparse products, and no small dense BLAS calls
    # (slow when their threads compete with other work)
    splines = sparse.csr_array(basis)
    nz = sparse.csr_array((basis != 0).astype(float))
    rows, cols = np.nonzero(np.triu((nz.T @ nz).toarray() > 0))  # the Gram's pattern
    pairs = sparse.csr_array(basis[:, rows] * basis[:, cols])
    gram = np.zeros((r, p, p))
    g = (pairs.T @ weights.T).T
    gram[:, rows, cols] = g
    gram[:, cols, rows] = g
    ev, vec = np.linalg.eigh(gram)
    keep = ev > ev[:, -1:] * 1e-9
    inv = np.where(keep, 1.0 / np.where(keep, ev, 1.0), 0.0)
    n = weights.sum(axis=1)[:, None]
    sy = np.einsum("rn,nm->rm", weights, y)
    sst = np.einsum("rn,nm->rm", weights, y * y) - sy**2 / n
    wy = (weights.T[:, :, None] * y[:, None, :]).reshape(n_runs, r * m)
    by = (splines.T @ wy).reshape(p, r, m).transpose(1, 0, 2)
    pinv = np.einsum("rpq,rsq->rps", vec * inv[:, None, :], vec)
    beta = np.einsum("rps,rsm->rpm", pinv, by)
    ssr = (by * beta).sum(axis=1) - sy**2 / n  # the constant is in the span
    # the noise the fit absorbs, sum_i (h_i - 1/n) sigma_i^2, with each run's own residual
    # e_i^2 / (1 - h_i) for sigma_i^2 (h_i its leverage): (q - 1) sigma^2 for a constant
    # sigma, and still right when it varies with x (the splines are local)
    lev = (pairs @ (pinv[:, rows, cols] * np.where(rows == cols, 1.0, 2.0)).T).T
    share = weights * (lev - 1.0 / n) / np.maximum(1.0 - lev, 1e-12)
    fit = (splines @ beta.transpose(1, 0, 2).reshape(p, r * m)).reshape(n_runs, r, m)
    noise = np.einsum("rn,nrm->rm", share, (y[:, None, :] - fit) ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sst > 0.0, (ssr - noise) / np.where(sst > 0, sst, 1.0), np.nan)


def first_order_fitted(bases: Sequence[FloatArray], y: FloatArray) -> FloatArray:
    """:func:`first_order` from the :func:`spline_bases` already computed, of each outcome
    column of ``y`` (n, m), shape (d, m); of ``y`` (n,), shape (d,)."""
    y = np.asarray(y, dtype=float)
    yy = y.reshape(y.shape[0], -1)
    ones = np.ones((1, yy.shape[0]))
    out = np.clip(np.vstack([explained(b, yy, ones) for b in bases]), 0.0, 1.0)
    return out[:, 0] if y.ndim == 1 else out


def first_order(x: FloatArray, y: FloatArray, n_intervals: int | None = None) -> FloatArray:
    """Given-data first-order indices ``Var(E[y|x_k]) / Var(y)``, one per column of ``x``
    (n, d), from runs drawn independently from the joint distribution of the inputs
    (dependent columns allowed): ``E[y|x_k]`` a cubic regression spline (:func:`spline_basis`),
    its explained variance corrected for the noise it absorbs (:func:`explained`); NaN when
    ``y`` does not vary."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 2 or x.shape[0] != y.size or y.size < 16:
        raise InputError("x", "need at least 16 runs, one value per column of x")
    return np.asarray(first_order_fitted(spline_bases(x, n_intervals), y))


def crossed_groups(y: FloatArray) -> dict[str, float]:
    """The variance shares of a crossed table ``y`` (M points, N draws): ``assumptions``
    (rows), ``posterior`` (columns) and ``interaction`` (the rest), from the two-way
    random-effects analysis of variance; NaN when ``y`` does not vary."""
    from forceratio.sweeps.probability import mean_squares

    ms_a, ms_b, ms_ab = mean_squares(y)
    m, n = np.shape(y)
    v = {
        "assumptions": max(0.0, (ms_a - ms_ab) / n),
        "posterior": max(0.0, (ms_b - ms_ab) / m),
        "interaction": ms_ab,
    }
    total = sum(v.values())
    if total <= 0.0:
        return dict.fromkeys(v, float("nan"))
    return {k: val / total for k, val in v.items()}


#: Resample weights per bootstrap batch (resamples x runs): 4 MB of weights.
BOOT_BATCH = 500_000
#: Outcome columns at most in a default decomposition (:func:`outcomes`): the win, the
#: loss-exchange ratio and one per deciding rule (break, annihilation, captured, depth,
#: attrition margin).
MAX_OUTCOMES = 7


def bootstrap_bytes(n_runs: int, n_outcomes: int = MAX_OUTCOMES, n_resamples: int = 100) -> int:
    """Working memory of :func:`_bootstrap`'s batch: a batch's weights times the outcome
    columns, 8 B a value, in about three arrays of :func:`explained` live at once (the
    weighted outcomes, the fit and its squared residuals) plus three of the weights' size
    (weights, leverages, shares).  Measured (VmHWM less RssFile's growth, 2026-12-05,
    default --posterior of strike-12june-strip, 7 outcome columns): the bootstrap lifted the
    peak 87 MB above the resident memory before it at 5,000 runs and 102 MB at 20,000, 5 and
    21 MB of it :func:`explained`'s per-run products; 96 MB here.  A batch is
    ``n_resamples`` resamples' weights, at most :data:`BOOT_BATCH` (one resample at
    least): 200,000 at 2,000 runs, where 500,000 were counted before."""
    batch = max(n_runs, min(BOOT_BATCH, n_runs * n_resamples))  # weights of a batch
    return 8 * batch * (3 * n_outcomes + 3)


def bases_bytes(n_runs: int, n_inputs: int) -> int:
    """Memory of :func:`decompose`'s regression bases, kept to its end: each of ``n_inputs``
    inputs' :func:`spline_basis` (8 B a run and term, :func:`default_intervals` + 3 terms).
    strike-12june-strip's 31 inputs: 41 MB at 5,000 runs (35 terms); the resident memory
    grew 30 MB at 5,000, 117 MB at 20,000 and 235 MB at 40,000 runs (part of it the runs'
    freed memory reused), and :func:`first_order_fitted` lifted the peak 15, 65 and 135 MB
    above them (measured as :func:`bootstrap_bytes`).  With them the command's estimate is
    0.97, 0.98 and 1.12 of its peak at 2,000, 5,000 and 20,000 runs (0.88-1.43 without)."""
    terms = default_intervals(n_runs) + 3
    return 8 * n_runs * terms * n_inputs


def _bootstrap(
    bases: Sequence[FloatArray], y: FloatArray, rng: np.random.Generator, n_resamples: int
) -> FloatArray:
    """95% intervals of the indices of each outcome column of ``y`` (n, m), shape (2, d, m):
    the estimate +- 1.96 bootstrap standard deviations (resampling runs, the knots held),
    clipped to [0, 1].  Not the bootstrap's percentiles: a resample repeats runs, which
    lifts every index (an artefact of the repeats: the estimate's mean error is under an
    eighth of the half-width on the tested functions), and their tails, read from 100
    resamples, covered less often (91-94% against 93-96% over 300 draws at 2,048 runs)."""
    n = y.shape[0]
    ones = np.ones((1, n))
    est = np.stack([explained(b, y, ones)[0] for b in bases])
    boot = np.empty((n_resamples, len(bases), y.shape[1]))
    step = max(1, BOOT_BATCH // n)  # resamples per batch: their weights at most 4 MB
    for start in range(0, n_resamples, step):
        k = min(step, n_resamples - start)
        rows = np.repeat(np.arange(k) * n, n) + rng.integers(0, n, k * n)
        weights = np.bincount(rows, minlength=k * n).reshape(k, n).astype(float)
        for j, b in enumerate(bases):
            boot[start : start + k, j] = explained(b, y, weights)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an index NaN in every resample
        sd = np.nanstd(boot, axis=0, ddof=1)
    return np.asarray(np.clip(np.stack([est - Z95 * sd, est + Z95 * sd]), 0.0, 1.0))


def outcomes(df: pd.DataFrame) -> dict[str, FloatArray]:
    """The decomposed outcomes of a run table: ``attacker_wins`` (0/1),
    ``log10_loss_exchange_ratio`` (left out when it is not finite in every run) and
    ``decided_by=RULE`` (0/1) for each rule that decided some runs but not all."""
    out = {"attacker_wins": _values(df, "attacker_wins")}
    ler = _values(df, "log10_loss_exchange_ratio")
    if np.all(np.isfinite(ler)):
        out["log10_loss_exchange_ratio"] = ler
    for rule in sorted(set(df["decided_by"].astype(str))):
        hit = _values(df, f"decided_by={rule}")
        if 0.0 < hit.mean() < 1.0:
            out[f"decided_by={rule}"] = hit
    return out


def _values(df: pd.DataFrame, outcome: str) -> FloatArray:
    """The values of ``outcome`` per run of the run table ``df``, unchecked: NaN where the
    log10 of a loss exchange ratio that is not positive is asked."""
    if outcome in ("attacker_wins", "attacker_win_probability"):  # one run: 0 or 1
        y = df["attacker_wins"].to_numpy(dtype=float)
    elif outcome == "log10_loss_exchange_ratio":
        ler = df["loss_exchange_ratio"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.where(ler > 0, np.log10(np.where(ler > 0, ler, 1.0)), np.nan)
    elif outcome.startswith("decided_by="):
        y = (df["decided_by"].astype(str).to_numpy() == outcome.partition("=")[2]).astype(float)
    else:
        y = df[outcome].to_numpy(dtype=float)
    return y


#: The per-run outcomes :func:`outcome_of` derives beyond the numeric columns.
DERIVED = ("attacker_wins", "log10_loss_exchange_ratio", "decided_by=RULE")


def check_outcome(outcome: str) -> None:
    """Refuse, before any run, an ``outcome`` :func:`outcome_of` cannot compute: a numeric
    outcome column, one of :data:`DERIVED` (RULE one of the outcome rules) is needed."""
    from forceratio.scenarios.operations import RULES
    from forceratio.sweeps.sensitivity import check_outcome as check_numeric

    if outcome.startswith("decided_by="):
        if outcome.partition("=")[2] not in RULES:
            raise InputError(
                "outcome", f"unknown rule in {outcome!r}; choose one of {', '.join(RULES)}"
            )
        return
    check_numeric(outcome, also=DERIVED)


def outcome_of(df: pd.DataFrame, outcome: str) -> FloatArray:
    """The values of ``outcome`` (see :func:`check_outcome`), one per run of the run table
    ``df``; an outcome that is not finite in some run is refused in one line."""
    from forceratio.sweeps.sensitivity import check_finite

    check_outcome(outcome)
    return check_finite(_values(df, outcome), outcome)


@dataclass(frozen=True)
class Decomposition:
    """The analysis of one crossed table (see the module docstring)."""

    parameters: tuple[str, ...]
    kinds: tuple[str, ...]  # "assumption" or "posterior", per parameter
    groups: dict[str, dict[str, float]]  # outcome -> group -> share
    indices: list[dict[str, Any]]  # one per (outcome, parameter)
    p_attacker_wins: float
    p_attacker_wins_ci: tuple[float, float]
    decided_by: dict[str, float]
    runs: int
    flip_outcome: str = ""
    flip_words: str = ""
    flip_runs: int = 0
    flips: list[Box] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "p_attacker_wins": self.p_attacker_wins,
            "p_attacker_wins_ci": list(self.p_attacker_wins_ci),
            "decided_by": self.decided_by,
            "groups": [{"outcome": k, **v} for k, v in self.groups.items()],
            "indices": self.indices,
            "flip": {
                "outcome": self.flip_outcome,
                "in_words": self.flip_words,
                "runs": self.flip_runs,
                "boxes": [b.to_json() for b in self.flips],
            },
        }


def decompose(
    crossed: pd.DataFrame,
    joint: pd.DataFrame,
    assumptions: Sequence[str],
    posterior: Sequence[str],
    *,
    seed: int = 0,
    n_resamples: int = 100,
    prim_options: dict[str, Any] | None = None,
    outcome: str | None = None,
) -> Decomposition:
    """The group shares from the ``crossed`` run table (columns ``point``, ``sample`` and
    the outcomes), the per-parameter indices, P(attacker wins) and the boxes where the
    answer flips from the ``joint`` one (one run per independent draw of the assumptions
    and the posterior).  The shares and indices are those of ``outcome``
    (:func:`outcome_of`), or by default of :func:`outcomes`."""
    from forceratio.calibration import probability_interval
    from forceratio.sweeps.discover import discover

    params = [*assumptions, *[p for p in posterior if joint[p].nunique() > 1]]
    kinds = ("assumption",) * len(assumptions) + ("posterior",) * (len(params) - len(assumptions))
    bases = spline_bases(joint[params].to_numpy(dtype=float))
    rng = generator(seed, "mechanisms_bootstrap")
    by_sample = crossed.sort_values("sample", kind="stable")
    if outcome is None:
        outs, tables = outcomes(joint), outcomes(by_sample)
    else:
        outs = {outcome: outcome_of(joint, outcome)}
        tables = {outcome: outcome_of(by_sample, outcome)}
    groups: dict[str, dict[str, float]] = {}
    m = int(crossed["point"].nunique())
    for name in outs:
        if name in tables:
            groups[name] = crossed_groups(tables[name].reshape(m, -1))
    ys = np.column_stack(list(outs.values()))
    s1 = first_order_fitted(bases, ys)
    ci = _bootstrap(bases, ys, rng, n_resamples) if n_resamples else np.stack([s1, s1])
    indices = [
        {"outcome": name, "parameter": par, "kind": kinds[j], "S1": float(s1[j, i]),
         "S1_ci": [float(ci[0, j, i]), float(ci[1, j, i])]}
        for i, name in enumerate(outs) for j, par in enumerate(params)
    ]  # fmt: skip
    wins = joint["attacker_wins"].to_numpy(dtype=bool)
    p, lo, hi = probability_interval(int(wins.sum()), int(wins.size))
    rules = joint["decided_by"].astype(str).value_counts(normalize=True).sort_index()
    flip = "defender" if p >= 0.5 else "winner"
    held = ~wins & (joint["winner"].astype(str).to_numpy() != "draw") if p >= 0.5 else wins
    boxes: list[Box] = []
    words = "the defender wins" if p >= 0.5 else "the attacker wins"
    if held.any():
        # a box must be able to hold mostly flipped runs: its smallest mass is at most half
        # the flipped share (PRIM's default 5% would exceed a rarer flip)
        options = {"min_mass": float(np.clip(held.mean() / 2, 0.005, 0.05)), **(prim_options or {})}
        boxes, words, *_ = discover(joint, params, flip, **options)
    return Decomposition(
        tuple(params), kinds, groups, indices, p, (lo, hi),
        {str(k): float(v) for k, v in rules.items()}, len(joint), flip, words,
        int(held.sum()), boxes,
    )  # fmt: skip


def posterior_mechanisms(
    session: Session,
    scenario: str,
    *,
    runs: int = 2048,
    crossed: tuple[int, int] = CROSSED,
    seed: int = 0,
    sets: Sequence[str] = (),
    n_resamples: int = 100,
    prim_options: dict[str, Any] | None = None,
    outcome: str | None = None,
) -> Decomposition:
    """Run ``scenario`` twice in batches and :func:`decompose` the result (of ``outcome``,
    by default of :func:`outcomes`): ``runs`` joint draws (a Latin hypercube over the
    declared assumptions paired with as many posterior draws) and the crossing of
    ``crossed`` = (assumption points, posterior draws)."""
    from forceratio.sweeps.design import Design, declared
    from forceratio.sweeps.evaluate import SweepSpec, calibration_pairs, evaluate_chunk
    from forceratio.sweeps.posterior import PosteriorDraws, record_posterior

    m, n = crossed
    if outcome is not None:
        check_outcome(outcome)  # before any run
    if runs < 16:
        raise InputError("runs", f"need >= 16 joint runs, got {runs}")
    if m < 2 or n < 2:
        raise InputError("crossed", f"need a crossing of >= 2 x 2, got {m} x {n}")
    from forceratio.sweeps.posterior import check_applies

    prep = session.prepare(scenario, sets)
    check_applies(prep)
    result = record_posterior(session)
    names = PosteriorDraws.from_result(result, 1, seed).names
    vary = declared(prep.scenario.uncertainty, names)
    calibration = calibration_pairs(session, prep)

    def spec(design: Design, draws: int, paired: bool, s: int) -> SweepSpec:
        return SweepSpec(
            scenario, design, tuple(sets), tuple(sorted(session.tables.items())), calibration,
            posterior=PosteriorDraws.from_result(result, draws, s), paired=paired,
        )  # fmt: skip

    ss = stream(seed, "mechanisms").generate_state(4)  # the two sub-sweeps' seeds
    joint = spec(Design.make("lhs", vary, runs, int(ss[0])), runs, True, int(ss[1]))
    cross = spec(Design.make("sobol", vary, m, int(ss[2])), n, False, int(ss[3]))
    return decompose(
        evaluate_chunk(cross, 0, cross.runs), evaluate_chunk(joint, 0, joint.runs),
        [v.path for v in vary], names, seed=seed, n_resamples=n_resamples,
        prim_options=prim_options, outcome=outcome,
    )  # fmt: skip

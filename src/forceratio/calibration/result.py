"""The result of a calibration, built the same way for the MAP and the MCMC modes.

:func:`summarise` turns posterior draws into the tables every consumer reads: the
parameters (median, credible intervals, the prior's 95 % range beside them), per-record
residuals at the point estimate, and posterior predictive quantiles per record.  It calls
the model twice (the point, then a batch of draws), and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from forceratio.calibration.contraction import contraction, prior_bound_end
from forceratio.calibration.problem import Problem
from forceratio.limits import model_bytes

FloatArray = NDArray[np.float64]
#: Draws pushed through the model for the predictive quantiles: every kept draw of the shipped
#: posterior (37,200).  With 400 the median of a record moved by about +-1.5 points between
#: subsamples, as much as some records' margins to the 35% target.
N_PREDICTIVE = 40_000
PREDICTIVE_CHUNK = 2_000  # draws per model call (bounds the batch's memory)
PREDICTIVE_Q = {"q025": 0.025, "q05": 0.05, "q50": 0.5, "q95": 0.95, "q975": 0.975}


@dataclass(frozen=True)
class Diagnostics:
    """Sampler diagnostics per fitted parameter (see :mod:`.diagnostics` for formulas)."""

    n_walkers: int
    n_steps: int
    burn: int
    thin: int
    acceptance_fraction: float  # mean over walkers
    acceptance_min: float
    tau: dict[str, float]  # integrated autocorrelation time, in steps
    ess: dict[str, float]  # bulk effective sample size
    rhat: dict[str, float]  # rank-normalised split R-hat (walkers as chains)
    converged: bool
    notes: tuple[str, ...] = ()
    warmup: int = 0  # pilot and adaptation steps before n_steps (not kept)
    components: int = 0  # of the fitted independence proposal (0: ensemble moves only)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_walkers": self.n_walkers,
            "n_steps": self.n_steps,
            "burn": self.burn,
            "thin": self.thin,
            "acceptance_fraction": self.acceptance_fraction,
            "acceptance_min": self.acceptance_min,
            "tau": dict(self.tau),
            "ess": dict(self.ess),
            "rhat": dict(self.rhat),
            "converged": self.converged,
            "notes": list(self.notes),
            "warmup": self.warmup,
            "components": self.components,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Diagnostics:
        return cls(
            int(d["n_walkers"]),
            int(d["n_steps"]),
            int(d["burn"]),
            int(d["thin"]),
            float(d["acceptance_fraction"]),
            float(d["acceptance_min"]),
            {k: float(v) for k, v in d["tau"].items()},
            {k: float(v) for k, v in d["ess"].items()},
            {k: float(v) for k, v in d["rhat"].items()},
            bool(d["converged"]),
            tuple(str(s) for s in d.get("notes", ())),
            int(d.get("warmup", 0)),
            int(d.get("components", 0)),
        )


@dataclass(frozen=True)
class CalibrationResult:
    """Posterior (or Laplace-approximate, for ``method="map"``) draws and their tables.

    names : the fitted parameters (free model parameters, then the likelihood's).
    draws : shape (posterior_draws, len(names)), parameter values (not transformed).
    point : shape (len(names),), where the residuals are taken: the marginal posterior
        medians for "mcmc", the mode for "map".
    map_point : the posterior mode found by the optimiser (in the unconstrained space).
    model_names, fixed : every model parameter in the model's column order, and the
        values of the fixed ones (so draws can be expanded to full model batches).
    parameters : one row per fitted parameter: median, mean, sd, map, ci90_low/high,
        ci95_low/high (equal-tailed credible intervals), prior_low/high (prior 95 %),
        at_prior_bound, prior_bound_end ("low", "high", "low and high" or None: which end
        of the prior's support, :func:`.contraction.prior_bound_end`) and contraction
        (:mod:`.contraction`).
    residuals : one row per record at ``point``: record, kind, group, historical,
        model, relative_error (model / historical - 1), lower_bound, upper_bound, low/high
        (an interval), in_likelihood and reason.
    predictive : one row per record: model_q025/q50/q975 (the model over draws) and
        q025/q05/q50/q95/q975 (with the likelihood's noise, the posterior predictive).
    """

    method: str
    names: tuple[str, ...]
    draws: FloatArray
    point: FloatArray
    map_point: FloatArray
    log_posterior_max: float
    model_names: tuple[str, ...]
    fixed: dict[str, float]
    parameters: pd.DataFrame
    residuals: pd.DataFrame
    predictive: pd.DataFrame
    diagnostics: Diagnostics | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def posterior_draws(self) -> int:
        return int(self.draws.shape[0])

    @property
    def values(self) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.names, self.point, strict=True)}


def _quantiles(x: FloatArray, qs: tuple[float, ...]) -> FloatArray:
    return np.asarray(np.quantile(x, qs, axis=0))


def parameter_table(problem: Problem, draws: FloatArray, map_theta: FloatArray) -> pd.DataFrame:
    q = _quantiles(draws, (0.025, 0.05, 0.5, 0.95, 0.975))
    rows = []
    for j, p in enumerate(problem.free):
        plo, phi = p.prior.interval(0.95)
        end = prior_bound_end(p.prior, q[[2, 0, 4], j])
        rows.append(
            {
                "name": p.name,
                "label": p.label,
                "median": q[2, j],
                "mean": float(draws[:, j].mean()),
                "sd": float(draws[:, j].std(ddof=1)) if draws.shape[0] > 1 else float("nan"),
                "map": float(map_theta[j]),
                "ci90_low": q[1, j],
                "ci90_high": q[3, j],
                "ci95_low": q[0, j],
                "ci95_high": q[4, j],
                "prior_low": plo,
                "prior_high": phi,
                "at_prior_bound": bool(end),
                "prior_bound_end": end or None,
                "contraction": contraction(p.prior, draws[:, j]),
            }
        )
    return pd.DataFrame(rows).set_index("name")


def residual_table(problem: Problem, point: FloatArray) -> pd.DataFrame:
    batch, _ = problem.full(point[None, :])
    model = problem.predict(batch)[0]
    hist = problem.records.values
    return pd.DataFrame(
        {
            "record": problem.records.names,
            "kind": problem.records.kinds,
            "group": [r.group for r in problem.records],
            "historical": hist,
            "model": model,
            "relative_error": model / hist - 1.0,
            "lower_bound": problem.records.lower_bound,
            "upper_bound": problem.records.upper_bound,
            **_reading(problem),
        }
    )


def _reading(problem: Problem) -> dict[str, Any]:
    """The columns saying how each record is read: an interval's ``low``/``high`` (NaN:
    none), ``in_likelihood`` and its ``reason`` (empty when in)."""
    rec = problem.records
    return {
        "low": rec.low,
        "high": rec.high,
        "in_likelihood": rec.in_likelihood,
        "reason": [r.reason for r in rec],
    }


def predictive_bytes(problem: Problem, n_draws: int, batch: int = 0) -> float:
    """Estimated memory of :func:`predictive_table` over ``n_draws`` draws: the model's
    values (four arrays of the draws used, at most :data:`N_PREDICTIVE`, x records: the
    predictions, the noisy ones and two copies) and its largest call, a
    :data:`PREDICTIVE_CHUNK` of the draws (or ``batch`` runs, a caller's larger call), as
    :func:`~forceratio.limits.model_bytes` (124 MB measured at 2,000 draws of the whole
    1941 record's model on 2 threads, 127 MB estimated)."""
    predicted = min(N_PREDICTIVE, n_draws)
    runs = max(batch, min(predicted, PREDICTIVE_CHUNK))
    return 32.0 * predicted * len(problem.records) + model_bytes(runs)


def predictions(problem: Problem, draws: FloatArray) -> Iterator[tuple[FloatArray, FloatArray]]:
    """The model on ``draws`` (n, k), a :data:`PREDICTIVE_CHUNK` of them at a time, in
    order: per chunk the predictions (rows, n_records) and the likelihood's values (rows,
    n_nuis) -- one empty chunk when there are no draws."""
    n = draws.shape[0]
    for i in range(0, n, PREDICTIVE_CHUNK) if n else range(1):
        batch, nuis = problem.full(draws[i : i + PREDICTIVE_CHUNK])
        yield problem.predict(batch), nuis


def predictive_table(problem: Problem, draws: FloatArray, rng: np.random.Generator) -> pd.DataFrame:
    n = min(N_PREDICTIVE, draws.shape[0])
    pick = draws[rng.choice(draws.shape[0], size=n, replace=False)]
    parts = list(predictions(problem, pick))
    pred = np.vstack([p for p, _ in parts])
    nuis = np.concatenate([u for _, u in parts])
    ok = np.all(np.isfinite(pred), axis=1)
    pred, nuis = pred[ok], nuis[ok]
    noisy = problem.likelihood.simulate(pred, problem.records.kinds, nuis, rng)
    mq = _quantiles(pred, (0.025, 0.5, 0.975))
    pq = _quantiles(noisy, tuple(PREDICTIVE_Q.values()))
    table: dict[str, Any] = {
        "record": problem.records.names,
        "historical": problem.records.values,
        "lower_bound": problem.records.lower_bound,
        "upper_bound": problem.records.upper_bound,
        **_reading(problem),
        "model_q025": mq[0],
        "model_q50": mq[1],
        "model_q975": mq[2],
    }
    table.update(zip(PREDICTIVE_Q, pq, strict=True))
    return pd.DataFrame(table)


def summarise(
    problem: Problem,
    *,
    method: str,
    draws: FloatArray,
    point: FloatArray,
    map_point: FloatArray,
    log_posterior_max: float,
    seed: int | np.random.SeedSequence,
    diagnostics: Diagnostics | None = None,
    extra: dict[str, Any] | None = None,
) -> CalibrationResult:
    """Build a :class:`CalibrationResult` from constrained draws (n, k) and a point (k,)."""
    rng = np.random.default_rng(seed)
    fixed = {p.name: p.start for p in problem.parameters if not p.vary}
    return CalibrationResult(
        method=method,
        names=tuple(problem.names),
        draws=np.asarray(draws, dtype=float),
        point=np.asarray(point, dtype=float),
        map_point=np.asarray(map_point, dtype=float),
        log_posterior_max=float(log_posterior_max),
        model_names=tuple(problem.parameters.names),
        fixed=fixed,
        parameters=parameter_table(problem, draws, map_point),
        residuals=residual_table(problem, point),
        predictive=predictive_table(problem, draws, rng),
        diagnostics=diagnostics,
        extra=dict(extra or {}),
    )

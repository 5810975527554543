"""The prior predictive check: what the priors say the records should be, before the data.

Every free parameter of a :class:`~forceratio.calibration.Problem` (the model's and the
likelihood's, from the same priors the calibration uses: ``problem.free``) is drawn from its
prior, the batch model runs once per chunk of draws, and the likelihood's observation model
(:meth:`~forceratio.calibration.Likelihood.simulate`) adds the record's error at the drawn
error scale.  Per record this gives the prior predictive distribution of the figure, its
quantiles, and the record's *percentile* in it (the share of draws below the record; a tie
counts half).  A record far in a tail (below the 5th or above the 95th percentile) is one the
priors made implausible (a bound only in the tail it refuses: a lower bound above the 95th,
an upper bound below the 5th): the data must then pull the posterior hard, or the model
cannot reach the figure.  The model's own values (``model_*``, without the observation
error) say whether the mechanism alone reaches it.

Gabry, Simpson, Vehtari, Betancourt & Gelman (2019), "Visualization in Bayesian workflow",
*J. R. Stat. Soc. A* 182: 389-402, doi:10.1111/rssa.12378, put this check (b) before the fit.

Pure numerics: nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from forceratio.arguments import Seed, real, seed_text, whole
from forceratio.calibration.problem import Problem
from forceratio.calibration.result import PREDICTIVE_CHUNK
from forceratio.errors import InputError
from forceratio.limits import check_memory, model_bytes
from forceratio.seeds import DEFAULT_SEED, generator

FloatArray = NDArray[np.float64]
#: The quantiles reported per record, and the band whose outside :attr:`PriorPredictive.outside`
#: counts (the 5th and 95th percentiles).
PRIOR_Q = {"q05": 0.05, "q50": 0.5, "q95": 0.95}
BAND = (0.05, 0.95)
#: Draws when none are asked for: 2,000 (one model call; the 5th percentile's own Monte
#: Carlo error is then about +-0.5 points).
DEFAULT_DRAWS = 2_000


@dataclass(frozen=True)
class PriorPredictive:
    """A prior predictive check's result.

    table : one row per record: ``record``, ``kind``, ``historical``, ``lower_bound``,
        ``upper_bound``; ``q05``, ``q50``, ``q95`` and ``percentile`` of the record's prior
        predictive (model and observation error); ``model_q05``, ``model_q50``,
        ``model_q95`` and ``model_percentile`` of the model alone.  Percentiles are shares
        (0-1) of the used draws below the record.
    n_draws : draws taken from the priors; n_used : those whose every prediction was finite
        (the quantiles are over these).
    seed : the seed the draws came from.
    """

    table: pd.DataFrame
    n_draws: int
    n_used: int
    seed: Seed

    def outside(self, column: str = "percentile") -> pd.DataFrame:
        """The rows whose ``column`` (``percentile`` or ``model_percentile``) lies outside
        the 5-95 % band on the side the record refuses: a lower bound (the truth is at least
        the record) only above the 95th percentile, an upper bound only below the 5th; a
        bound in the other tail is met by most draws, not made implausible."""
        t = self.table
        p = t[column]
        low = (p < BAND[0]) & ~t["lower_bound"].astype(bool)
        high = (p > BAND[1]) & ~t["upper_bound"].astype(bool)
        return t[low | high]

    def to_dict(self) -> dict[str, Any]:
        """As the ``calibrate --prior-predictive --format json`` document: the rows and a
        summary (how many records fall outside the 5-95 % band, with and without the
        observation error)."""
        rows = [
            {k: (bool(v) if isinstance(v, np.bool_) else v) for k, v in r.items()}
            for r in self.table.to_dict("records")
        ]
        return {
            "draws": self.n_draws,
            "used_draws": self.n_used,
            "seed": self.seed if isinstance(self.seed, int) else seed_text(self.seed),
            "records": rows,
            "summary": {
                "records": len(self.table),
                "band": list(BAND),
                "outside_band": len(self.outside()),
                "outside_band_model": len(self.outside("model_percentile")),
                "outside": self.outside()["record"].tolist(),
            },
        }


def prior_draws(problem: Problem, n: int, rng: np.random.Generator) -> FloatArray:
    """``n`` independent draws of the problem's free values (model parameters, then the
    likelihood's) from their priors, shape (n, k), columns in ``problem.names`` order."""
    return np.column_stack([p.prior.sample(rng, n) for p in problem.free])


def prior_predictive_bytes(problem: Problem, n_draws: int) -> float:
    """Estimated memory of :func:`prior_predictive`: the draws (n x k), four arrays of
    n x records (the model's values, the observed ones and the quantiles' sorted copies) and
    the largest model call, a :data:`~forceratio.calibration.result.PREDICTIVE_CHUNK` of the
    draws, as :func:`~forceratio.limits.model_bytes`."""
    n = float(n_draws)
    return (
        8.0 * n * len(problem.free)
        + 32.0 * n * len(problem.records)
        + model_bytes(min(n_draws, PREDICTIVE_CHUNK))
    )


def _percentile(values: FloatArray, record: FloatArray) -> FloatArray:
    """Per column, the share of ``values`` (n, m) below ``record`` (m,), a tie counted half."""
    below = (values < record).sum(axis=0)
    ties = (values == record).sum(axis=0)
    return np.asarray((below + 0.5 * ties) / values.shape[0], dtype=float)


def prior_predictive(
    problem: Problem,
    n_draws: int = DEFAULT_DRAWS,
    *,
    seed: Seed = DEFAULT_SEED,
    reserve: float = 0.0,
) -> PriorPredictive:
    """The prior predictive distribution of every record of ``problem`` over ``n_draws``
    draws from the priors, seeded (the purpose ``prior_predictive`` of ``seed``; the same
    seed and draws give the same numbers, however the model's calls are chunked).
    ``reserve`` (bytes): the caller's own memory, counted with this one's estimate
    (:func:`prior_predictive_bytes`) against the memory limit before any draw."""
    if not isinstance(problem, Problem):
        raise InputError("problem", "expected a Problem(parameters, records, model)")
    n = whole("n_draws", n_draws, 1)
    if real("reserve", reserve) < 0:
        raise InputError("reserve", f"must be >= 0 bytes, got {reserve}")
    rng = generator(seed, "prior_predictive")
    check_memory(
        "n_draws", reserve + prior_predictive_bytes(problem, n), f"{n:,} prior predictive draws"
    )
    theta = prior_draws(problem, n, rng)
    batch, nuis = problem.full(theta)
    pred = np.vstack(
        [problem.predict(batch[i : i + PREDICTIVE_CHUNK]) for i in range(0, n, PREDICTIVE_CHUNK)]
    )
    ok = np.all(np.isfinite(pred), axis=1)
    if not ok.any():
        raise InputError("model", f"gave no finite prediction in any of {n:,} prior draws")
    pred, nuis = pred[ok], nuis[ok]
    rec = problem.records
    observed = problem.likelihood.simulate(pred, rec.kinds, nuis, rng)
    qs = tuple(PRIOR_Q.values())
    q = np.quantile(observed, qs, axis=0)
    mq = np.quantile(pred, qs, axis=0)
    table: dict[str, Any] = {
        "record": rec.names,
        "kind": rec.kinds,
        "historical": rec.values,
        "lower_bound": rec.lower_bound,
        "upper_bound": rec.upper_bound,
    }
    table.update(zip(PRIOR_Q, q, strict=True))
    table["percentile"] = _percentile(observed, rec.values)
    table.update(zip((f"model_{k}" for k in PRIOR_Q), mq, strict=True))
    table["model_percentile"] = _percentile(pred, rec.values)
    return PriorPredictive(pd.DataFrame(table), n, int(ok.sum()), seed)

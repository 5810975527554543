"""Approximate leave-one-record-out cross-validation by Pareto-smoothed importance sampling.

The posterior without record i is the posterior reweighted by ``1 / p(y_i | theta)``; the
raw weights have a heavy tail, which PSIS smooths by fitting a generalised Pareto
distribution to the largest (Vehtari, Gelman & Gabry 2017, "Practical Bayesian model
evaluation using leave-one-out cross-validation and WAIC", Statistics and Computing 27,
1413-1432).  Per record it gives ``elpd_loo_i``, the log predictive density of the record
under the posterior fitted without it, and the fitted shape ``k``: above a threshold the
estimate is unreliable and that record alone moves the posterior a great deal.  The
threshold is ``min(1 - 1/log10(S), 0.7)`` for ``S`` draws (Vehtari, Simpson, Gelman, Yao &
Gabry 2024, "Pareto smoothed importance sampling", JMLR 25(72)): 0.7 from 2,155 draws on.

The smoothing is ArviZ's (``arviz.loo``), an optional dependency (the extra ``bayes``):
without it :func:`record_loo` refuses in one line naming the extra.  The records' terms
are the likelihood's own (:meth:`.Problem.pointwise_log_likelihood`), on the draws pushed
through the model as the predictive table pushes them (:func:`.result.predictions`).
Records out of the likelihood contribute nothing and are not left out.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from forceratio.calibration.problem import Problem
from forceratio.calibration.result import PREDICTIVE_CHUNK, CalibrationResult, predictions
from forceratio.errors import InputError
from forceratio.limits import check_memory, model_bytes

FloatArray = NDArray[np.float64]
#: How to install what :func:`arviz` needs.
INSTALL = "pip install 'forceratio[bayes]'"
#: The classic Pareto k limit, the threshold's ceiling (Vehtari et al. 2017, 2024).
K_LIMIT = 0.7
#: Working memory per draw and record in the likelihood: the terms themselves (8 bytes) and
#: ArviZ's copies of them (the log-weights, their smoothed copy, the sort's and the
#: log-sum-exp's temporaries), 44 B more at the peak tracemalloc traced in
#: :func:`psis_loo` over 38,016 draws x 26 records (48 chains): 52 B, rounded up.
BYTES_PER_TERM = 56
#: Resident memory ArviZ's import adds (0.23.4: xarray, h5py, matplotlib's pyplot): 336 MB
#: peak RSS importing it and the record fit against 134 MB for the record fit alone.
BYTES_ARVIZ = 200 * 1024**2


def arviz(field: str = "psis") -> ModuleType:
    """ArviZ, imported quietly (0.2x announces its 1.0 refactor in a FutureWarning once a
    day); ``field`` names the option that asked for it in the refusal when it is missing,
    or when its import fails on the disk (it writes that day's stamp in its user cache
    folder, ``platformdirs.user_cache_dir("arviz")``)."""
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", r"\s*ArviZ is undergoing", FutureWarning)
            return import_module("arviz")
    except ImportError:
        raise InputError(field, f"needs ArviZ, the optional extra 'bayes' ({INSTALL})") from None
    except OSError as exc:
        raise InputError(
            field,
            f"ArviZ could not be imported: {exc.strerror or exc}: {exc.filename} (it writes "
            "in its user cache folder; set XDG_CACHE_HOME to a writable folder)",
        ) from None


@dataclass(frozen=True)
class RecordLoo:
    """PSIS-LOO over the records in the likelihood.

    elpd_loo : the sum over records of ``elpd_loo_i`` (log scale, nats); se : its standard
    error (sqrt(m) times the sd of the terms); p_loo : the effective number of parameters
    (the log predictive density less elpd_loo); n_draws, n_chains : the draws used and the
    chains ArviZ saw them as (the sampler's walkers; 1 for the mode's Laplace draws);
    k_threshold : above it a record's estimate is unreliable; records : one row per record,
    ``record``, ``elpd_loo_i``, ``pareto_k`` and ``k_high`` (k above the threshold).
    """

    elpd_loo: float
    se: float
    p_loo: float
    n_draws: int
    n_chains: int
    k_threshold: float
    records: pd.DataFrame

    @property
    def high_k(self) -> list[str]:
        """The records whose k is above the threshold, highest k first."""
        rows = self.records[self.records["k_high"]].sort_values("pareto_k", ascending=False)
        return [str(r) for r in rows["record"]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "PSIS-LOO (ArviZ loo; Vehtari, Gelman & Gabry 2017)",
            "elpd_loo": self.elpd_loo,
            "se": self.se,
            "p_loo": self.p_loo,
            "n_draws": self.n_draws,
            "n_chains": self.n_chains,
            "k_threshold": self.k_threshold,
            "high_k": self.high_k,
            "records": [
                {str(k): v for k, v in r.items()} for r in self.records.to_dict(orient="records")
            ],
        }


def psis_bytes(problem: Problem, n_draws: int) -> float:
    """Estimated memory of :func:`record_loo` over ``n_draws`` draws: ArviZ imported
    (:data:`BYTES_ARVIZ`), the records' terms and ArviZ's work on them
    (:data:`BYTES_PER_TERM` each), a chunk's predictions and the model's largest call
    (:data:`.result.PREDICTIVE_CHUNK` draws, as :func:`~forceratio.limits.model_bytes`).
    With the command's own (:data:`~forceratio.limits.BYTES_COMMAND_BASE`): 492 MiB for the
    shipped posterior (38,016 draws, 26 records), whose ``calibrate --psis`` peaked at
    492 MiB resident (150 MiB without ``--psis``)."""
    used = int(problem.records.in_likelihood.sum())
    chunk = min(n_draws, PREDICTIVE_CHUNK)
    return (
        BYTES_ARVIZ
        + float(BYTES_PER_TERM) * n_draws * used
        + 16.0 * chunk * len(problem.records)
        + model_bytes(chunk)
    )


def pointwise_log_likelihood(problem: Problem, draws: FloatArray) -> FloatArray:
    """Each record's log-likelihood term at each draw (n, k): shape (n, records in the
    likelihood), computed a chunk of draws at a time (the predictions are not kept)."""
    parts = [problem.pointwise_log_likelihood(p, u) for p, u in predictions(problem, draws)]
    return np.vstack(parts)


def psis_loo(
    log_lik: FloatArray,
    records: Sequence[str],
    *,
    chains: int = 1,
    draws: FloatArray | None = None,
) -> RecordLoo:
    """PSIS-LOO (``arviz.loo``) of the pointwise log-likelihood ``log_lik`` (S, m), one
    column per name in ``records``.  With ``chains`` > 1 the rows are a sampler's steps
    with its chains interleaved (row = step * chains + chain, as emcee flattens its
    walkers), and ``draws`` (S, k), the parameter values, give ArviZ the relative
    efficiency of the draws (their mean effective sample size over S); a row with a
    non-finite term (a draw the posterior cannot hold) is dropped, and with it the chains.
    """
    az = arviz()
    ll = np.asarray(log_lik, dtype=float)
    if ll.ndim != 2 or ll.shape[1] != len(records):
        raise InputError("log_lik", f"expected shape (draws, {len(records)}), got {ll.shape}")
    ok = np.all(np.isfinite(ll), axis=1)
    if ok.sum() < 2:
        raise InputError("log_lik", "fewer than 2 draws with finite terms")
    if not ok.all() or chains < 1 or ll.shape[0] % chains:
        chains = 1
    ll = ll[ok]
    S, m = ll.shape
    steps = S // chains
    groups: dict[str, Any] = {
        "log_likelihood": {"y": ll.reshape(steps, chains, m).transpose(1, 0, 2)},
        "dims": {"y": ["record"]},
        "coords": {"record": list(records)},
    }
    if chains > 1 and draws is not None:
        theta = np.asarray(draws, dtype=float).reshape(steps, chains, -1).transpose(1, 0, 2)
        groups["posterior"] = {f"theta{j}": theta[..., j] for j in range(theta.shape[2])}
    else:  # one chain: ArviZ takes the draws as independent (relative efficiency 1)
        groups["posterior"] = {"theta": np.zeros((1, S))}
        chains = 1
    with warnings.catch_warnings():
        # ArviZ warns of a k above the threshold; the result says it per record
        warnings.filterwarnings("ignore", "Estimated shape parameter of Pareto", UserWarning)
        out = az.loo(az.from_dict(**groups), pointwise=True)
    k = np.asarray(out["pareto_k"], dtype=float)
    threshold = float(out["good_k"]) if "good_k" in out else K_LIMIT
    table = pd.DataFrame(
        {
            "record": list(records),
            "elpd_loo_i": np.asarray(out["loo_i"], dtype=float),
            "pareto_k": k,
            "k_high": k > threshold,
        }
    )
    return RecordLoo(
        float(out["elpd_loo"]),
        float(out["se"]),
        float(out["p_loo"]),
        S,
        chains,
        threshold,
        table,
    )


def record_loo(problem: Problem, result: CalibrationResult, *, reserve: float = 0.0) -> RecordLoo:
    """PSIS-LOO over the records of ``problem`` in its likelihood, from every draw of
    ``result`` (a fit of ``problem``), its chains the sampler's walkers.  Refuses (one
    :class:`InputError` on ``psis``) without ArviZ, and when the estimate
    (:func:`psis_bytes`, with ``reserve``, the caller's own) exceeds the memory limit."""
    arviz()  # refuse before the model runs
    n = result.posterior_draws
    check_memory("psis", reserve + psis_bytes(problem, n), f"PSIS-LOO over {n:,} draws")
    ll = pointwise_log_likelihood(problem, result.draws)
    used = problem.records.in_likelihood
    names = [nm for nm, u in zip(problem.records.names, used, strict=True) if u]
    diag = result.diagnostics
    chains = diag.n_walkers if diag is not None and result.method == "mcmc" else 1
    return psis_loo(ll, names, chains=chains, draws=result.draws)

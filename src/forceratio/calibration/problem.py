"""A calibration problem: parameters, records, a batch model and a likelihood.

The model is one vectorised call: it takes the parameter batch, shape
(n_rows, n_params) with columns in ``parameters.names`` order (fixed parameters included
at their values), and returns the predictions, shape (n_rows, n_records) with columns in
``records.names`` order.  The batch engine evaluates all the sampler's walkers at once.

Inference works on the *free* values (free model parameters, then the likelihood's free
parameters), moved to R by each prior's transform; :meth:`Problem.log_posterior` is the
density there, Jacobian included, so that a sampler or optimiser never meets a bound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from forceratio.arguments import instance
from forceratio.calibration.likelihood import Likelihood, LogNormalLikelihood
from forceratio.calibration.parameters import CalibratedParameter, Parameters
from forceratio.calibration.records import Records
from forceratio.errors import InputError

FloatArray = NDArray[np.float64]
Model = Callable[[FloatArray], FloatArray]


@dataclass(frozen=True)
class Problem:
    """Everything a calibration needs; see the module docstring for the model's contract."""

    parameters: Parameters
    records: Records
    model: Model
    likelihood: Likelihood = field(default_factory=LogNormalLikelihood)

    def __post_init__(self) -> None:
        instance("parameters", self.parameters, Parameters, "Parameters([...])")
        instance("records", self.records, Records, "Records([...])")
        instance("likelihood", self.likelihood, Likelihood, "a Likelihood")
        if not callable(self.model):
            raise InputError("model", f"expected a callable model, got {type(self.model).__name__}")
        clash = set(self.parameters.names) & {p.name for p in self.likelihood.nuisance}
        if clash:
            raise InputError("parameters", f"names {sorted(clash)} are also likelihood parameters")
        if not self.parameters.free:
            raise InputError("parameters", "no model parameter is free (vary=True)")

    # -- the free space -----------------------------------------------------------------
    @cached_property
    def nuisance(self) -> Parameters:
        return Parameters(self.likelihood.nuisance)

    @cached_property
    def free(self) -> list[CalibratedParameter]:
        """The fitted parameters: free model parameters, then free likelihood parameters."""
        return self.parameters.free + self.nuisance.free

    @cached_property
    def names(self) -> list[str]:
        return [p.name for p in self.free]

    @property
    def n_model_free(self) -> int:
        return len(self.parameters.free)

    def constrain(self, z: FloatArray) -> FloatArray:
        """Unconstrained (n, k) -> parameter values (n, k)."""
        z2 = np.atleast_2d(z)
        return np.column_stack(
            [p.prior.from_unconstrained(z2[:, j]) for j, p in enumerate(self.free)]
        )

    def unconstrain(self, theta: FloatArray) -> FloatArray:
        t2 = np.atleast_2d(theta)
        return np.column_stack(
            [p.prior.to_unconstrained(t2[:, j]) for j, p in enumerate(self.free)]
        )

    def full(self, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Free values (n, k) -> (model batch (n, n_params), likelihood batch (n, n_nuis))."""
        t2 = np.atleast_2d(theta)
        k = self.n_model_free
        return self.parameters.expand(t2[:, :k]), self.nuisance.expand(t2[:, k:])

    def log_prior(self, theta: FloatArray) -> FloatArray:
        t2 = np.atleast_2d(theta)
        out = np.zeros(t2.shape[0])
        for j, p in enumerate(self.free):
            out += p.prior.logpdf(t2[:, j])
        return out

    # -- the model ----------------------------------------------------------------------
    def predict(self, batch: FloatArray) -> FloatArray:
        """The model on a full parameter batch (n, n_params), checked to be (n, n_records)."""
        with np.errstate(all="ignore"):
            pred = np.asarray(self.model(batch), dtype=float)
        want = (batch.shape[0], len(self.records))
        if pred.shape != want:
            raise InputError("model", f"returned shape {pred.shape}, expected {want}")
        return pred

    def log_likelihood(self, theta: FloatArray) -> FloatArray:
        batch, nuis = self.full(theta)
        pred = self.predict(batch)
        used = self.records.in_likelihood
        ll = self.likelihood.loglik(pred, *self._observed(), nuis, **self._reading())
        # a record out of the likelihood may be NaN (it is reported, not fitted)
        ok = np.all(np.isfinite(pred[:, used]), axis=1) & np.isfinite(ll)
        return np.where(ok, ll, -np.inf)

    def pointwise_log_likelihood(self, pred: FloatArray, nuis: FloatArray) -> FloatArray:
        """Each record's log-likelihood term, for the records in the likelihood (in their
        order), given predictions (n, n_records) and the likelihood's values (n, n_nuis):
        shape (n, number in the likelihood); a row's sum is :meth:`log_likelihood`'s."""
        return self.likelihood.pointwise(pred, *self._observed(), nuis, **self._reading())

    def _observed(self) -> tuple[FloatArray, NDArray[np.bool_], list[str]]:
        rec = self.records
        return rec.values, rec.lower_bound, rec.kinds

    def _reading(self) -> dict[str, Any]:
        """The likelihood's keywords that say how each record is read."""
        rec = self.records
        return {
            "upper": rec.upper_bound,
            "low": rec.low,
            "high": rec.high,
            "used": rec.in_likelihood,
        }

    def log_posterior(self, z: FloatArray) -> FloatArray:
        """Log posterior density (up to a constant) in the unconstrained space, (n, k) -> (n,).

        Rows whose values fall outside a prior's support (an overflow) are -inf and never
        reach the model.
        """
        z2 = np.atleast_2d(np.asarray(z, dtype=float))
        theta = np.empty_like(z2)
        lp = np.zeros(z2.shape[0])
        with np.errstate(all="ignore"):
            for j, p in enumerate(self.free):
                theta[:, j], lpj = p.prior.unconstrained_logpdf(z2[:, j])
                lp += lpj
        ok = np.isfinite(lp)
        out = np.full(z2.shape[0], -np.inf)
        if ok.any():
            out[ok] = lp[ok] + self.log_likelihood(theta[ok])
        return np.where(np.isnan(out), -np.inf, out)

    # -- variants -----------------------------------------------------------------------
    def without(self, mask: NDArray[np.bool_]) -> Problem:
        """The same problem on the records where ``mask`` is False (the model's extra
        columns are dropped after the one batch call)."""
        keep = ~np.asarray(mask, dtype=bool)
        if not keep.any():
            raise InputError("records", "leaving these out leaves no record to fit")
        inner = self.model

        def model(batch: FloatArray) -> FloatArray:
            return np.asarray(inner(batch))[:, keep]

        return Problem(self.parameters, self.records.subset(keep), model, self.likelihood)

    def describe(self) -> dict[str, Any]:
        """The problem as data (the model itself is described by the caller's cache key)."""
        return {
            "parameters": self.parameters.to_dicts(),
            "records": self.records.to_dicts(),
            "likelihood": self.likelihood.to_dict(),
        }

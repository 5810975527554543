"""Bayesian calibration, generic: parameters with priors, records, a batch model, a posterior.

The pipeline is SALib's problem -> sample -> analyse, with lmfit's parameters as data::

    problem = Problem(Parameters([...]), Records([...]), model)   # model: (n, p) -> (n, m)
    quick = fit_map(problem, seed=0)                  # mode + Laplace draws, seconds
    post = sample_posterior(problem, seed=0)          # emcee, vectorised; diagnostics
    loo = leave_one_group_out(problem, seed=0)        # refit without each group
    batch = posterior_batch(post, 200, seed=1)        # draws -> model parameter batch

Pure numerics: nothing here prints; only :mod:`.cache` touches the disk.
"""

from __future__ import annotations

from forceratio.calibration.likelihood import (
    Likelihood,
    LogNormalLikelihood,
    NegativeBinomialLikelihood,
)
from forceratio.calibration.mode import Mode, find_mode, fit_map
from forceratio.calibration.parameters import Parameter, Parameters
from forceratio.calibration.priors import (
    PRIORS,
    HalfNormal,
    LogNormal,
    LogUniform,
    Normal,
    Prior,
    Uniform,
    prior_from_dict,
)
from forceratio.calibration.problem import Model, Problem
from forceratio.calibration.records import Record, Records
from forceratio.calibration.result import CalibrationResult, Diagnostics
from forceratio.calibration.sampling import sample_posterior

__all__ = [
    "PRIORS",
    "CalibrationResult",
    "Diagnostics",
    "HalfNormal",
    "Likelihood",
    "LogNormal",
    "LogNormalLikelihood",
    "LogUniform",
    "Mode",
    "Model",
    "NegativeBinomialLikelihood",
    "Normal",
    "Parameter",
    "Parameters",
    "Prior",
    "Problem",
    "Record",
    "Records",
    "Uniform",
    "find_mode",
    "fit_map",
    "prior_from_dict",
    "sample_posterior",
]

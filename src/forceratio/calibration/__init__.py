"""Bayesian calibration, generic: parameters with priors, records, a batch model, a posterior.

The pipeline is SALib's problem -> sample -> analyse, with lmfit's parameters as data::

    problem = Problem(Parameters([...]), Records([...]), model)   # model: (n, p) -> (n, m)
    quick = fit_map(problem, seed=0)                  # mode + Laplace draws, seconds
    post = sample_posterior(problem, seed=0)          # emcee, vectorised; diagnostics
    post, hit = calibrate(problem, method="mcmc", scenarios=...)  # the same, disk-cached
    loo = leave_one_group_out(problem, seed=0)        # refit without each group
    batch = posterior_batch(post, 200, seed=1)        # draws -> model parameter batch
    data = to_json(post, loo)                         # the calibrate --format json shape

Pure numerics: nothing here prints; only :mod:`.cache` touches the disk.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from forceratio.calibration.api import METHODS, calibrate
    from forceratio.calibration.draws import (
        posterior_batch,
        probability_interval,
        summarise_over_draws,
    )
    from forceratio.calibration.likelihood import (
        Likelihood,
        LogNormalLikelihood,
        NegativeBinomialLikelihood,
    )
    from forceratio.calibration.mode import Mode, find_mode, fit_map
    from forceratio.calibration.parameters import CalibratedParameter, Parameters
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
    from forceratio.calibration.report import to_json
    from forceratio.calibration.result import CalibrationResult, Diagnostics
    from forceratio.calibration.sampling import sample_posterior
    from forceratio.calibration.validation import LeaveOneOut, leave_one_group_out

__all__ = [
    "METHODS",
    "PRIORS",
    "CalibratedParameter",
    "CalibrationResult",
    "Diagnostics",
    "HalfNormal",
    "LeaveOneOut",
    "Likelihood",
    "LogNormal",
    "LogNormalLikelihood",
    "LogUniform",
    "Mode",
    "Model",
    "NegativeBinomialLikelihood",
    "Normal",
    "Parameters",
    "Prior",
    "Problem",
    "Record",
    "Records",
    "Uniform",
    "calibrate",
    "find_mode",
    "fit_map",
    "leave_one_group_out",
    "posterior_batch",
    "prior_from_dict",
    "probability_interval",
    "sample_posterior",
    "summarise_over_draws",
    "to_json",
]

#: Where each public name lives: the submodule is imported on first use, so that what
#: needs a result or a prior does not import the optimiser and the sampler (scipy.optimize
#: and its dependencies: about half a second of a command's start).
_WHERE = {
    "METHODS": "api",
    "calibrate": "api",
    "posterior_batch": "draws",
    "probability_interval": "draws",
    "summarise_over_draws": "draws",
    "Likelihood": "likelihood",
    "LogNormalLikelihood": "likelihood",
    "NegativeBinomialLikelihood": "likelihood",
    "Mode": "mode",
    "find_mode": "mode",
    "fit_map": "mode",
    "CalibratedParameter": "parameters",
    "Parameter": "parameters",  # CalibratedParameter's name before 5 December 2026
    "Parameters": "parameters",
    "PRIORS": "priors",
    "HalfNormal": "priors",
    "LogNormal": "priors",
    "LogUniform": "priors",
    "Normal": "priors",
    "Prior": "priors",
    "Uniform": "priors",
    "prior_from_dict": "priors",
    "Model": "problem",
    "Problem": "problem",
    "Record": "records",
    "Records": "records",
    "to_json": "report",
    "CalibrationResult": "result",
    "Diagnostics": "result",
    "sample_posterior": "sampling",
    "LeaveOneOut": "validation",
    "leave_one_group_out": "validation",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value

"""``calibrate --format json``'s ``prior_bound_end``, beside ``at_prior_bound``: which end of
its prior's support a parameter's posterior sits at.

Oracle: hand-made draws piled within 0.5% of the prior's range (on its reading scale) of the
low end of one record prior's support and of the high end of another, and spread over the
middle fifth of a third's: "low", "high" and null by construction (the rule's share is 1%).
The record's priors are read from the registry, not pinned, and no posterior value is."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forceratio.calibration import (
    CalibratedParameter,
    CalibrationResult,
    LogNormalLikelihood,
    LogUniform,
    Parameters,
    Problem,
    Record,
    Records,
)
from forceratio.calibration.result import parameter_table
from forceratio.scenarios.record1941 import PRIORS, SHARED
from forceratio.scenarios.record_fit import to_data
from tests.calibration.prior_draws import draws_between

#: The end each parameter's draws are piled at (None: the middle), by registry path.
WANT = {SHARED[0][0]: "low", SHARED[1][0]: "high", SHARED[2][0]: None}


def _result(drop_column: bool = False) -> CalibrationResult:
    rng = np.random.default_rng(11)
    priors = {p: PRIORS[p].prior() for p in WANT}
    share = {"low": (0.0, 0.005), "high": (0.995, 1.0), None: (0.4, 0.6)}
    draws = np.column_stack(
        [draws_between(priors[p], *share[e], rng, 8000) for p, e in WANT.items()]
    )
    sigma = CalibratedParameter("sigma", LogUniform(0.01, 5.0), value=0.3, vary=False)
    problem = Problem(
        Parameters(PRIORS[p].parameter() for p in WANT),
        Records([Record("r", 1.0)]),
        lambda b: np.ones((b.shape[0], 1)),
        LogNormalLikelihood(sigma=sigma),
    )
    point = np.median(draws, axis=0)
    table = parameter_table(problem, draws, point)
    if drop_column:  # as a posterior stored before the column holds it
        table = table.drop(columns=["prior_bound_end"], errors="ignore")
    empty = pd.DataFrame(columns=["record", "kind", "group", "historical", "model"])
    return CalibrationResult(
        method="mcmc",
        names=tuple(WANT),
        draws=draws,
        point=point,
        map_point=point,
        log_posterior_max=0.0,
        model_names=tuple(WANT),
        fixed={},
        parameters=table,
        residuals=empty,
        predictive=pd.DataFrame(),
    )


@pytest.mark.parametrize("stored_before", [False, True])
def test_the_json_names_the_end_the_draws_pile_at(stored_before: bool) -> None:
    rows = {r["parameter"]: r for r in to_data(_result(stored_before), "computed")["parameters"]}
    assert {p: r["prior_bound_end"] for p, r in rows.items()} == WANT
    assert {p: r["at_prior_bound"] for p, r in rows.items()} == {
        p: e is not None for p, e in WANT.items()
    }


def test_every_earlier_key_kept_and_the_end_beside_the_flag() -> None:
    row = to_data(_result(), "computed")["parameters"][0]
    keys = list(row)
    earlier = ["parameter", "value", "median", "mean", "sd", "map", "ci90_low", "ci90_high"]
    earlier += ["ci95_low", "ci95_high", "prior_low", "prior_high", "at_prior_bound"]
    assert {*earlier, "contraction"} <= set(keys)
    assert keys.index("prior_bound_end") == keys.index("at_prior_bound") + 1

"""The report's "at a prior bound" column and the ``calibrate`` JSON's ``at_prior_bound``
give one answer, and the column names the end.

Oracle: hand-built posteriors whose draws pile at a known end of a finite prior (uniform on
[0.28, 0.3] under a uniform prior on [0, 0.3]: high; log-uniform at the floor of a
log-uniform prior: low) or sit clear of both, fitted into ``parameter_table`` (the rows the
JSON prints); and a posterior passing a broad prior's 97.5% point far from its bound
(uniform on [9, 9.8] under a uniform prior on [0, 10]: 0.2 from the ceiling, 20 times the
1% share), which the report once called "at a prior bound" and the JSON did not."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from forceratio.calibration import (
    CalibratedParameter,
    LogNormalLikelihood,
    LogUniform,
    Parameters,
    Problem,
    Record,
    Records,
    Uniform,
)
from forceratio.calibration.result import parameter_table
from forceratio.plots.posterior_html import AT_BOUND, BEYOND, prior_posterior_table

PRIORS = {
    "pile_high": Uniform(0.0, 0.3),
    "pile_low": LogUniform(1e-3, 1.0),
    "clear": Uniform(0.0, 0.3),
    "broad": Uniform(0.0, 10.0),
}
WANT = {"pile_high": "high", "pile_low": "low", "clear": "", "broad": ""}


def _result() -> SimpleNamespace:
    rng = np.random.default_rng(3)
    n = 8000
    draws = np.column_stack(
        [
            rng.uniform(0.28, 0.3, n),
            np.exp(rng.uniform(np.log(1e-3), np.log(1.1e-3), n)),
            rng.uniform(0.1, 0.2, n),
            rng.uniform(9.0, 9.8, n),
        ]
    )
    sigma = CalibratedParameter("sigma", LogUniform(0.01, 5.0), value=0.3, vary=False)
    params = Parameters(CalibratedParameter(k, p) for k, p in PRIORS.items())
    problem = Problem(
        params,
        Records([Record("r", 1.0)]),
        lambda b: np.ones((b.shape[0], 1)),
        LogNormalLikelihood(sigma=sigma),
    )
    table = parameter_table(problem, draws, np.median(draws, axis=0))
    return SimpleNamespace(parameters=table)


def test_the_report_column_and_the_json_flag_agree_and_name_the_end() -> None:
    result = _result()
    json_flag = result.parameters["at_prior_bound"].to_dict()
    table = prior_posterior_table(result, PRIORS)
    names = list(result.parameters.index)
    column = dict(zip(names, table[AT_BOUND], strict=True))
    assert column == WANT
    assert {k: bool(v) for k, v in column.items()} == {k: bool(v) for k, v in json_flag.items()}
    # the other question, under its own name: the broad prior's 97.5% point (9.75) passed
    assert dict(zip(names, table[BEYOND], strict=True))["broad"] == "high"


def test_without_the_prior_the_column_reads_the_json_flag() -> None:
    result = _result()
    table = prior_posterior_table(result, {})
    assert table[AT_BOUND].tolist() == ["yes", "yes", "", ""]


def test_the_shipped_posterior_json_and_report_agree() -> None:
    """The shipped posterior: the report's column (the priors the report is given) against
    ``calibrate --format json``'s ``at_prior_bound``; the Soviet tanks' non-combat loss at
    its ceiling (97.5% point 0.2827 under a log-uniform prior on [1e-4, 0.3], share 0.9926 of
    the log range, on the posterior regenerated on 6 December 2026 with Kiev's and Uman's
    postures from the sources; 0.2835 with the unprepared factor's prior 0.4-1 before it,
    0.2887 on the one before, 0.2958 before the killed share) and the unprepared factor at
    its floor still (2.5% point 0.4042 under a uniform prior on [0.4, 1], share 0.0070;
    0.5027 on [0.5, 1] before); the capture switch's width, at its ceiling before the killed
    share (1.912 under [0.02, 2]), is 1.861 now, 0.9843 of the log range (1.888 before):
    flagged only if the shipped draws put a point within 1% of an end (the oracle,
    tests/calibration/shipped_posterior.py's shares)."""
    from forceratio.scenarios.record1941 import SHARED
    from forceratio.scenarios.record_fit import to_data
    from forceratio.scenarios.session import Session
    from forceratio.sweeps.posterior import record_posterior
    from tests.calibration.shipped_posterior import shipped_shares

    result = record_posterior(Session(None, False))
    json_flag = {
        r["parameter"]: r["at_prior_bound"] for r in to_data(result, "shipped")["parameters"]
    }
    table = prior_posterior_table(result, {p: prior() for p, prior, _ in SHARED})
    column = dict(zip(result.parameters.index, table[AT_BOUND], strict=True))
    assert {k: bool(v) for k, v in column.items()} == json_flag
    assert column["operations.noncombat.USSR.tanks"] == "high"
    assert column["modifiers.posture.unprepared_factor"] == "low"
    width = shipped_shares()["operations.capture.width"]
    if abs(width.max() - 0.99) > 0.002:  # else on the line: Monte Carlo noise decides
        assert (column["operations.capture.width"] == "high") == (width.max() > 0.99), width

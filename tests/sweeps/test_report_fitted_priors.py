"""``forceratio report``'s prior v posterior table lists every parameter the reported
posterior fitted, those freed by ``calibrate --fit-also`` too, each with its prior.

Oracle: a hand-made result fitting two shared parameters and the optional one (a third
recorded parameter held fixed), with the optional one's draws piled within 0.5% of the
prior's range of its support's low end: the table has a prior for exactly the three
parameters made fitted, names that end "low" (the rule's share is 1%) and draws it in the
figure.  The report's analyses run with the posterior patched in and no Soviet strike."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from forceratio.calibration import (
    CalibratedParameter,
    LogNormalLikelihood,
    LogUniform,
    Parameters,
    Problem,
    Record,
    Records,
)
from forceratio.calibration.result import parameter_table
from forceratio.plots.posterior_html import AT_BOUND, prior_posterior_table
from forceratio.scenarios.record1941 import OPTIONAL_PATHS, PRIORS, SHARED
from forceratio.sweeps import reporting
from tests.calibration.prior_draws import draws_between

# the one optional path (the gate) freed; a recorded parameter held fixed, not fitted
FREED, HELD = OPTIONAL_PATHS[0], SHARED[2][0]
FITTED = (SHARED[0][0], SHARED[1][0], FREED)


def _result() -> SimpleNamespace:
    rng = np.random.default_rng(5)
    priors = {p: PRIORS[p].prior() for p in FITTED}
    share = {p: (0.4, 0.6) for p in FITTED} | {FREED: (0.0, 0.005)}
    draws = np.column_stack([draws_between(priors[p], *share[p], rng, 4000) for p in FITTED])
    sigma = CalibratedParameter("sigma", LogUniform(0.01, 5.0), value=0.3, vary=False)
    problem = Problem(
        Parameters(PRIORS[p].parameter() for p in FITTED),
        Records([Record("r", 1.0)]),
        lambda b: np.ones((b.shape[0], 1)),
        LogNormalLikelihood(sigma=sigma),
    )
    table = parameter_table(problem, draws, np.median(draws, axis=0))
    return SimpleNamespace(
        method="mcmc",
        names=FITTED,
        draws=draws,
        posterior_draws=draws.shape[0],
        model_names=(*FITTED[:2], HELD, FREED),
        fixed={HELD: 1.0},
        parameters=table,
    )


def test_the_table_has_the_prior_of_every_parameter_fitted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import forceratio.sweeps.posterior as posterior

    result = _result()
    monkeypatch.setattr(posterior, "record_posterior", lambda session: result)
    session = SimpleNamespace(
        prepare=lambda n: SimpleNamespace(scenario=SimpleNamespace(attacker="Germany")),
        calibration_for=lambda prep: None,
    )
    out = reporting._posterior_analysis(session, ["x"], 0)
    assert out["posterior"] is result
    assert list(out["priors"]) == list(FITTED)
    table = prior_posterior_table(result, out["priors"])
    at = dict(zip(FITTED, table[AT_BOUND], strict=True))
    assert at == {FITTED[0]: "", FITTED[1]: "", FREED: "low"}


def test_the_figure_draws_the_freed_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    import forceratio.plots.figures as figures
    from forceratio.plots.posterior_html import posterior_section

    shown: list[str] = []
    draw = figures.prior_posterior

    def record(draws: dict[str, np.ndarray], *args: Any) -> Any:
        shown.extend(draws)
        return draw(draws, *args)

    monkeypatch.setattr(figures, "prior_posterior", record)
    result = _result()
    parts = posterior_section(result, reporting.fitted_priors(result), {})
    assert shown == list(FITTED)
    assert any("<img" in p for p in parts)

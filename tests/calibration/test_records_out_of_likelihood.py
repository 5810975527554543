"""A record kept out of the likelihood (``in_likelihood=False``, with a reason) is reported
but not fitted: the log-likelihood of a problem with it equals that of the problem without
it, whatever the model predicts for it (NaN included).

Oracle: the closed-form normal term sum by hand (scipy.stats.norm.logpdf of the log record
about the log prediction, with the log-normal's Jacobian -log y)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from forceratio.calibration import (
    CalibratedParameter,
    LogNormalLikelihood,
    LogUniform,
    Parameters,
    Problem,
    Record,
    Records,
    fit_map,
    leave_one_group_out,
)
from forceratio.errors import InputError

SIGMA = CalibratedParameter("sigma", LogUniform(0.05, 2.0))
VALUES = [100.0, 250.0, 90.0, 1e6]


def _problem(out: bool, nan: bool = False) -> Problem:
    recs = [
        Record("a", VALUES[0], group="g1"),
        Record("b", VALUES[1], group="g2"),
        Record("c", VALUES[2], group="g2"),
    ]
    if out:
        recs.append(Record("d", VALUES[3], group="g1", in_likelihood=False, reason="overlaps a"))

    def model(batch: np.ndarray) -> np.ndarray:
        x = batch[:, :1]
        cols = [x * 100.0, x * 200.0, x * 100.0] + ([x * np.nan if nan else x] if out else [])
        return np.hstack(cols)

    params = Parameters([CalibratedParameter("x", LogUniform(0.1, 10.0))])
    return Problem(params, Records(recs), model, LogNormalLikelihood(sigma=SIGMA))


@pytest.mark.parametrize("nan", [False, True])
def test_an_out_record_adds_nothing_to_the_log_likelihood(nan: bool) -> None:
    theta = np.array([[1.2, 0.3], [0.7, 1.1]])
    got = _problem(True, nan).log_likelihood(theta)
    for i, (x, s) in enumerate(theta):
        m = np.array([100.0, 200.0, 100.0]) * x
        want = sum(
            stats.norm.logpdf(np.log(v), np.log(mm), s) - np.log(v)
            for v, mm in zip(VALUES[:3], m, strict=True)
        )
        assert got[i] == pytest.approx(want, rel=1e-12)
    np.testing.assert_allclose(got, _problem(False).log_likelihood(theta), rtol=1e-14)


def test_an_out_record_is_reported_with_its_reason() -> None:
    p = _problem(True)
    res = fit_map(p, n_starts=1, n_draws=50, seed=1)
    row = res.residuals.set_index("record").loc["d"]
    assert not row["in_likelihood"]
    assert row["reason"] == "overlaps a"
    assert res.residuals.set_index("record").loc["a", "in_likelihood"]
    pred = res.predictive.set_index("record")
    assert not pred.loc["d", "in_likelihood"]
    assert pred.loc["d", "reason"] == "overlaps a"
    # leave-one-out predicts it, but its group's error is over the records in the likelihood
    loo = leave_one_group_out(p, fit=lambda q, s: fit_map(q, n_starts=1, n_draws=20, seed=s))
    rows = loo.records.set_index("record")
    assert not rows.loc["d", "in_likelihood"]
    assert rows.loc["d", "reason"] == "overlaps a"
    g1 = loo.groups.set_index("held_out").loc["g1"]
    a = rows.loc["a"]
    assert g1["n_records"] == 1
    assert g1["relative_error"] == pytest.approx(abs(a["model"] / a["historical"] - 1), rel=1e-9)


def test_an_out_record_needs_a_reason() -> None:
    with pytest.raises(InputError, match="reason"):
        Record("d", 1.0, in_likelihood=False)
    r = Record("d", 1.0, in_likelihood=False, reason="why")
    assert Record.from_dict(r.to_dict()) == r
    assert "in_likelihood" not in Record("e", 1.0).to_dict()  # an old problem's key unchanged

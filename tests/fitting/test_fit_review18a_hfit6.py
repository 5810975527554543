"""review18a's findings on ``forceratio fit`` (hfit6): Akaike weights over the meaningful
laws, cumulative rises, an implausible last zero, the refusals that named the wrong problem
and the CSV output's interval columns.  Oracles: closed forms and synthetic series with
known truth."""

from __future__ import annotations

import math

import pytest

from forceratio.fitting.result import FitResult, akaike_weights


def _result(law: str, aicc: float, caveat: str = "") -> FitResult:
    return FitResult(
        law=law, red_rate=0.01, blue_rate=0.01, red_rate_ci=(None, None),
        blue_rate_ci=(None, None), r2=0.9, aic=aicc, n_obs=40, aicc=aicc,
        comparison_caveat=caveat,
    )  # fmt: skip


def test_akaike_weights_leave_out_a_law_that_is_not_meaningful() -> None:
    """Review18a: Ardennes' linear law showed 0.0361 with power (not meaningful) in the sum,
    where its share among the four meaningful laws was 0.947.  Closed form:
    w_i = exp(-d_i / 2) / sum_j exp(-d_j / 2) over the meaningful laws only."""
    res = [
        _result("square", 10.0),
        _result("linear", 4.0),
        _result("logarithmic", 12.0),
        _result("power", -3.0, caveat="p at the end of the range: not meaningful"),
    ]
    akaike_weights(res)
    raw = {"square": math.exp(-3.0), "linear": 1.0, "logarithmic": math.exp(-4.0)}
    tot = sum(raw.values())
    for r in res[:3]:
        assert r.akaike_weight == pytest.approx(raw[r.law] / tot, rel=1e-12)
    assert math.isnan(res[3].akaike_weight)
    assert res[3].to_dict()["akaike_weight"] is None
    assert sum(r.akaike_weight for r in res[:3]) == pytest.approx(1.0)

"""Interval-censored records: a record with ``low`` and ``high`` contributes the probability
that the truth lies between them.

Oracles: scipy.stats.norm.cdf differences on the log scale (and, far in a tail, the
survival-function difference, which scipy can still represent), and
scipy.stats.nbinom.cdf differences for the count likelihood."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from forceratio.calibration import LogNormalLikelihood, NegativeBinomialLikelihood
from forceratio.calibration.likelihood import log_interval
from forceratio.calibration.records import Record
from forceratio.errors import InputError

OBS = np.array([60_000.0, 500.0, 2_000.0])
LOW = np.array([60_000.0, np.nan, 1_000.0])
HIGH = np.array([190_000.0, np.nan, 5_000.0])
NONE = np.zeros(3, dtype=bool)
KINDS = ["men", "men", "tanks"]


def test_lognormal_interval_terms_are_normal_cdf_differences() -> None:
    pred = np.array([[40_000.0, 450.0, 900.0], [100_000.0, 800.0, 9_000.0], [2e5, 1.0, 600.0]])
    sig = np.array([[0.3], [0.8], [0.5]])
    got = LogNormalLikelihood().loglik(pred, OBS, NONE, KINDS, sig, low=LOW, high=HIGH)
    for i in range(3):
        s, lm = sig[i, 0], np.log(pred[i])
        want = 0.0
        for j in (0, 2):
            a, b = (np.log(LOW[j]) - lm[j]) / s, (np.log(HIGH[j]) - lm[j]) / s
            want += np.log(stats.norm.cdf(b) - stats.norm.cdf(a))
        want += stats.norm.logpdf(np.log(OBS[1]), lm[1], s) - np.log(OBS[1])
        assert got[i] == pytest.approx(want, rel=1e-10)


@pytest.mark.parametrize(("a", "b"), [(-1.0, 2.0), (8.0, 9.0), (30.0, 31.0), (-31.0, -30.0)])
def test_log_interval_stays_finite_in_the_tails(a: float, b: float) -> None:
    # in the upper tail Phi(b) - Phi(a) = sf(a) - sf(b), representable where the cdfs round to 1
    want = (
        np.log(stats.norm.sf(a) - stats.norm.sf(b))
        if a > 0
        else np.log(stats.norm.cdf(b) - stats.norm.cdf(a))
    )
    assert float(log_interval(np.array(a), np.array(b))) == pytest.approx(want, rel=1e-9)


def test_negative_binomial_interval_terms_are_cdf_differences() -> None:
    pred = np.array([[80_000.0, 450.0, 3_000.0]])
    phi = np.array([[20.0]])
    got = NegativeBinomialLikelihood().loglik(pred, OBS, NONE, KINDS, phi, low=LOW, high=HIGH)
    p = 20.0 / (20.0 + pred[0])
    want = sum(
        np.log(stats.nbinom.cdf(HIGH[j], 20.0, p[j]) - stats.nbinom.cdf(LOW[j] - 1, 20.0, p[j]))
        for j in (0, 2)
    ) + stats.nbinom.logpmf(500, 20.0, p[1])
    assert got[0] == pytest.approx(want, rel=1e-9)


def test_an_interval_needs_both_ends_in_order() -> None:
    with pytest.raises(InputError, match="low and high"):
        Record("r", 10.0, low=5.0)
    with pytest.raises(InputError, match="low < high"):
        Record("r", 10.0, low=20.0, high=15.0)
    r = Record("r", 10.0, low=5.0, high=20.0)
    assert Record.from_dict(r.to_dict()) == r

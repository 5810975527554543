"""The likelihoods' shared ``loglik`` (the upper flags defaulted, the terms summed
per row) with each likelihood giving only its per-record ``terms``.

Oracles: scipy.stats' densities and tail probabilities term by term; and, for the fold being
behaviour-neutral, the values ``loglik`` returned on main 6c90aef before it (recorded as
hex floats by running the same inputs there), compared bit for bit."""

from __future__ import annotations

import numpy as np
from scipy import stats

from forceratio.calibration import (
    CalibratedParameter,
    LogNormalLikelihood,
    NegativeBinomialLikelihood,
)
from forceratio.calibration.likelihood import Observed
from forceratio.calibration.priors import HalfNormal

OBS = np.array([1200.0, 50_000.0, 300.0, 7.0, 1000.0])
KINDS = ["tanks", "men", "aircraft", "men", "tanks"]
LOWER = np.array([False, True, False, False, False])
UPPER = np.array([False, False, False, True, False])
SCALES = np.array([[0.2, 0.9], [0.5, 0.1], [1.3, 0.4], [0.05, 0.7]])  # sigma, sigma_tanks
PHI = np.array([[25.0], [3.0], [400.0], [0.7]])
LOGNORMAL = LogNormalLikelihood(
    by_kind=(("tanks", CalibratedParameter("sigma_tanks", HalfNormal(1.0))),)
)

# loglik on main 6c90aef (before the fold) of these inputs: (upper flags given, none given)
BEFORE = {
    "lognormal": (
        ["-0x1.933b238bbe0b4p+5", "-0x1.629e80c9bacdfp+5", "-0x1.90bad1f408c0ap+4",
         "-0x1.b21ac3782e630p+17"],
        ["-0x1.88aa5da597537p+5", "-0x1.704569eccb7b0p+5", "-0x1.c2b38bd3c28aep+4",
         "-0x1.b24079c7c7769p+17"],
    ),
    "negative_binomial": (
        ["-0x1.4751647126798p+5", "-0x1.8c464a4e94f2cp+4", "-0x1.b6f2daaa0dd14p+7",
         "-0x1.004c217259d9fp+13"],
        ["-0x1.db8aafb1bddfap+5", "-0x1.24ab6dcd7e6aap+5", "-0x1.0230abf876602p+8",
         "-0x1.00c5edc6cb3a2p+13"],
    ),
}  # fmt: skip


def _pred() -> np.ndarray:
    pred = OBS * np.exp(np.random.default_rng(21).normal(0.0, 0.6, size=(4, 5)))
    pred[3, 2] = 0.0  # a model may predict nothing: floored before the log
    return pred


def test_loglik_is_bit_identical_to_before_the_fold() -> None:
    pred, none = _pred(), np.zeros(5, dtype=bool)
    got = {
        "lognormal": (
            LOGNORMAL.loglik(pred, OBS, LOWER, KINDS, SCALES, upper=UPPER),
            LOGNORMAL.loglik(pred, OBS, LOWER, KINDS, SCALES),
        ),
        "negative_binomial": (
            NegativeBinomialLikelihood().loglik(pred, OBS, LOWER, KINDS, PHI, upper=UPPER),
            NegativeBinomialLikelihood().loglik(pred, OBS, none, KINDS, PHI),
        ),
    }
    for name, (with_upper, without) in got.items():
        assert [float(v).hex() for v in with_upper] == BEFORE[name][0], name
        assert [float(v).hex() for v in without] == BEFORE[name][1], name


def test_the_terms_are_scipys_and_loglik_is_their_row_sum() -> None:
    pred = _pred()
    mu = np.maximum(pred, 1e-12)  # the floor the likelihoods put under a prediction
    observed = Observed(OBS, LOWER, UPPER, KINDS)
    point = ~(LOWER | UPPER)
    # log-normal: the density of y where a point, P(truth >= y) / P(truth <= y) at a bound
    s = np.where(np.array(KINDS) == "tanks", SCALES[:, 1:], SCALES[:, :1])
    terms = LOGNORMAL.terms(pred, observed, SCALES)
    want = np.where(
        point,
        stats.lognorm.logpdf(OBS, s, scale=mu),
        np.where(
            LOWER,
            stats.lognorm.logsf(OBS, s, scale=mu),
            stats.lognorm.logcdf(OBS, s, scale=mu),
        ),
    )
    np.testing.assert_allclose(terms, want, rtol=1e-9)
    got = LOGNORMAL.loglik(pred, OBS, LOWER, KINDS, SCALES, upper=UPPER)
    assert np.array_equal(got, terms.sum(axis=1))
    # negative binomial: pmf at a point, P(N >= y) at a lower bound, P(N <= y) at an upper
    nb = NegativeBinomialLikelihood()
    p = PHI / (PHI + mu)
    want_nb = np.where(
        point,
        stats.nbinom.logpmf(OBS, PHI, p),
        np.where(LOWER, stats.nbinom.logsf(OBS - 1.0, PHI, p), stats.nbinom.logcdf(OBS, PHI, p)),
    )
    terms_nb = nb.terms(pred, observed, PHI)
    # (not at the floored prediction: scipy's log1p(-p) loses digits there, as p -> 1)
    np.testing.assert_allclose(terms_nb[pred > 0], want_nb[pred > 0], rtol=1e-9)
    got_nb = nb.loglik(pred, OBS, LOWER, KINDS, PHI, upper=UPPER)
    assert np.array_equal(got_nb, terms_nb.sum(axis=1))

"""The CDB90 paired-bootstrap intervals (``cdb90_report.comparisons``) hold their level.

Oracle: synthetic battles with known win probabilities p ~ U(0.1, 0.9) and outcomes drawn from
them.  Null: two predictors equally good by construction (the truth's logit plus independent
noise of the same spread), so "significant" at 95% must come up in about 5% of data sets and
after Bonferroni in about 0.5%, each inside its binomial 99.8% band.  Alternative: the truth
against a noisy predictor, whose expected log-loss gain is E KL(p || q) (Gauss quadrature); the
95% interval must cover it at 95% (binomial band) with its median width 2 x 1.96 times the
gains' own spread across the data sets.  The earlier null used identical predictors (a gain of
exactly 0 in every resample): 50% intervals labelled 95% passed (review20c, mutant M5).

Measured on 1,000 further null data sets (hstat20, 2026-12-05): "significant" at 95% in 57
(5.7%) and after Bonferroni in 4 (0.4%); on the 300 here 22 and 6 (the latter at its band's
upper end, 6: a chance draw, P(>= 6 | 0.5%) = 0.004).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from forceratio.fitting import cdb90_report

N_BATTLES, N_SETS, NOISE = 200, 300, 0.7


def _band(n: int, p: float, tail: float = 0.001) -> tuple[int, int]:
    return int(stats.binom.ppf(tail, n, p)), int(stats.binom.isf(tail, n, p))


def _true_gain() -> float:
    """E over p ~ U(0.1, 0.9) and e ~ N(0, NOISE) of KL(p || expit(logit p + e))."""
    xp, wp = np.polynomial.legendre.leggauss(200)
    p = 0.5 + 0.4 * xp
    xe, we = np.polynomial.hermite_e.hermegauss(80)
    q = special.expit(special.logit(p)[:, None] + NOISE * xe[None, :])
    kl = p[:, None] * np.log(p[:, None] / q) + (1 - p[:, None]) * np.log((1 - p[:, None]) / (1 - q))
    return float((wp[:, None] * we[None, :] * kl).sum() * 0.5 / np.sqrt(2 * np.pi))


def test_paired_bootstrap_level_on_a_noisy_null_and_a_known_gain() -> None:
    rng = np.random.default_rng(1990)
    truth = _true_gain()
    null95 = null_bonf = covered = 0
    gains, widths = np.empty(N_SETS), np.empty(N_SETS)
    for i in range(N_SETS):
        p = rng.uniform(0.1, 0.9, N_BATTLES)
        y = (rng.random(N_BATTLES) < p).astype(float)
        logit = special.logit(p)
        noisy = [special.expit(logit + NOISE * rng.standard_normal(N_BATTLES)) for _ in range(3)]
        pred = pd.DataFrame(
            {"era": "1939-1945", "y": y, "p_force_ratio": p, "p_base": noisy[0],
             "p_square": noisy[1], "p_linear": noisy[2]}
        )  # fmt: skip
        c = cdb90_report.comparisons(pred, seed=i).set_index(["battles", "comparison"])
        rows: dict[Any, dict[str, Any]] = c.to_dict("index")  # type: ignore[assignment]
        null = rows[("all", "square v linear")]
        null95 += int(null["significant_95"])
        null_bonf += int(null["significant_bonferroni"])
        alt = rows[("all", "force_ratio v base")]
        covered += int(alt["gain_lo95"] < truth < alt["gain_hi95"])
        gains[i] = alt["log_loss_gain"]
        widths[i] = alt["gain_hi95"] - alt["gain_lo95"]
    m = 2 * len(cdb90_report.PAIRS)  # groups "all" and the one era, times the pairs
    for got, level in ((null95, 0.05), (null_bonf, 0.05 / m), (covered, 0.95)):
        low, high = _band(N_SETS, level)
        assert low <= got <= high, (level, got, low, high)
    ratio = float(np.median(widths)) / (2 * stats.norm.ppf(0.975) * gains.std(ddof=1))
    assert abs(ratio - 1.0) < 3.1 / np.sqrt(2 * (N_SETS - 1)), ratio

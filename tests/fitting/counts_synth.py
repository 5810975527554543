"""Synthetic daily loss reports with known rates for the count likelihoods, under realistic
reporting noise (hcov23): the count process of :func:`forceratio.fitting.fit_casualties`'s own
model (each day's losses drawn around the square law's mean at the day's starting
strengths), then reported as a clerk would: each day's loss count off by a mean-one
log-normal factor and rounded to a whole man, each strength (the first row too) off by a
log-normal factor and rounded to 100."""

from __future__ import annotations

import numpy as np
import pandas as pd


def reported_counts(
    red_rate: float,
    blue_rate: float,
    *,
    days: int,
    seed: int,
    k: float | None = None,
    report_sd: float = 0.3,
    strength_sd: float = 0.02,
    red0: float = 20000.0,
    blue0: float = 15000.0,
) -> pd.DataFrame:
    """Days 0..days: ``red``, ``blue`` (reported strengths, rounded to 100) and
    ``red_losses``, ``blue_losses`` (reported counts).  The true losses of the day ending at
    row d + 1 are Poisson (``k`` None) or negative binomial (dispersion ``k``) with mean
    ``blue_rate * B_d`` for red and ``red_rate * R_d`` for blue, R_d, B_d the true strengths
    at day d; each reported count is that times exp(N(0, report_sd**2) - report_sd**2 / 2)
    (mean one: the rates stay the mean loss rates), rounded."""
    rng = np.random.default_rng(seed)
    r, b = [red0], [blue0]
    lr, lb = [np.nan], [np.nan]
    for _ in range(days):
        out = []
        for mean in (blue_rate * b[-1], red_rate * r[-1]):
            if k is None:
                loss = float(rng.poisson(mean))
            else:
                loss = float(rng.negative_binomial(k, k / (k + mean)))
            out.append(loss)
        r.append(r[-1] - out[0])
        b.append(b[-1] - out[1])
        factor = np.exp(rng.normal(0.0, report_sd, 2) - 0.5 * report_sd**2)
        lr.append(float(np.round(out[0] * factor[0])))
        lb.append(float(np.round(out[1] * factor[1])))
    seen = np.array([r, b]).T * np.exp(rng.normal(0.0, strength_sd, (days + 1, 2)))
    seen = np.round(seen / 100.0) * 100.0
    return pd.DataFrame(
        {"day": np.arange(days + 1.0), "red": seen[:, 0], "blue": seen[:, 1],
         "red_losses": lr, "blue_losses": lb}
    )  # fmt: skip


def law_counts(
    red_rate: float,
    blue_rate: float,
    *,
    days: int,
    seed: int,
    k: float,
    w: float = 1.0,
    attack_factor: float | None = None,
    red0: float = 20000.0,
    blue0: float = 15000.0,
) -> pd.DataFrame:
    """Days 0..days of exact strengths: each day's losses negative binomial (dispersion
    ``k``) about the Helmbold law's mean at the day's starting strengths R_d, B_d: red's
    ``blue_rate * B_d**w * R_d**(1 - w)`` (w = 1: the square law), blue's likewise.  With
    ``attack_factor`` the sides attack on alternate days (red on even days), the
    attacker's mean multiplied by it, as the column ``attacker`` says (the fit's model,
    :mod:`forceratio.fitting.casualties`)."""
    rng = np.random.default_rng(seed)
    r, b = [red0], [blue0]
    attackers = [""]
    for d in range(days):
        red_attacks = d % 2 == 0
        f_red = attack_factor if attack_factor is not None and red_attacks else 1.0
        f_blue = attack_factor if attack_factor is not None and not red_attacks else 1.0
        means = (
            f_red * blue_rate * b[-1] ** w * r[-1] ** (1.0 - w),
            f_blue * red_rate * r[-1] ** w * b[-1] ** (1.0 - w),
        )
        out = [float(rng.negative_binomial(k, k / (k + m))) for m in means]
        r.append(r[-1] - out[0])
        b.append(b[-1] - out[1])
        attackers.append("red" if red_attacks else "blue")
    df = pd.DataFrame({"day": np.arange(days + 1.0), "red": r, "blue": b})
    if attack_factor is not None:
        df["attacker"] = attackers
    return df

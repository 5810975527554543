"""Fitting daily casualties, Engel's (1954) and Bracken's (1995) form, with a count
likelihood.

Each day's losses of a side are a count whose mean follows the law from the strengths
observed at the start of the day (after that day's arrivals)::

    E[losses of red over (t_j, t_j+1)] = blue_rate * B_j**p * R_j**q * dt_j  [* attack_factor]

and likewise for blue.  ``poisson``: the losses are Poisson; ``negbin``: negative binomial
with the same mean and variance mean + mean**2 / k (one dispersion k for both sides, fitted),
the usual model when days differ more than chance alone allows.  Rates are fitted on a log
scale in the normalised units of :mod:`.model` and reported in the engine's; intervals are
Wald intervals on the fitted (log) scale from the numerical Hessian of the log-likelihood,
but the negative binomial's rates, exponents and attack factor have profile-likelihood
intervals (every other parameter, the dispersion among them, refitted at each value:
{value : loglik drop <= F(1, n - k; 0.95) / 2}, Venzon and Moolgavkar 1988, as SAS/IML's
profile-likelihood example cites them, calibrated by F for the dispersion estimated from
the same counts, :func:`profile_drop`; what a rate at its floor already had): with the
dispersion estimated from a short series the Wald interval ignores how the dispersion moves
with the rate (the exponents and the attack factor had Wald intervals until 5 December
2026, their ends not where the profile drops:
tests/fitting/test_negbin_attack_factor_profile.py).  Measured (400 synthetic series per
case, tests/fitting/test_negbin_coverage.py; README): with chi2_1 instead of F the profile
intervals covered 92.6-93.5% on series of 8-15 days, with F 94.4-94.9%.

Only the days where a side's losses and both strengths at the start of the day are known
enter.

Which losses each side's count uses (its ``{side}_losses`` column, else the drops in its
strength): :mod:`.count_losses`.

A rate at the lower end of its range (a side that lost nothing) has no Wald interval (the
curvature vanishes there): its interval runs from 0 to the profile-likelihood bound, where
the log-likelihood falls chi2_1(0.95) / 2 below its best (for a Poisson count with no
losses, rate * exposure = 1.92, the "rule of three"'s likelihood-ratio form).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special, stats

from forceratio.errors import InputError
from forceratio.fitting.count_losses import daily_losses, loss_sources, rows_word
from forceratio.fitting.data import RISE_TOLERANCE, Battle
from forceratio.fitting.likelihood_intervals import (
    at_optimum,
    exp_or_inf,
    profile_upper,
    wald_errors,
)
from forceratio.fitting.model import law_spec, physical_rates
from forceratio.fitting.result import Pair, edge_caveat, information_criteria, json_safe

FloatArray = NDArray[np.float64]
LIKELIHOODS: tuple[str, ...] = ("poisson", "negbin")


@dataclass
class CasualtyFit:
    law: str
    likelihood: str
    red_rate: float
    blue_rate: float
    red_rate_ci: Pair  # engine units; (None, None) where the exponents are fitted
    blue_rate_ci: Pair
    exponents: dict[str, float] = field(default_factory=dict)
    exponents_ci: dict[str, Pair] = field(default_factory=dict)  # None: beyond the range
    dispersion: float | None = None
    log_likelihood: float = math.nan
    aic: float = math.nan
    aicc: float = math.nan
    bic: float = math.nan
    n_obs: int = 0
    k: int = 0
    converged: bool = True
    at_bound: list[str] = field(default_factory=list)
    not_identifiable: list[str] = field(default_factory=list)
    red_rate_normalised: float = math.nan
    blue_rate_normalised: float = math.nan
    red_rate_normalised_ci: Pair = (None, None)
    blue_rate_normalised_ci: Pair = (None, None)
    pearson_dispersion: float | None = None  # Poisson only: Pearson chi2 / (n - k)
    losses_from: dict[str, str] = field(default_factory=dict)  # side: column or "strength drops"
    comparison_caveat: str = ""  # as FitResult's: an exponent at the end of its range
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        how = "Wald, log scale" if self.likelihood == "poisson" else "profile likelihood"
        out: dict[str, Any] = json_safe({**self.__dict__, "interval_method": how})
        return out


def fit_casualties(b: Battle, law: str = "square", likelihood: str = "poisson") -> CasualtyFit:
    """Fit ``law`` to the daily losses of ``b`` by maximum likelihood (see the module)."""
    if likelihood not in LIKELIHOODS:
        raise InputError("likelihood", f"must be gaussian, poisson or negbin: {likelihood!r}")
    spec = law_spec(law, b.attack is not None)
    lr, lb, r0, b0 = daily_losses(b)
    sr, sb = b.scale
    dt = np.diff(b.t)
    sides = []
    for side, loss, own, enemy, s_own, s_enemy, sign in (
        ("red", lr, r0, b0, sr, sb, 1.0),
        ("blue", lb, b0, r0, sb, sr, -1.0),
    ):
        ok = np.isfinite(loss) & np.isfinite(own) & np.isfinite(enemy) & (own > 0) & (enemy > 0)
        # a rise of reporting-noise size is a day without losses (the strengths' fit takes
        # it as noise too); a larger one cannot be a count of losses
        big = np.flatnonzero(ok & (-loss > RISE_TOLERANCE * np.where(ok, own, 0.0)))
        if big.size and getattr(b, f"{side}_loss") is None:  # a loss column is never < 0
            j = int(big[0])
            raise InputError(
                f"{b.where}: column {side}",
                f"rises by {-loss[j]:,.0f} from day {b.t[j] + b.day0:g} to day "
                f"{b.t[j + 1] + b.day0:g} beyond the arrivals recorded: a count of losses "
                f"cannot be negative; give {side}_losses (the count used then), "
                f"{side}_reinforcements or use --rises arrivals",
            )
        att = (b.attack == sign) if b.attack is not None else np.zeros(dt.size, dtype=bool)
        sides.append(
            (np.maximum(loss[ok], 0.0), (own / s_own)[ok], (enemy / s_enemy)[ok], dt[ok] * s_own,
             att[ok])
        )  # fmt: skip
    n = sum(s[0].size for s in sides)
    k = spec.k + (1 if likelihood == "negbin" else 0)
    if n <= k:
        raise InputError(b.where, f"{n} days of known losses for {k} parameters")

    def means(x: FloatArray) -> list[FloatArray]:
        p, q = (float(v[0]) for v in spec.exponents(x[None, : spec.k]))
        out = []
        for i, (_y, own, enemy, scale, att) in enumerate(sides):
            # red's losses come from blue's rate (x[1]), blue's from red's (x[0])
            log_mu = x[1 - i] + p * np.log(enemy) + q * np.log(own) + np.log(scale)
            if "log_attack_factor" in spec.names:
                log_mu = log_mu + np.where(att, x[spec.k - 1], 0.0)
            out.append(np.exp(np.clip(log_mu, -700.0, 700.0)))
        return out

    def nll(x: FloatArray) -> float:
        tot = 0.0
        for (y, *_), mu in zip(sides, means(x), strict=True):
            if likelihood == "poisson":
                tot -= float(np.sum(special.xlogy(y, mu) - mu - special.gammaln(y + 1)))
            else:
                kk = math.exp(x[-1])
                tot -= float(
                    np.sum(
                        special.gammaln(y + kk) - special.gammaln(kk) - special.gammaln(y + 1)
                        + kk * np.log(kk / (kk + mu)) + special.xlogy(y, mu / (kk + mu))
                    )
                )  # fmt: skip
        return tot

    x0 = np.zeros(k)
    p0, q0 = (float(v[0]) for v in spec.exponents(np.zeros((1, spec.k)) + 0.5))
    for i, (y, own, enemy, scale, _att) in enumerate(sides):
        x0[1 - i] = math.log(max(y.sum(), 1.0) / float(np.sum(scale * enemy**p0 * own**q0)))
    if spec.law == "helmbold":
        x0[2] = 0.5
    elif spec.law == "power":
        x0[2:4] = 0.5
    lower = list(spec.lower) + ([-10.0] if likelihood == "negbin" else [])
    upper = list(spec.upper) + ([15.0] if likelihood == "negbin" else [])
    res = optimize.minimize(
        nll, x0, method="L-BFGS-B", bounds=list(zip(lower, upper, strict=True)),
        options={"gtol": 1e-10},
    )  # fmt: skip
    x, best = res.x.copy(), float(res.fun)
    floored = []
    for i in range(2):
        # a side that lost (almost) nothing: the likelihood is flat towards a zero rate and
        # the optimiser stops short of the floor (its gradient ~ the expected losses)
        floor = x.copy()
        floor[i] = lower[i]
        if nll(floor) <= best + 1e-9:
            x, best = floor, nll(floor)
            floored.append(i)
    converged = bool(res.success)
    if floored and not converged:  # its line search failed on the flat side: polish the rest
        free = [j for j in range(k) if j not in floored]

        def rest(z: FloatArray) -> float:
            y = x.copy()
            y[free] = z
            return nll(y)

        converged = not free
        if free:
            polish = optimize.minimize(  # scipy's own tolerance: a check more than a search
                rest, x[free], method="L-BFGS-B", bounds=[(lower[j], upper[j]) for j in free]
            )  # fmt: skip
            if float(polish.fun) <= best + 1e-9:
                x[free], best = polish.x, float(polish.fun)
            converged = bool(polish.success)
    se = wald_errors(nll, x)
    inside = [j for j in range(k) if lower[j] < x[j] < upper[j]]
    if not converged and inside and at_optimum(nll, x[inside], se[inside], x, inside):
        converged = True  # the line search failed at the optimum (counts of 1e5 a day)
    z = float(stats.norm.ppf(0.975))
    red, blue = physical_rates(b, spec, x[: spec.k])
    ll = -best
    aic, aicc, bic = information_criteria(ll, n, k)
    span = np.asarray(upper) - np.asarray(lower)
    low_end = [bool(x[i] - lower[i] <= 1e-6 * span[i]) for i in range(k)]
    names = [*spec.names, *(["log_dispersion"] if likelihood == "negbin" else [])]
    drop = profile_drop(likelihood, n, k)
    norm_ci: list[tuple[float, float]] = []
    for i in range(2):
        rate = math.exp(x[i])
        if low_end[i]:
            hi = profile_upper(nll, x, i, lower, upper, -best, drop)
            norm_ci.append((0.0, rate * exp_or_inf(hi - x[i])))
        elif likelihood == "negbin":  # the dispersion refitted at each rate (see the module)
            reach = 5.0 * se[i] if math.isfinite(se[i]) else None  # a first bracket
            lo = profile_upper(nll, x, i, lower, upper, -best, drop, down=True, reach=reach)
            hi = profile_upper(nll, x, i, lower, upper, -best, drop, reach=reach)
            norm_ci.append((rate * exp_or_inf(lo - x[i]), rate * exp_or_inf(hi - x[i])))
        else:
            norm_ci.append((rate * exp_or_inf(-z * se[i]), rate * exp_or_inf(z * se[i])))
    # engine units: only where the exponents are fixed, as the strengths' fit (otherwise the
    # factor between the two scales moves with the exponents, which the interval ignores)
    fixed = spec.law in ("square", "linear", "logarithmic")
    rate_ci: list[Pair] = [
        (ci[0] * f, ci[1] * f) if fixed else (None, None)
        for ci, f in zip(norm_ci, (red / math.exp(x[0]), blue / math.exp(x[1])), strict=True)
    ]
    out = CasualtyFit(
        law=law, likelihood=likelihood, red_rate=red, blue_rate=blue,
        red_rate_ci=rate_ci[0], blue_rate_ci=rate_ci[1],
        red_rate_normalised=math.exp(x[0]), blue_rate_normalised=math.exp(x[1]),
        red_rate_normalised_ci=norm_ci[0], blue_rate_normalised_ci=norm_ci[1],
        log_likelihood=ll, aic=aic, aicc=aicc, bic=bic, n_obs=n, k=k, converged=converged,
        at_bound=[
            names[i].removeprefix("log_")
            for i in range(k)
            if low_end[i] or upper[i] - x[i] <= 1e-6 * span[i]
        ],
    )  # fmt: skip
    out.losses_from, out.notes = loss_sources(b, [s[0].size for s in sides])
    if likelihood == "poisson":
        y_all = np.concatenate([s[0] for s in sides])
        mu_all = np.concatenate(means(x))
        out.pearson_dispersion, note = overdispersion(y_all, mu_all, n - k)
        if note:
            out.notes.append(note)
    for i, name in enumerate(spec.names[2:], start=2):
        if likelihood == "negbin":  # profile ends, as the rates' (see the module)
            reach = 5.0 * se[i] if math.isfinite(se[i]) else None
            lo = profile_upper(nll, x, i, lower, upper, -best, drop, down=True, reach=reach)
            hi = profile_upper(nll, x, i, lower, upper, -best, drop, reach=reach)
        else:
            lo, hi = float(x[i] - z * se[i]), float(x[i] + z * se[i])
        if name == "log_attack_factor":
            f = math.exp(x[i])
            out.exponents["attack_factor"] = f
            out.exponents_ci["attack_factor"] = (
                f * exp_or_inf(lo - x[i]),
                f * exp_or_inf(hi - x[i]),
            )
        else:
            # as the strengths' fit: an end beyond the exponent's range is open (None) and
            # the exponent not identifiable (the data do not bound it on that side)
            out.exponents[name] = float(x[i])
            out.exponents_ci[name] = (
                lo if lo > lower[i] else None,
                hi if hi < upper[i] else None,
            )
            if None in out.exponents_ci[name]:
                out.not_identifiable.append(name)
    # as the strengths' fit: a rate (or factor) the data do not bound above
    ends: dict[str, float | None] = {"red_rate": norm_ci[0][1], "blue_rate": norm_ci[1][1]}
    if "attack_factor" in out.exponents_ci:
        ends["attack_factor"] = out.exponents_ci["attack_factor"][1]
    out.not_identifiable += [
        name for name, hi in ends.items() if hi is None or not math.isfinite(hi)
    ]
    out.comparison_caveat = edge_caveat(names, x, lower, upper)
    if out.comparison_caveat:
        out.notes.append(f"{law}: {out.comparison_caveat}")
    if likelihood == "negbin":
        out.dispersion = math.exp(x[-1])
        fewest = min(s[0].size for s in sides)
        if fewest < NEGBIN_MIN_DAYS:
            out.notes.append(
                f"negbin on {fewest} {rows_word(b)} of counts for a side (under "
                f"{NEGBIN_MIN_DAYS}): too few to estimate the dispersion k "
                f"({out.dispersion:.3g}), so the rates' 95% "
                "intervals are rough (measured coverage about 99% at 3 days, 96% at 5, "
                "README)"
            )
    return out


#: A negative binomial fit with fewer daily counts than this for a side gets a note: k
#: cannot be estimated from so few.  With chi2_1 ends the intervals under-covered (
#: 200 ``count_series`` per case, k = 10; red, blue: 177, 168 of 200 at 3 days, 186, 177 at
#: 5); with the F ends of :func:`profile_drop` (400 per case, both rates: 789 of 800
#: at 3 days, too wide, 767 at 5; 759 at 8 days, k = 5, and 755 at 15; README).
#: ASSUMPTION: 8, where the coverage is the 15-day one's.
NEGBIN_MIN_DAYS = 8


#: A Poisson fit whose Pearson chi2 / df is above this, and above chi2_df's 99th percentile,
#: gets a note recommending the negative binomial (ASSUMPTION: 1.5, a common rule of thumb;
#: the percentile keeps short series from tripping it by chance).
OVERDISPERSION = 1.5


def overdispersion(y: FloatArray, mu: FloatArray, df: int) -> tuple[float | None, str]:
    """Pearson's dispersion X2 / df, X2 = sum (y - mu)**2 / mu over the fitted Poisson means
    (McCullagh & Nelder 1989, *Generalized Linear Models*, 2nd ed., section 4.5.2: about 1 for
    Poisson counts; the Poisson's standard errors are too small by about its square root
    when it is above), and the note recommending ``negbin`` when it is far above 1."""
    keep = mu > 0
    if df <= 0 or not keep.any():
        return None, ""
    x2 = float(np.sum((y[keep] - mu[keep]) ** 2 / mu[keep]))
    phi = x2 / df
    if phi <= OVERDISPERSION or x2 <= float(stats.chi2.ppf(0.99, df)):
        return phi, ""
    return phi, (
        f"overdispersed: Pearson chi2 / df = {phi:.3g} ({df} df; about 1 for Poisson counts, "
        f"McCullagh & Nelder 1989, 4.5.2): the days vary more than a Poisson count allows and "
        f"its intervals are too narrow, by about {math.sqrt(phi):.2g} times; use --likelihood "
        "negbin"
    )


def profile_drop(likelihood: str, n: int, k: int) -> float:
    """How far below its maximum the profile log-likelihood of a rate falls at the ends of
    its 95% interval.  Poisson: chi2_1(0.95) / 2 (nothing estimated but the means).
    Negative binomial: F(1, n - k; 0.95) / 2, the calibration of a likelihood whose
    dispersion is estimated from the same n counts (as for the strengths' fit, s**2 F(1,
    n - k), and as MASS's ``profile.glm`` does for the families whose dispersion it
    estimates), since with k fitted from 16-30 counts the profile's likelihood ratio runs
    larger than chi2_1: its mean 1.14 and 1.21 (not 1) and its 95% quantile 4.37 and 4.67
    (not 3.84) over 800 draws of 15 days at k = 10 and 8 days at k = 5, where F(1, 27) =
    4.21 and F(1, 13) = 4.67 (README: coverage 93% -> 95%)."""
    if likelihood == "negbin":
        return float(stats.f.ppf(0.95, 1, n - k)) / 2.0
    return float(stats.chi2.ppf(0.95, 1)) / 2.0

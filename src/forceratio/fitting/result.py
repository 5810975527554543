"""What a fit returns, model comparison across laws, and JSON that never fails.

JSON: a non-finite number becomes ``null`` (an open interval end, a statistic that does not
exist such as AICc with n <= k + 1); nothing is written as ``NaN`` or ``Infinity``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from forceratio.fitting.model import CONTAINS

INTERVAL_METHOD = (
    "profile likelihood (F threshold, 95%) on the generalised least squares objective "
    "(measurement noise + day-to-day loss variation), over the initial strengths estimated"
)


def json_safe(obj: Any) -> Any:
    """Replace non-finite floats by None, numpy scalars by Python ones, recursively."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if isinstance(obj, (np.floating, float)):
        x = float(obj)
        return x if math.isfinite(x) else None
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


Pair = tuple[float | None, float | None]


@dataclass
class FitResult:
    """One law fitted to one battle.

    Rates are the engine's (men killed per day per unit of the law's strengths); their
    intervals are given where the exponents are fixed (square, linear, logarithmic), since
    otherwise their units move with the exponents.  ``*_normalised`` are the fitted rates
    (see :mod:`.model`) with profile-likelihood intervals for every law.  An interval end
    of ``None`` is open: the data do not bound the parameter on that side.
    """

    law: str
    red_rate: float
    blue_rate: float
    red_rate_ci: Pair
    blue_rate_ci: Pair
    r2: float
    aic: float
    n_obs: int
    exponents: dict[str, float] = field(default_factory=dict)
    exponents_ci: dict[str, Pair] = field(default_factory=dict)
    converged: bool = True
    residual_sd: float = math.nan
    red_rate_normalised: float = math.nan
    blue_rate_normalised: float = math.nan
    red_rate_normalised_ci: Pair = (None, None)
    blue_rate_normalised_ci: Pair = (None, None)
    k: int = 2
    log_likelihood: float = math.nan
    aicc: float = math.nan
    bic: float = math.nan
    akaike_weight: float = math.nan
    at_bound: list[str] = field(default_factory=list)
    not_identifiable: list[str] = field(default_factory=list)
    message: str = ""
    sigma_measurement: float = math.nan  # 0: none found beyond the rounding (noise_text)
    sigma_process: float = math.nan  # NaN (null): the data say nothing of it (no losses)
    rounding_sd: float = 0.0  # men: the sd of the reports' rounding to their last digit
    arrivals: str = "after-observation"
    residuals: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reader must know (see daily)
    comparison_caveat: str = ""  # why the Akaike weight and LR tests are not meaningful
    interval_method: str = INTERVAL_METHOD  # or the rates' parametric bootstrap (.bootstrap)

    def caveats(self) -> list[str]:
        """Short flags for a figure's title: parameters at a bound, not identifiable."""
        out = [f"{name} at a bound" for name in self.at_bound]
        out += [f"{name} not identifiable" for name in self.not_identifiable]
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "law": self.law,
            "red_rate": self.red_rate,
            "blue_rate": self.blue_rate,
            "red_rate_ci": list(self.red_rate_ci),
            "blue_rate_ci": list(self.blue_rate_ci),
            "red_rate_normalised": self.red_rate_normalised,
            "red_rate_normalised_ci": list(self.red_rate_normalised_ci),
            "blue_rate_normalised": self.blue_rate_normalised,
            "blue_rate_normalised_ci": list(self.blue_rate_normalised_ci),
        }
        for k, v in self.exponents.items():
            out[k] = v
            out[f"{k}_ci"] = list(self.exponents_ci[k])
        out.update(
            {
                "r2": self.r2,
                "log_likelihood": self.log_likelihood,
                "aic": self.aic,
                "aicc": self.aicc,
                "bic": self.bic,
                "akaike_weight": self.akaike_weight,
                "comparison_caveat": self.comparison_caveat,
                "n_obs": self.n_obs,
                "k": self.k,
                "converged": self.converged,
                "message": self.message,
                "notes": self.notes,
                "at_bound": self.at_bound,
                "not_identifiable": self.not_identifiable,
                "interval_method": self.interval_method,
                "sigma_measurement": self.sigma_measurement,
                "sigma_process": self.sigma_process,
                "rounding_sd": self.rounding_sd,
                "noise": noise_text(self.sigma_measurement, self.sigma_process, self.rounding_sd),
                "arrivals": self.arrivals,
                "residuals": self.residuals,
            }
        )
        safe: dict[str, Any] = json_safe(out)
        return safe


def noise_text(sigma_m: float, sigma_p: float, rounding_sd: float) -> str:
    """The error model in words (the fit's table footer and JSON ``noise``): the measurement
    sd (a fraction of the strength reported), 0 where none is found beyond the rounding, the
    rounding's sd in men (unit / sqrt(12), the reports' last digit), and the day-to-day loss
    sd, not estimated where its likelihood is flat (a fitted path with no loss to vary)."""
    rounding = f"{rounding_sd:.3g} men" if rounding_sd > 0 else ""
    if not math.isfinite(sigma_m):
        meas = "measurement sd not estimated"
    elif sigma_m == 0 and rounding:
        meas = (
            "measurement sd 0 beyond the rounding (none found: the fit used the rounding of "
            f"the reports' last digit alone, sd {rounding})"
        )
    elif sigma_m == 0:
        meas = "measurement sd 0 (none found; the reports carry no last digit to round)"
    else:
        meas = f"measurement sd {sigma_m:.3g} of the strength" + (
            f", plus the rounding of the reports' last digit, sd {rounding}" if rounding else ""
        )
    loss = (
        f"day-to-day loss sd {sigma_p:.3g}"
        if math.isfinite(sigma_p)
        else "day-to-day loss sd not estimated (its likelihood is flat: no losses in the "
        "fitted path to vary)"
    )
    return f"{meas}; {loss}"


def information_criteria(ll: float, n: int, k: int) -> tuple[float, float, float]:
    """AIC, AICc (small-sample, Hurvich & Tsai 1989; NaN when n <= k + 1) and BIC."""
    aic = -2.0 * ll + 2.0 * k
    aicc = aic + 2.0 * k * (k + 1) / (n - k - 1) if n > k + 1 else math.nan
    bic = -2.0 * ll + k * math.log(n)
    return aic, aicc, bic


def edge_caveat(names: Sequence[str], x: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> str:
    """:attr:`FitResult.comparison_caveat` for a fit at ``x`` over the box lower..upper: an
    estimate at an end of a range that is the code's choice, not the law's (p, q = 3; an
    attack factor of 1e-3 or 1e3) may have its optimum beyond, so comparing the law with the
    others by its likelihood is not meaningful; "" otherwise.  Shared by the strengths' and
    the counts' fits."""
    edge = []
    for name, v, lo, hi in zip(
        names, *(np.asarray(a, dtype=float).tolist() for a in (x, lower, upper)), strict=True
    ):
        s = hi - lo
        if (name in ("p", "q") and hi - v <= 1e-6 * s) or (
            name == "log_attack_factor" and min(v - lo, hi - v) <= 1e-6 * s
        ):
            edge.append(name.removeprefix("log_"))
    if not edge:
        return ""
    return (
        f"{', '.join(edge)} at the end of the range the fit searches, so the optimum may lie "
        "beyond it: this law's Akaike weight (none given; the others' are over the meaningful "
        "laws) and the likelihood-ratio tests involving it are not meaningful"
    )


def akaike_weights(results: list[FitResult]) -> None:
    """Akaike weights from AICc, in place.  A law whose AICc does not exist (n <= k + 1) gets
    no weight (NaN, ``null``): its AIC lacks the small-sample penalty every other law pays,
    so mixing the two criteria handed it the weight.  When no law has an
    AICc, the weights come from AIC for all.  A law whose comparison is not meaningful (its
    :attr:`FitResult.comparison_caveat`: an estimate at the end of the range searched, so its
    optimum may lie beyond) gets no weight either and is left out of the others' sum: the
    weights are over the meaningful laws only."""
    crit = [math.nan if r.comparison_caveat else r.aicc for r in results]
    if not any(math.isfinite(c) for c in crit):
        crit = [math.nan if r.comparison_caveat else r.aic for r in results]
    finite = [c for c in crit if math.isfinite(c)]
    if not finite:
        return
    lo = min(finite)
    w = [math.exp(-0.5 * (c - lo)) if math.isfinite(c) else math.nan for c in crit]
    tot = sum(x for x in w if math.isfinite(x))
    for r, x in zip(results, w, strict=True):
        r.akaike_weight = x / tot


def likelihood_ratio_tests(results: list[FitResult]) -> list[dict[str, Any]]:
    """Each nested pair (a law inside a law that contains it): the statistic
    2 (ll_big - ll_small), its degrees of freedom and chi-squared p-value.  The small law's
    exponents on the boundary of the larger law's space (w = 1, q = 0...) make the
    chi-squared reference conservative (Self & Liang 1987).  ``caveat`` names a law of the
    pair whose estimate sits at an end of the range the fit searches (the test is then not
    meaningful, see :attr:`FitResult.comparison_caveat`)."""
    by = {r.law: r for r in results}
    rows = []
    for big, smalls in CONTAINS.items():
        if big not in by:
            continue
        for small in smalls:
            if small not in by:
                continue
            d = max(0.0, 2.0 * (by[big].log_likelihood - by[small].log_likelihood))
            df = by[big].k - by[small].k
            rows.append(
                {
                    "small": small,
                    "large": big,
                    "statistic": d,
                    "df": df,
                    "p_value": float(stats.chi2.sf(d, df)),
                    "caveat": "; ".join(
                        f"{r.law}: not meaningful"
                        for r in (by[small], by[big])
                        if r.comparison_caveat
                    ),
                }
            )
    out: list[dict[str, Any]] = json_safe(rows)
    return out

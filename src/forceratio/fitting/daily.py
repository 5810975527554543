"""Fit an attrition law to a battle's daily strengths.

The data: one row per observation day with ``red`` and ``blue`` strengths (a cell may be
empty when the side was not observed), optional arrivals ``red_reinforcements`` /
``blue_reinforcements`` and optional daily losses ``red_losses`` / ``blue_losses``.
Conventions (documented in the README):

* the first row must give both strengths: they are the initial conditions, not fitted;
* arrivals listed on day d join at time d, *after* that day's observation;
* a side observed only through its losses gets the strength the losses imply
  (initial + arrivals - cumulative losses) on days when every earlier day's losses are
  given;
* when a side's last observation is 0 it was annihilated then, and the model must do so.

The model is the engine's law ``dR/dt = -blue_rate * B**p * R**q`` (and the mirror for
blue) with the discrete arrivals; it is integrated by :func:`forceratio.simulate` for a
whole batch of parameter vectors at once (the finite-difference Jacobian is one batch).
Bounded nonlinear least squares (``scipy.optimize.least_squares``) on the residuals
scaled by each side's initial strength, with rates fitted on a log scale.  Intervals: the
Jacobian at the optimum, ``s^2 (J^T J)^-1`` on n - k degrees of freedom, Student's t.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import optimize, stats

from forceratio.errors import InputError
from forceratio.simulator.engagement import Engagement, make_side
from forceratio.simulator.laws import get_law
from forceratio.simulator.magnitudes import STRENGTH_RANGE, check_magnitude
from forceratio.simulator.schedules import Reinforcements
from forceratio.simulator.solve import simulate

FloatArray = NDArray[np.float64]
FIT_LAWS: tuple[str, ...] = ("square", "linear", "logarithmic", "helmbold", "power")
REQUIRED = ("day", "red", "blue")
OPTIONAL = ("red_reinforcements", "blue_reinforcements", "red_losses", "blue_losses")
RATE_BOUNDS = (1e-12, 1e3)


@dataclass(frozen=True)
class Battle:
    """Validated daily data, times from the first day."""

    t: FloatArray  # (T,) days since the first row
    red: FloatArray  # (T,) NaN where not observed
    blue: FloatArray
    red_in: FloatArray  # (T,) arrivals
    blue_in: FloatArray

    @property
    def n_obs(self) -> int:
        return int(np.isfinite(self.red[1:]).sum() + np.isfinite(self.blue[1:]).sum())


@dataclass
class FitResult:
    law: str
    red_rate: float
    blue_rate: float
    red_rate_ci: tuple[float, float]
    blue_rate_ci: tuple[float, float]
    r2: float
    aic: float
    n_obs: int
    exponents: dict[str, float] = field(default_factory=dict)
    exponents_ci: dict[str, tuple[float, float]] = field(default_factory=dict)
    converged: bool = True
    residual_sd: float = math.nan

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "law": self.law,
            "red_rate": self.red_rate,
            "blue_rate": self.blue_rate,
            "red_rate_ci": list(self.red_rate_ci),
            "blue_rate_ci": list(self.blue_rate_ci),
            "r2": self.r2,
            "aic": self.aic,
        }
        for k, v in self.exponents.items():
            out[k] = v
            out[f"{k}_ci"] = list(self.exponents_ci[k])
        out["n_obs"] = self.n_obs
        out["converged"] = self.converged
        return out


# ------------------------------------------------------------------ reading
def _cell(value: Any, row: int, col: str, where: str) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    text = str(value).strip()
    if not text:
        return math.nan
    try:
        x = float(text)
    except ValueError:
        raise InputError(f"{where}: row {row}, column {col}", f"not a number: {text!r}") from None
    if not math.isfinite(x):
        raise InputError(f"{where}: row {row}, column {col}", f"not a finite number: {text!r}")
    if x < 0:
        raise InputError(f"{where}: row {row}, column {col}", f"must be >= 0, got {x:g}")
    return x


def read_battle(data: pd.DataFrame | Path | str, where: str | None = None) -> Battle:
    """Validate daily data (a CSV path or a DataFrame); errors name the row and column
    (rows numbered as in a spreadsheet, the header being row 1)."""
    if isinstance(data, pd.DataFrame):
        df = data.astype(object)
        where = where or "data"
    else:
        where = where or str(data)
        from forceratio.files import read_user_csv  # a regular file within the size limit

        df = read_user_csv(data, where)
    cols = [str(c).strip() for c in df.columns]
    df.columns = pd.Index(cols)
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise InputError(where, f"missing column(s): {', '.join(missing)}")
    unknown = [c for c in cols if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise InputError(where, f"unknown column(s): {', '.join(unknown)}")
    if len(df) < 2:
        raise InputError(where, "need at least two days of observations")
    vals: dict[str, list[float]] = {c: [] for c in REQUIRED + OPTIONAL}
    for i, rec in enumerate(df.to_dict(orient="records")):
        for c in REQUIRED + OPTIONAL:
            vals[c].append(_cell(rec.get(c), i + 2, c, where))
    day = np.array(vals["day"])
    if np.isnan(day).any():
        i = int(np.flatnonzero(np.isnan(day))[0])
        raise InputError(f"{where}: row {i + 2}, column day", "empty")
    bad = np.flatnonzero(np.diff(day) <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        raise InputError(
            f"{where}: row {i + 2}, column day",
            f"days out of order ({day[i]:g} after {day[i - 1]:g})",
        )
    for c in ("red", "blue", *OPTIONAL):  # no strength the engine cannot resolve
        check_magnitude(f"{where}: column {c}", vals[c], STRENGTH_RANGE, "units")
    red, blue = np.array(vals["red"]), np.array(vals["blue"])
    for name, arr in (("red", red), ("blue", blue)):
        if np.isnan(arr[0]):
            raise InputError(
                f"{where}: row 2, column {name}", "the first day must give both strengths"
            )
        if arr[0] <= 0:
            raise InputError(f"{where}: row 2, column {name}", "the initial strength must be > 0")
    red_in = np.nan_to_num(np.array(vals["red_reinforcements"]))
    blue_in = np.nan_to_num(np.array(vals["blue_reinforcements"]))
    for obs, loss, arr in (
        (red, np.array(vals["red_losses"]), red_in),
        (blue, np.array(vals["blue_losses"]), blue_in),
    ):
        # strengths implied by complete loss records where the strength itself is missing
        level = obs[0]
        for i in range(1, len(obs)):
            level = math.nan if np.isnan(loss[i]) else level + arr[i - 1] - loss[i]
            if np.isnan(obs[i]) and np.isfinite(level):
                obs[i] = max(level, 0.0)
            elif np.isfinite(obs[i]):
                level = obs[i]
    battle = Battle(day - day[0], red, blue, red_in, blue_in)
    if battle.n_obs == 0:
        raise InputError(where, "no observation after the first day")
    return battle


# ------------------------------------------------------------------ model
@dataclass(frozen=True)
class _Spec:
    law: str
    names: tuple[str, ...]  # fitted: log_red_rate, log_blue_rate, then w | p, q
    lower: FloatArray
    upper: FloatArray


def _spec(law: str) -> _Spec:
    if law not in FIT_LAWS:
        raise InputError("--law", f"unknown law {law!r}; choose {', '.join(FIT_LAWS)} or all")
    lo = [math.log(RATE_BOUNDS[0])] * 2
    hi = [math.log(RATE_BOUNDS[1])] * 2
    names: list[str] = ["red_rate", "blue_rate"]
    if law == "helmbold":
        names.append("w")
        lo.append(0.0)
        hi.append(1.0)
    elif law == "power":
        names += ["p", "q"]
        lo += [0.0, 0.0]
        hi += [3.0, 3.0]
    return _Spec(law, tuple(names), np.array(lo), np.array(hi))


def _predict(b: Battle, spec: _Spec, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Red and blue at the observation days for M parameter vectors: (M, T) each."""
    theta = np.atleast_2d(theta)
    m = theta.shape[0]
    rr, br = np.exp(theta[:, 0]), np.exp(theta[:, 1])
    preds_r = np.empty((m, b.t.size))
    preds_b = np.empty((m, b.t.size))
    # exponents are per law, so batch the vectors that share them
    keys: list[tuple[float, ...]] = [tuple(float(v) for v in row[2:]) for row in theta]
    for key in dict.fromkeys(keys):
        rows = np.array([i for i, k in enumerate(keys) if k == key])
        if spec.law == "helmbold":
            law = get_law("helmbold", w=key[0])
        elif spec.law == "power":
            law = get_law("power", p=key[0], q=key[1])
        else:
            law = get_law(spec.law)
        n = rows.size
        eng = Engagement(
            law,
            make_side(
                "red", np.full(n, b.red[0]), rr[rows], n=n, k_enemy=1,
                reinforcements=_arrivals(b.t, b.red_in),
            ),
            make_side(
                "blue", np.full(n, b.blue[0]), br[rows], n=n, k_enemy=1,
                reinforcements=_arrivals(b.t, b.blue_in),
            ),
        )  # fmt: skip
        res = simulate(eng, t_max=float(b.t[-1]), times=b.t, method="integrator", rtol=1e-8)
        assert res.red_trajectory is not None
        assert res.blue_trajectory is not None
        preds_r[rows] = res.red_trajectory[:, :, 0]
        preds_b[rows] = res.blue_trajectory[:, :, 0]
    return preds_r, preds_b


def _arrivals(t: FloatArray, amounts: FloatArray) -> Reinforcements | None:
    """Discrete arrivals on the listed days (those on the last day change nothing)."""
    keep = amounts[:-1] > 0
    if not keep.any():
        return None
    return Reinforcements.arrivals(t[:-1][keep], amounts[:-1][keep][:, None])


def _residuals(b: Battle, pr: FloatArray, pb: FloatArray) -> FloatArray:
    mr, mb = np.isfinite(b.red), np.isfinite(b.blue)
    mr[0] = mb[0] = False  # initial conditions are given, not fitted
    r = (pr[:, mr] - b.red[mr]) / b.red[0]
    s = (pb[:, mb] - b.blue[mb]) / b.blue[0]
    return np.concatenate([r, s], axis=1)


def _initial_guess(b: Battle, spec: _Spec) -> FloatArray:
    """Rates from the average loss per day against the average enemy strength."""
    guess = []
    for own, enemy, arr in ((b.red, b.blue, b.red_in), (b.blue, b.red, b.blue_in)):
        idx = np.flatnonzero(np.isfinite(own))
        last = int(idx[-1])
        lost = own[0] + arr[:last].sum() - own[last]
        days = max(float(b.t[last]), 1e-9)
        e = float(np.nanmean(enemy[: last + 1]))
        o = float(np.nanmean(own[: last + 1]))
        p, q = {"linear": (1, 1), "logarithmic": (0, 1)}.get(spec.law, (1, 0))
        denom = max(e, 1e-9) ** p * max(o, 1e-9) ** q
        guess.append(max(lost, 1e-6 * own[0]) / days / denom)
    # blue's losses come from red's rate and vice versa
    x = [math.log(guess[1]), math.log(guess[0])]
    if spec.law == "helmbold":
        x.append(0.5)
    elif spec.law == "power":
        x += [1.0, 0.5]
    out: FloatArray = np.clip(np.array(x), spec.lower + 1e-9, spec.upper - 1e-9)
    return out


def fit_battle(data: Battle | pd.DataFrame | Path | str, law: str = "square") -> FitResult:
    """Fit one law; see the module docstring."""
    b = data if isinstance(data, Battle) else read_battle(data)
    spec = _spec(law)
    k = len(spec.names)
    x0 = _initial_guess(b, spec)
    step = 1e-6

    def fun(x: FloatArray) -> FloatArray:
        pr, pb = _predict(b, spec, x[None, :])
        out: FloatArray = _residuals(b, pr, pb)[0]
        return out

    def jac(x: FloatArray) -> FloatArray:
        h = step * np.maximum(1.0, np.abs(x))
        up = x + h > spec.upper
        h = np.where(up, -h, h)
        pts = np.vstack([x[None, :], x[None, :] + np.diag(h)])
        pr, pb = _predict(b, spec, pts)
        r = _residuals(b, pr, pb)
        out: FloatArray = ((r[1:] - r[0]) / h[:, None]).T
        return out

    res = optimize.least_squares(
        fun, x0, jac=jac, bounds=(spec.lower, spec.upper), xtol=1e-12, ftol=1e-12, gtol=1e-12,
        max_nfev=500,
    )  # fmt: skip
    resid = res.fun
    n = resid.size
    ss = float(np.sum(resid**2))
    dof = n - k
    J = jac(res.x)
    try:
        s2 = ss / dof if dof > 0 else math.nan
        cov = s2 * np.linalg.pinv(J.T @ J)
        se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        tq = float(stats.t.ppf(0.975, dof)) if dof > 0 else math.nan
    except np.linalg.LinAlgError:  # pragma: no cover - pinv does not raise in practice
        se, tq = np.full(k, math.nan), math.nan
    # R^2 against the observations' spread around each side's mean (scaled as the residuals)
    mr, mb = np.isfinite(b.red), np.isfinite(b.blue)
    mr[0] = mb[0] = False
    ys = np.concatenate([b.red[mr] / b.red[0], b.blue[mb] / b.blue[0]])
    groups = np.concatenate([np.zeros(mr.sum()), np.ones(mb.sum())])
    sst = sum(float(np.sum((ys[groups == g] - ys[groups == g].mean()) ** 2)) for g in (0, 1))
    r2 = 1.0 - ss / sst if sst > 0 else math.nan
    aic = n * math.log(max(ss, 1e-300) / n) + 2 * k if n > 0 else math.nan
    ci = []
    for i, _name in enumerate(spec.names):
        lo, hi = res.x[i] - tq * se[i], res.x[i] + tq * se[i]
        ci.append((lo, hi))
    out = FitResult(
        law,
        float(np.exp(res.x[0])),
        float(np.exp(res.x[1])),
        (float(np.exp(ci[0][0])), float(np.exp(ci[0][1]))),
        (float(np.exp(ci[1][0])), float(np.exp(ci[1][1]))),
        r2,
        aic,
        n,
        converged=bool(res.success),
        residual_sd=math.sqrt(s2) if dof > 0 else math.nan,
    )
    for i, name in enumerate(spec.names[2:], start=2):
        out.exponents[name] = float(res.x[i])
        out.exponents_ci[name] = (
            float(max(ci[i][0], spec.lower[i])),
            float(min(ci[i][1], spec.upper[i])),
        )
    return out


def fit(data: pd.DataFrame | Path | str, law: str = "square") -> FitResult | list[FitResult]:
    """Fit ``law`` (or every law with ``law="all"``) to daily battle data."""
    b = read_battle(data)
    if law == "all":
        return [fit_battle(b, name) for name in FIT_LAWS]
    return fit_battle(b, law)

"""The CDB90 validation's winner prediction (attacker wins v loses, draws left out),
cross-validated in :data:`FOLDS` folds: (a) a logistic regression on the log force ratio;
(b) the square law and (c) the linear law with the advantage fitted on the training folds
(the median V of the battle's era), turned into a probability by a logistic slope fitted on
the training folds; against the base rate (see :mod:`.cdb90`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import optimize

FloatArray = NDArray[np.float64]
ERAS: tuple[tuple[str, int, int], ...] = (
    ("1600-1799", 1600, 1799),
    ("1800-1899", 1800, 1899),
    ("1900-1938", 1900, 1938),
    ("1939-1945", 1939, 1945),
    ("1946-1973", 1946, 2000),
)
FOLDS = 5


def _logistic_fit(x: FloatArray, y: FloatArray, intercept: bool = True) -> FloatArray:
    """Maximum-likelihood logistic regression (1 or 2 parameters)."""

    def nll(b: FloatArray) -> float:
        z = b[0] + b[1] * x if intercept else b[0] * x
        return float(np.sum(np.logaddexp(0, z) - y * z))

    x0 = np.zeros(2 if intercept else 1)
    res = optimize.minimize(nll, x0, method="BFGS")
    out: FloatArray = np.asarray(res.x, dtype=float)
    return out


def _predict(b: FloatArray, x: FloatArray, intercept: bool = True) -> FloatArray:
    z = b[0] + b[1] * x if intercept else b[0] * x
    out: FloatArray = 1.0 / (1.0 + np.exp(-z))
    return out


def _scores(p: FloatArray, y: FloatArray) -> tuple[float, float]:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    acc = float(np.mean((p >= 0.5) == (y == 1)))
    ll = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return acc, ll


#: The fewest decided battles with usable numbers the winner prediction is cross-validated
#: on: two per fold (fewer left a fold's training set empty: "Mean of empty slice").
MIN_BATTLES = 2 * FOLDS
#: Below this many battles the winner prediction says its folds are small (a note).
SMALL_SAMPLE = 100


def _separated(z: FloatArray, y: FloatArray, intercept: bool = True) -> bool:
    """Whether ``z`` separates the outcomes ``y`` (1/0) completely or quasi-completely, so
    that the logistic fit's slope has no finite maximum-likelihood value (it runs off until
    the optimiser stops, and the held-out battles get probabilities near 0 and 1): a
    threshold (with an intercept) or 0 (without) with every win on one side and every loss
    on the other; one outcome alone counts as separated with an intercept."""
    win, loss = z[y == 1], z[y == 0]
    if not intercept:
        return bool(
            (np.all(win >= 0) and np.all(loss <= 0)) or (np.all(win <= 0) and np.all(loss >= 0))
        )
    if win.size == 0 or loss.size == 0:
        return True
    return bool(win.min() >= loss.max() or win.max() <= loss.min())


def predict_winner(df: pd.DataFrame, seed: int = 1990) -> pd.DataFrame:
    """Out-of-fold winner probabilities for the base rate and the three predictors; none
    (no rows) below :data:`MIN_BATTLES` battles.  ``attrs["separated"]``: the predictors
    whose training data a fold separates (:func:`_separated`)."""
    d = df[df["usable"] & df["wina"].isin([1.0, -1.0]) & np.isfinite(df["log_force_ratio"])]
    d = d.reset_index(drop=True)
    if len(d) < MIN_BATTLES:
        d = d.iloc[:0]
    y = (d["wina"] == 1.0).to_numpy(dtype=float)
    x = d["log_force_ratio"].to_numpy(dtype=float)
    folds = np.random.default_rng(seed).permutation(len(d)) % FOLDS
    preds = {k: np.zeros(len(d)) for k in ("base", "force_ratio", "square", "linear")}
    separated: set[str] = set()
    for f in range(FOLDS if len(d) else 0):
        tr, te = folds != f, folds == f
        preds["base"][te] = y[tr].mean()
        if _separated(x[tr], y[tr]):
            separated.add("force_ratio")
        b = _logistic_fit(x[tr], y[tr])
        preds["force_ratio"][te] = _predict(b, x[te])
        for key, col, scale in (("square", "V", 1.0), ("linear", "V_lin", 1.0)):
            # the advantage of the battle's era, from the training folds only
            adv = d[col].to_numpy(dtype=float)
            eras = d["era"].to_numpy()
            med = {e: float(np.median(adv[tr & (eras == e)])) for e in set(eras[tr])}
            overall = float(np.median(adv[tr]))
            shift = np.array([med.get(e, overall) for e in eras])
            z = scale * x - shift if key == "square" else x - shift
            if _separated(z[tr], y[tr], intercept=False):
                separated.add(key)
            k = _logistic_fit(z[tr], y[tr], intercept=False)
            preds[key][te] = _predict(k, z[te], intercept=False)
    out = d[["isqno", "name", "era", "wina"]].copy()
    out["y"] = y
    for name, pv in preds.items():
        out[f"p_{name}"] = pv
    out = pd.DataFrame(out)
    out.attrs["separated"] = sorted(separated)
    return out


def winner_notes(pred: pd.DataFrame) -> list[str]:
    """What the reader of the winner prediction's scores should know: too few battles to
    cross-validate, few battles (small folds), a predictor that separates a fold's battles."""
    n = len(pred)
    if n == 0:
        return [
            f"winner prediction: fewer than {MIN_BATTLES} decided battles with usable strengths "
            f"and casualties, too few for {FOLDS}-fold cross-validation: not scored"
        ]
    out = []
    if n < SMALL_SAMPLE:
        out.append(
            f"winner prediction: {n} battles only, folds of about {n // FOLDS}: the scores vary "
            "much with the folds, and a difference between predictors is rarely significant"
        )
    sep = pred.attrs.get("separated") or []
    if sep:
        out.append(
            f"winner prediction: in some training folds {', '.join(sep)} separates the winners "
            "from the losers completely; the logistic slope then has no finite estimate (it "
            "grows until the optimiser stops), the held-out battles get probabilities near 0 "
            "and 1, and the log-loss of a wrong one is large: read its log-loss with care"
        )
    return out


def score_table(pred: pd.DataFrame) -> pd.DataFrame:
    rows = []
    labels = [e for e, _, _ in ERAS] + ["unknown"]
    groups = [("all", pred)] + [(e, pred[pred["era"] == e]) for e in labels]
    for label, g in groups:
        if len(g) == 0:
            continue
        y = g["y"].to_numpy(dtype=float)
        row: dict[str, Any] = {
            "era": label,
            "battles": len(g),
            "attacker_win_rate": float(y.mean()),
        }
        for k in ("base", "force_ratio", "square", "linear"):
            acc, ll = _scores(g[f"p_{k}"].to_numpy(dtype=float), y)
            row[f"{k}_accuracy"] = acc
            row[f"{k}_log_loss"] = ll
        rows.append(row)
    return pd.DataFrame(rows)

"""Validation on the CDB90 database of about 660 battles (US Army CAA; tidy version by
J. B. Arnold, jrnold/CDB90), read from a path and never copied into the project.

The traps its PROVENANCE.md names are handled: the outcome (``wina``) is read from the
patched original table, because the tidy ``battles.csv`` blanks negative codes; durations
would come from ``active_periods.csv`` (the year is taken from there too); strengths stored as
text are parsed as numbers and anything else fails loudly, naming the file, row and column.

For each battle with both sides' initial strengths and casualties, Helmbold's defender
advantage V = 1/2 ln((A0^2 - Af^2) / (D0^2 - Df^2)) (square law) and its linear-law
analogue ln(cas_A / cas_D).  Winner prediction (attacker wins v loses; draws left out),
cross-validated in 5 folds: (a) a logistic regression on the log force ratio; (b) the square
law and (c) the linear law with the advantage fitted on the training folds (the median V of
the battle's era), turned into a probability by a logistic slope fitted on the training
folds; against the base rate.  Eastern Front 1941-45 (German v Soviet): the square-law
ratio of German to Soviet per-capita kill rates, (S0^2 - Sf^2) / (G0^2 - Gf^2).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import optimize

from forceratio.errors import InputError

FloatArray = NDArray[np.float64]
ERAS: tuple[tuple[str, int, int], ...] = (
    ("1600-1799", 1600, 1799),
    ("1800-1899", 1800, 1899),
    ("1900-1938", 1900, 1938),
    ("1939-1945", 1939, 1945),
    ("1946-1973", 1946, 2000),
)
FOLDS = 5


def default_path() -> Path | None:
    """``../shared/data/cdb90`` next to the checkout or the working directory, if present."""
    here = Path(__file__).resolve()
    for base in [Path.cwd(), *here.parents]:
        cand = base.parent / "shared" / "data" / "cdb90"
        if (cand / "data" / "battles.csv").exists():
            return cand
        cand = base / "shared" / "data" / "cdb90"
        if (cand / "data" / "battles.csv").exists():
            return cand
    return None


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    except FileNotFoundError:
        raise InputError(str(path), "file not found (is --path the CDB90 folder?)") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"malformed CSV: {exc}") from None


def _number(text: str, path: Path, row: int, col: str) -> float:
    """A number, or NaN for an empty cell; anything else is an error."""
    t = (text or "").strip()
    if not t:
        return math.nan
    try:
        x = float(t)
    except ValueError:
        raise InputError(f"{path}: row {row}, column {col}", f"not a number: {t!r}") from None
    if not math.isfinite(x):
        raise InputError(f"{path}: row {row}, column {col}", f"not finite: {t!r}")
    return x


def load(path: Path | str) -> pd.DataFrame:
    """One row per battle: isqno, name, war, year, wina, a0, ac, d0, dc, attacker and
    defender names."""
    root = Path(path)
    patched = root / "src-data" / "CDB90" / "CDB90-patched.csv"
    bell = root / "data" / "belligerents.csv"
    periods = root / "data" / "active_periods.csv"
    battles = root / "data" / "battles.csv"
    wina: dict[int, float] = {}
    year_patched: dict[int, float] = {}
    for i, r in enumerate(_rows(patched)):
        k = int(_number(r.get("ISQNO", ""), patched, i + 2, "ISQNO"))
        wina[k] = _number(r.get("WINA", ""), patched, i + 2, "WINA")
        year_patched[k] = _number(r.get("YR1", ""), patched, i + 2, "YR1")
    year: dict[int, int] = {}
    for i, r in enumerate(_rows(periods)):
        k = int(_number(r["isqno"], periods, i + 2, "isqno"))
        start = (r.get("start_time_min") or "").strip()
        if start and k not in year:
            try:
                year[k] = int(start[:4])
            except ValueError:
                raise InputError(
                    f"{periods}: row {i + 2}, column start_time_min", f"no year in {start!r}"
                ) from None
    sides: dict[tuple[int, int], dict[str, Any]] = {}
    for i, r in enumerate(_rows(bell)):
        k = int(_number(r["isqno"], bell, i + 2, "isqno"))
        att = int(_number(r["attacker"], bell, i + 2, "attacker"))
        sides[(k, att)] = {
            "n0": _number(r["intst"], bell, i + 2, "intst"),
            "cas": _number(r["cas"], bell, i + 2, "cas"),
            "name": r.get("nam", ""),
        }
    out = []
    for i, r in enumerate(_rows(battles)):
        k = int(_number(r["isqno"], battles, i + 2, "isqno"))
        if (k, 1) not in sides or (k, 0) not in sides:
            raise InputError(f"{bell}", f"battle {k} lacks an attacker or a defender row")
        if k not in wina:
            raise InputError(f"{patched}", f"battle {k} is missing from the patched table")
        yr = year.get(k)
        if yr is None and math.isfinite(year_patched.get(k, math.nan)) and year_patched[k] < 9000:
            yr = int(year_patched[k])
        a, d = sides[(k, 1)], sides[(k, 0)]
        out.append(
            {
                "isqno": k,
                "name": r["name"],
                "war": r["war"],
                "year": yr,
                "wina": wina[k],
                "a0": a["n0"],
                "ac": a["cas"],
                "d0": d["n0"],
                "dc": d["cas"],
                "attacker": a["name"],
                "defender": d["name"],
            }
        )
    return pd.DataFrame(out)


def advantage(df: pd.DataFrame) -> pd.DataFrame:
    """Add V (square), V_lin (linear) and the usable flag."""
    a0, ac, d0, dc = (df[c].to_numpy(dtype=float) for c in ("a0", "ac", "d0", "dc"))
    ok = (
        np.isfinite(a0) & np.isfinite(ac) & np.isfinite(d0) & np.isfinite(dc)
        & (a0 > 0) & (d0 > 0) & (ac > 0) & (dc > 0) & (ac < a0) & (dc < d0)
    )  # fmt: skip
    with np.errstate(divide="ignore", invalid="ignore"):
        v = 0.5 * np.log((a0**2 - (a0 - ac) ** 2) / (d0**2 - (d0 - dc) ** 2))
        vlin = np.log(ac / dc)
        lfr = np.log(a0 / d0)
    out = df.copy()
    out["V"] = np.where(ok, v, np.nan)
    out["V_lin"] = np.where(ok, vlin, np.nan)
    out["log_force_ratio"] = np.where(np.isfinite(lfr), lfr, np.nan)
    out["usable"] = ok
    out["era"] = [_era(y) for y in df["year"]]
    return out


def _era(year: Any) -> str:
    if year is None or (isinstance(year, float) and math.isnan(year)):
        return "unknown"
    for label, lo, hi in ERAS:
        if lo <= int(year) <= hi:
            return label
    return "unknown"


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


def predict_winner(df: pd.DataFrame, seed: int = 1990) -> pd.DataFrame:
    """Out-of-fold winner probabilities for the base rate and the three predictors."""
    d = df[df["usable"] & df["wina"].isin([1.0, -1.0]) & np.isfinite(df["log_force_ratio"])]
    d = d.reset_index(drop=True)
    y = (d["wina"] == 1.0).to_numpy(dtype=float)
    x = d["log_force_ratio"].to_numpy(dtype=float)
    folds = np.random.default_rng(seed).permutation(len(d)) % FOLDS
    preds = {k: np.zeros(len(d)) for k in ("base", "force_ratio", "square", "linear")}
    for f in range(FOLDS):
        tr, te = folds != f, folds == f
        preds["base"][te] = y[tr].mean()
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
            k = _logistic_fit(z[tr], y[tr], intercept=False)
            preds[key][te] = _predict(k, z[te], intercept=False)
    out = d[["isqno", "name", "era", "wina"]].copy()
    out["y"] = y
    for name, pv in preds.items():
        out[f"p_{name}"] = pv
    return pd.DataFrame(out)


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


def eastern_front(df: pd.DataFrame) -> pd.DataFrame:
    """German v Soviet battles of 1941-45 with both sides' strengths and casualties, and the
    square-law ratio of German to Soviet per-capita kill rates."""
    ef = df[
        df["war"].str.contains("EASTERN FRONT", na=False) & df["war"].str.contains("II", na=False)
    ]
    rows = []
    for r in ef.to_dict(orient="records"):
        att, dfn = str(r["attacker"]).upper(), str(r["defender"]).upper()
        if att.startswith("GER") and dfn.startswith("SOV"):
            g0, gc, s0, sc = r["a0"], r["ac"], r["d0"], r["dc"]
            german = "attacker"
        elif att.startswith("SOV") and dfn.startswith("GER"):
            s0, sc, g0, gc = r["a0"], r["ac"], r["d0"], r["dc"]
            german = "defender"
        else:
            continue
        vals = [float(v) for v in (g0, gc, s0, sc)]
        if not all(math.isfinite(v) and v > 0 for v in vals) or gc >= g0 or sc >= s0:
            continue
        ratio = (s0**2 - (s0 - sc) ** 2) / (g0**2 - (g0 - gc) ** 2)
        rows.append(
            {
                "isqno": r["isqno"],
                "name": r["name"],
                "year": int(r["year"])
                if r["year"] is not None and r["year"] == r["year"]
                else None,
                "german": german,
                "german_strength": g0,
                "soviet_strength": s0,
                "german_casualties": gc,
                "soviet_casualties": sc,
                "casualty_exchange": sc / gc,
                "effectiveness_ratio": ratio,
            }
        )
    return pd.DataFrame(rows)


def _int_or_none(x: Any) -> int | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else int(x)


@dataclass(frozen=True)
class Validation:
    battles: int
    usable: int
    scores: pd.DataFrame
    eastern: pd.DataFrame
    eastern_quantiles: dict[str, float]
    excluded: dict[str, int]


def validate(path: Path | str) -> Validation:
    df = advantage(load(path))
    pred = predict_winner(df)
    ef = eastern_front(df)
    q: dict[str, float] = {}
    if len(ef):
        r = ef["effectiveness_ratio"].to_numpy(dtype=float)
        for p in (0.05, 0.25, 0.5, 0.75, 0.95):
            q[f"q{round(p * 100):02d}"] = float(np.quantile(r, p))
        q["geometric_mean"] = float(np.exp(np.mean(np.log(r))))
        q["n"] = float(len(r))
    excluded = {
        "draws": int((df["wina"] == 0).sum()),
        "outcome unknown": int((~df["wina"].isin([0.0, 1.0, -1.0])).sum()),
        "missing or impossible strengths/casualties": int((~df["usable"]).sum()),
    }
    return Validation(len(df), int(df["usable"].sum()), score_table(pred), ef, q, excluded)


def markdown(v: Validation, path: str) -> str:
    """VALIDATION.md."""
    lines = [
        "# Validation on CDB90",
        "",
        "Generated by `forceratio validate cdb90 --write VALIDATION.md` from the CDB90 copy at",
        f"`{path}` (US Army Concepts Analysis Agency; tidy version by J. B. Arnold, jrnold/CDB90,",
        "ODC-BY). Do not edit by hand.",
        "",
        f"{v.battles} battles; {v.usable} with both sides' initial strengths and casualties.",
        "Left out of the winner prediction: "
        + "; ".join(f"{k}: {n}" for k, n in v.excluded.items())
        + ".",
        "",
        "## Predicting the winner (attacker wins v loses), 5-fold cross-validated",
        "",
        "Predictors: the base rate (the training folds' attacker-win rate); a logistic",
        "regression on",
        "the log force ratio ln(A0/D0); the square law with Helmbold's defender advantage",
        "V = 1/2 ln((A0^2 - Af^2)/(D0^2 - Df^2)) fitted as the training folds' median for the",
        "battle's era (attacker predicted to win when ln(A0/D0) > V); the linear law likewise with",
        "ln(cas_A/cas_D). Probabilities from a logistic slope fitted on the training folds. A",
        "battle's own casualties never enter its own prediction.",
        "",
        v.scores.to_markdown(index=False, floatfmt=".3f"),
        "",
        "## Eastern Front 1941-45, German v Soviet",
        "",
        "The square-law ratio of German to Soviet per-capita kill rates,",
        "(S0^2 - Sf^2)/(G0^2 - Gf^2), per battle:",
        "",
        v.eastern.to_markdown(index=False, floatfmt=".3f") if len(v.eastern) else "(none)",
        "",
        "Distribution: " + ", ".join(f"{k} = {x:.3f}" for k, x in v.eastern_quantiles.items()),
        "",
        "The `modifiers` table carries the median with the quartiles as its range",
        "(source `cdb90`);",
        "the 1941 scenarios use it as the sourced range of the German edge (see the README).",
        "",
    ]
    return "\n".join(lines)

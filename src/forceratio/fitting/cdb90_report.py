"""The CDB90 validation as a whole (``forceratio validate cdb90``): the tables of
:mod:`.cdb90`, the paired-bootstrap comparisons that say which differences the evidence
supports, and VALIDATION.md."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forceratio.errors import InputError
from forceratio.fitting import cdb90
from forceratio.fitting.cdb90_summary import MIN_EDGE_BATTLES, resampled
from forceratio.io.files import output_path

PAIRS: tuple[tuple[str, str], ...] = (
    ("force_ratio", "base"),
    ("square", "base"),
    ("linear", "base"),
    ("square", "linear"),
    ("square", "force_ratio"),
)
DRAWS = 4000


def _losses(p: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p)), ((p >= 0.5) == (y == 1)).astype(float)


COMPARISON_COLUMNS = (
    "battles", "n", "comparison", "log_loss_gain", "gain_lo95", "gain_hi95", "accuracy_gain",
    "accuracy_lo95", "accuracy_hi95", "significant_95", "significant_bonferroni",
)  # fmt: skip


def comparisons(
    pred: pd.DataFrame, seed: int = 1990, chunk_bytes: int | None = None
) -> pd.DataFrame:
    """Each pair of predictors (a v b) in each group of battles (all, each era): the gain
    in log-loss (b's minus a's: positive when a predicts better) and in accuracy (a's minus
    b's), with paired-bootstrap 95% intervals (the battles of the group resampled, both
    predictors scored on the same draw), and whether the log-loss interval excludes 0 at
    95% and after a Bonferroni correction for the number of comparisons.  The resamples are
    drawn a block at a time (:func:`.cdb90_summary.resampled`, ``chunk_bytes``): the same
    numbers in bounded memory."""
    rng = np.random.default_rng(seed)
    labels = [e for e, _, _ in cdb90.ERAS] + ["unknown"]
    groups = [("all", pred)] + [(e, pred[pred["era"] == e]) for e in labels]
    groups = [(g, d) for g, d in groups if len(d) > 0]
    m = len(groups) * len(PAIRS)
    alpha = 0.05 / max(m, 1)
    rows = []
    for label, g in groups:
        y = g["y"].to_numpy(dtype=float)
        gains = []
        for a, b in PAIRS:
            la, ca = _losses(g[f"p_{a}"].to_numpy(dtype=float), y)
            lb, cb = _losses(g[f"p_{b}"].to_numpy(dtype=float), y)
            gains += [lb - la, ca - cb]
        boot = resampled(gains, DRAWS, rng, np.mean, chunk_bytes)
        for i, (a, b) in enumerate(PAIRS):
            dl, dc = gains[2 * i], gains[2 * i + 1]
            bl, bc = boot[2 * i], boot[2 * i + 1]
            lo, hi = np.quantile(bl, [0.025, 0.975])
            blo, bhi = np.quantile(bl, [alpha / 2, 1 - alpha / 2])
            clo, chi = np.quantile(bc, [0.025, 0.975])
            rows.append(
                {
                    "battles": label,
                    "n": len(g),
                    "comparison": f"{a} v {b}",
                    "log_loss_gain": float(dl.mean()),
                    "gain_lo95": float(lo),
                    "gain_hi95": float(hi),
                    "accuracy_gain": float(dc.mean()),
                    "accuracy_lo95": float(clo),
                    "accuracy_hi95": float(chi),
                    "significant_95": bool(lo > 0 or hi < 0),
                    "significant_bonferroni": bool(blo > 0 or bhi < 0),
                }
            )
    out = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    # bool even with no row: a mask of an empty object column selects columns, not rows
    return out.astype({"significant_95": bool, "significant_bonferroni": bool})


def exclusions(df: pd.DataFrame) -> dict[str, int]:
    """Battles left out of the winner prediction, each counted once, in this order."""
    left = df
    out: dict[str, int] = {}
    for label in ("missing or impossible strengths/casualties", "outcome unknown", "draws"):
        if label == "draws":
            mask = left["wina"] == 0
        elif label == "outcome unknown":
            mask = ~left["wina"].isin([0.0, 1.0, -1.0])
        else:
            mask = ~(left["usable"] & np.isfinite(left["log_force_ratio"]))
        out[label] = int(mask.sum())
        left = left[~mask]
    return out


def strength_sources(df: pd.DataFrame) -> dict[str, int]:
    """How many sides of the usable battles take their strength from where."""
    u = df[df["usable"]]
    counts = pd.concat([u["a_strength_from"], u["d_strength_from"]]).value_counts()
    return {str(k): int(v) for k, v in counts.items()}


@dataclass(frozen=True)
class Validation:
    battles: int
    usable: int
    excluded: dict[str, int]
    strength_sources: dict[str, int]
    scores: pd.DataFrame
    comparisons: pd.DataFrame
    eastern: pd.DataFrame
    eastern_left_out: pd.DataFrame
    edge: pd.DataFrame
    carried: dict[str, float]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        from forceratio.fitting.result import json_safe

        out: dict[str, Any] = json_safe(
            {
                "tables_read": list(cdb90.TABLES),
                "battles": self.battles,
                "usable": self.usable,
                "excluded": self.excluded,
                "strength_sources": self.strength_sources,
                "winner_prediction": self.scores.to_dict(orient="records"),
                "comparisons": self.comparisons.to_dict(orient="records"),
                "eastern_front": self.eastern.to_dict(orient="records"),
                "eastern_front_left_out": self.eastern_left_out.to_dict(orient="records"),
                "eastern_front_edge_by_law": self.edge.to_dict(orient="records"),
                "carried_in_modifiers": self.carried,
                "notes": list(self.notes),
            }
        )
        return out


def validate(path: Path | str) -> Validation:
    df = cdb90.advantage(cdb90.load(path))
    pred = cdb90.predict_winner(df)
    ef, left = cdb90.eastern_front(df)
    if len(pred) == 0 and len(ef) == 0:
        raise InputError(
            str(path),
            f"{len(df)} battle(s), {int(df['usable'].sum())} with usable strengths and "
            f"casualties: fewer than the {cdb90.MIN_BATTLES} decided ones the winner prediction "
            "needs, and no German-Soviet battle of World War II: nothing to validate",
        )
    summary = cdb90.edge_summary(ef)
    notes = cdb90.winner_notes(pred)
    if len(ef) == 0:
        notes.append("Eastern Front: no German-Soviet battle with usable numbers: no edge")
    elif 0 < summary["battles"].min() < MIN_EDGE_BATTLES:
        notes.append(
            f"Eastern Front: {int(summary['battles'].min())} battle(s), fewer than "
            f"{MIN_EDGE_BATTLES}: the median's 95% interval is open (no interval of a median "
            "from so few values holds 95% without assuming their shape)"
        )
    return Validation(
        battles=len(df),
        usable=int(df["usable"].sum()),
        excluded=exclusions(df),
        strength_sources=strength_sources(df),
        scores=cdb90.score_table(pred),
        comparisons=comparisons(pred),
        eastern=ef,
        eastern_left_out=left,
        edge=summary,
        carried=cdb90.carried_range(summary),
        notes=tuple(notes),
    )


def check_write(root: Path, write: Path, field: str = "--write") -> Path:
    """Refuse an output (``--write``, ``--left-out``: ``field``) that would replace the data
    it reads: a path inside the CDB90 folder, or one of its tables under another name (a
    hard or symbolic link); and, as for every output, a path that exists and is not a
    regular file.  Returns the target."""
    target = output_path(write, field)
    folder = Path(os.path.realpath(root))
    if target == folder or folder in target.parents:
        raise InputError(
            field,
            f"{write} is inside the CDB90 folder {root}, the report's input: write it elsewhere",
        )
    for table in cdb90.tables(root):
        if table.exists() and target.exists() and os.path.samefile(table, target):
            raise InputError(
                field,
                f"{write} is the CDB90 table {table}, the report's input: write it elsewhere",
            )
    return target


def _verdict(v: Validation) -> list[str]:
    c = v.comparisons
    m = len(c)
    sig = c[c["significant_95"]]
    bon = c[c["significant_bonferroni"]]
    lines = [
        f"{m} comparisons ({len(PAIRS)} pairs of predictors in {m // len(PAIRS)} groups of "
        f"battles). {len(sig)} have a 95% log-loss interval that excludes 0 (about "
        f"{0.05 * m:.1f} would by chance alone); after a Bonferroni correction for the "
        f"number of comparisons, {len(bon)}:",
        "",
    ]
    for r in sig.to_dict(orient="records"):
        better = r["comparison"].split(" v ")[0 if r["log_loss_gain"] > 0 else 1]
        lines.append(
            f"* {r['battles']} ({r['n']} battles), {r['comparison']}: {better} predicts "
            f"better, log-loss gain {r['log_loss_gain']:+.3f} "
            f"[{r['gain_lo95']:+.3f}, {r['gain_hi95']:+.3f}]"
            + (" (holds after Bonferroni)" if r["significant_bonferroni"] else "")
        )
    lines += ["", "Every other difference in the table is not significant.", ""]
    return lines


def markdown(v: Validation, path: str) -> str:
    """VALIDATION.md."""
    ex = "; ".join(f"{k}: {n}" for k, n in v.excluded.items())
    used = v.battles - sum(v.excluded.values())
    src = ", ".join(f"{k} {n}" for k, n in v.strength_sources.items())
    lines = [
        "# Validation on CDB90",
        "",
        "Generated by `forceratio validate cdb90 --write VALIDATION.md` from the CDB90 copy at",
        f"`{path}` (US Army Concepts Analysis Agency; tidy version by J. B. Arnold, jrnold/CDB90,",
        "ODC-BY). Do not edit by hand.",
        "",
        "Tables read (no other file of the folder is read; its other tables may be absent):",
        ", ".join(f"`{t}`" for t in cdb90.TABLES) + ".",
        "",
        "## The battles used",
        "",
        f"{v.battles} battles; {v.usable} with both sides' strength engaged and casualties",
        "(0 < casualties <= strength). A side's strength engaged is its initial strength plus the",
        "reinforcements that joined during the battle (`rerp`); where the initial strength is",
        "missing, the total-strength field `str` when its code says it is the initial strength",
        "(1) or the total engaged (3), never the average daily strength (code 2). Sides of the",
        f"usable battles by source: {src}.",
        "",
        "A battle's year is its first active period's start, or its end where the start is",
        "not recorded (429 Aprilia II, February 1944, had fallen into an 'unknown' era).",
        "",
        f"Left out of the winner prediction, each battle counted once in this order: {ex};",
        f"{used} used.",
        "",
        "## Predicting the winner (attacker wins v loses), 5-fold cross-validated",
        "",
        "Predictors: the base rate (the training folds' attacker-win rate); a logistic",
        "regression on the log force ratio ln(A0/D0); the square law with Helmbold's defender",
        "advantage V = 1/2 ln((A0^2 - Af^2)/(D0^2 - Df^2)) fitted as the training folds' median",
        "for the battle's era (attacker predicted to win when ln(A0/D0) > V); the linear law",
        "likewise with ln(cas_A/cas_D). Probabilities from a logistic slope fitted on the",
        "training folds. A battle's own casualties never enter its own prediction.",
        "",
        _table(v.scores, "(not scored: too few battles)"),
        "",
        "### Which differences the evidence supports",
        "",
        "Paired bootstrap (4000 resamples of the battles in each group; both predictors scored",
        "on the same resample). Gain = the second predictor's log-loss minus the first's",
        "(positive: the first predicts better); accuracy gain likewise.",
        "",
        _table(v.comparisons, "(none)"),
        "",
        *(_verdict(v) if len(v.comparisons) else []),
        "## Eastern Front 1941-45, German v Soviet",
        "",
        "The ratio of German to Soviet per-capita kill rates implied by each battle, under",
        "each law: square (S0^2 - Sf^2)/(G0^2 - Gf^2); linear (area fire) the casualty",
        "exchange cas_S/cas_G; logarithmic ln(S0/Sf)/ln(G0/Gf). Strengths are those engaged",
        "(initial + reinforcements), Sf = S0 - cas_S. The battles are selected by their sides (a",
        'German one and a Soviet one, "SOV ..." or "USSR ...") among the World War II battles,',
        "not by the war label: CDB90 labels four German-Soviet battles of 1945 (512-515)",
        '"WORLD WAR II (OKINAWA)" (docs/cdb90.md).',
        "",
        *_used(v),
        *_left_out(v),
        *_edge(v),
        *_carried(v),
        *(["## Notes", "", *(f"* {n}." for n in v.notes), ""] if v.notes else []),
    ]
    return "\n".join(lines)


def _table(df: pd.DataFrame, empty: str) -> str:
    """``df`` as a Markdown table, a missing or non-finite cell as a dash (never "nan")."""
    if not len(df):
        return empty
    cells = df.astype(object).where(df.map(_present), None)
    return str(cells.to_markdown(index=False, floatfmt=".3f", missingval="—"))


def _present(x: object) -> bool:
    return x is not None and not (isinstance(x, float | np.floating) and not np.isfinite(x))


#: The most battles VALIDATION.md lists in the Eastern Front's tables: the left-out ones are
#: all counted by reason, the rest are in ``--left-out FILE`` and ``--format json``.
LISTED_LEFT_OUT = 20
LISTED_USED = 100


def _used(v: Validation) -> list[str]:
    ef, n = v.eastern, len(v.eastern)
    head = [] if n <= LISTED_USED else [
        f"{n} battles; the first {LISTED_USED} listed (all of them: `--format json`, "
        "`eastern_front`):",
        "",
    ]  # fmt: skip
    return [*head, _table(ef.head(LISTED_USED), "(none)"), ""]


def left_out_counts(left: pd.DataFrame) -> list[tuple[str, int]]:
    """The Eastern Front's left-out battles counted by reason, the most common first."""
    counts = left["reason"].value_counts()
    return sorted(((str(k), int(c)) for k, c in counts.items()), key=lambda x: (-x[1], x[0]))


def _left_out(v: Validation) -> list[str]:
    left, n = v.eastern_left_out, len(v.eastern_left_out)
    if n == 0:
        return ["Left out: none.", ""]
    by = pd.DataFrame(left_out_counts(left), columns=["reason", "battles"])
    listed = (
        f"The first {LISTED_LEFT_OUT} by ISQNO (all {n}: `forceratio validate cdb90 "
        "--left-out FILE` writes them as CSV; `--format json`, `eastern_front_left_out`):"
        if n > LISTED_LEFT_OUT
        else "They are:"
    )
    rows = left.sort_values("isqno", kind="stable").head(LISTED_LEFT_OUT)
    return [
        f"Left out: {n} German-Soviet battle{'s' if n != 1 else ''}, by reason:",
        "",
        _table(by, "(none)"),
        "",
        listed,
        "",
        _table(rows, "(none)"),
        "",
    ]


def _edge(v: Validation) -> list[str]:
    if int(v.edge["battles"].sum()) == 0:
        n = len(v.eastern_left_out)
        why = (
            "the tables hold no German-Soviet battle of World War II"
            if n == 0
            else f"none of the {n} German-Soviet battles found has usable numbers (left out above)"
        )
        return [f"The German edge by law: no battle qualifies ({why}).", ""]
    return [
        "The German edge by law (median with a bootstrap 95% interval, battles resampled):",
        "",
        _table(v.edge, "(none)"),
        "",
    ]


def _carried(v: Validation) -> list[str]:
    if not np.isfinite(v.carried["value"]):
        return [
            "No battle gives an edge: the `modifiers` table's `cdb90` value cannot be drawn",
            "from these tables.",
            "",
        ]
    return [
        "The edge depends on the law assumed: it is a property of a law fitted to the battles,",
        "not a number the battles give by themselves. The `modifiers` table (source `cdb90`)",
        f"carries the square-law median {v.carried['value']:.3f} (the engine's law) with a range",
        f"that spans the laws, {v.carried['low']:.3f} to {v.carried['high']:.3f} (the lowest lower",
        "quartile and the highest upper quartile over the three laws); the 12 June scenarios",
        "divide that range by the German:Soviet rate ratio of the whole-record calibration",
        "to get the range of `modifiers.quality.Germany` (see the README).",
        "",
    ]

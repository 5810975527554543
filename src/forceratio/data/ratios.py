"""Force ratios in Meltyukhov's layout: per category the Soviet and the German figure and
the ratio written ``1 : 2.9`` (Soviet : German) or ``2.2 : 1``.

Which rows are a table's headline totals is part of the table's interface (``HEADLINES``).
In the ``strip`` table Meltyukhov's own cells win where a user table fills them in; the
reconstruction is used otherwise, and the ``basis`` column says which.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd

from forceratio.data.schema import parse_dates
from forceratio.errors import InputError

#: table -> list of (basis, Soviet formation, German formation), first filled basis wins
HEADLINES: dict[str, list[tuple[str, str, str]]] = {
    "strip": [
        (
            "Meltyukhov's table",
            "Meltyukhov's strip table: Red Army",
            "Meltyukhov's strip table: German",
        ),
        (
            "reconstructed",
            "Red Army forces in the Ostroleka-Carpathians strip",
            "German forces in the Ostroleka-Carpathians strip",
        ),
    ],
    "north": [
        (
            "reconstructed",
            "Red Army forces facing the Germans north of Ostroleka",
            "German forces north of Ostroleka",
        )
    ],
    "sokolov": [
        (
            "Sokolov (per the article)",
            "main attack of the 15 May 1941 proposal (B. Sokolov's reading)",
            "German divisions the 15 May plan expected to defeat (Sokolov, per the article)",
        )
    ],
}
CATEGORY_ORDER = ("divisions", "personnel", "guns_mortars", "tanks", "aircraft")


def format_ratio(soviet: float, german: float) -> str:
    """``1 : 2.9`` when the Germans lead, ``2.2 : 1`` when the Soviets do (one decimal)."""
    if not (soviet > 0 and german > 0) or math.isnan(soviet) or math.isnan(german):
        return "—"
    if german >= soviet:
        return f"1 : {german / soviet:.1f}"
    return f"{soviet / german:.1f} : 1"


def ratio_range(s_low: float, s_high: float, g_low: float, g_high: float) -> str:
    """The ratio's range over the figures' own ranges (Soviet low over German high to
    Soviet high over German low), in the layout of :func:`format_ratio`; the same ratio
    twice when neither figure has a range."""
    lo, hi = format_ratio(s_low, g_high), format_ratio(s_high, g_low)
    return lo if lo == hi else f"{lo} to {hi}"


def _bound(row: pd.DataFrame, col: str) -> float:
    """A figure's low or high, its value where the table gives none."""
    v = float(row[col].iloc[0])
    return float(row["value"].iloc[0]) if math.isnan(v) else v


def _on(df: pd.DataFrame, date: dt.date) -> pd.DataFrame:
    keep = []
    for a in df["as_of"]:
        try:
            start, end = parse_dates(str(a))
        except ValueError:
            keep.append(False)
            continue
        keep.append(start <= date <= end)
    return df[keep]


def force_ratios(df: pd.DataFrame, name: str, date: str | None = None) -> pd.DataFrame:
    """One row per (date, category): soviet, german (with low/high), ratio, the ratio's range
    over the figures' ranges, basis."""
    if name not in HEADLINES:
        raise InputError(
            "name",
            f"table {name!r} has no force totals; choose one of {', '.join(HEADLINES)}",
        )
    if date is not None:
        # the shape first: fromisoformat also takes 19410622 and 1941-W25-7, not YYYY-MM-DD
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            raise InputError("date", f"expected YYYY-MM-DD, got {date!r}")
        try:
            wanted: list[dt.date] = [dt.date.fromisoformat(date)]
        except ValueError:
            raise InputError("date", f"impossible date {date!r}") from None
    else:
        wanted = []
    rows: list[dict[str, object]] = []
    for basis, soviet_name, german_name in HEADLINES[name]:
        su = df[(df["formation"] == soviet_name) & df["value"].notna()]
        de = df[(df["formation"] == german_name) & df["value"].notna()]
        if su.empty or de.empty:
            continue
        days = wanted or sorted({parse_dates(str(a))[0] for a in pd.concat([su, de])["as_of"]})
        for day in days:
            s_day, g_day = _on(su, day), _on(de, day)
            for cat in CATEGORY_ORDER + tuple(
                c for c in s_day["category"] if c not in CATEGORY_ORDER
            ):
                s = s_day[s_day["category"] == cat]
                g = g_day[g_day["category"] == cat]
                if s.empty or g.empty:
                    continue
                sv, gv = float(s["value"].iloc[0]), float(g["value"].iloc[0])
                bounds = [_bound(s, "low"), _bound(s, "high"), _bound(g, "low"), _bound(g, "high")]
                rows.append(
                    {
                        "date": day.isoformat(),
                        "category": cat,
                        "soviet": sv,
                        "german": gv,
                        "ratio": format_ratio(sv, gv),
                        "ratio_range": ratio_range(*bounds),
                        "soviet_low": float(s["low"].iloc[0]),
                        "soviet_high": float(s["high"].iloc[0]),
                        "german_low": float(g["low"].iloc[0]),
                        "german_high": float(g["high"].iloc[0]),
                        "basis": basis,
                    }
                )
        if rows:
            break
    if not rows:
        when = f" on {date}" if date else ""
        raise InputError(name, f"no Soviet and German totals{when}")
    return pd.DataFrame(rows)

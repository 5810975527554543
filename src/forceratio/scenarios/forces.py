"""Turn a scenario's force parts into numbers: rows of the data tables (or inline figures),
scaled and summed per side and category.  Every figure keeps its low/high so that a sweep
can sample the data's own uncertainty."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from forceratio.data.schema import parse_dates
from forceratio.errors import InputError
from forceratio.scenarios.model import CATEGORIES, ForcePart, TableValue
from forceratio.scenarios.registry import PARAMETERS, Source, lookup

FloatArray = NDArray[np.float64]
Loader = Callable[[str], pd.DataFrame]
SLICE_FORMATION = "division slice: all arms per division, western border (direction tables)"


@dataclass(frozen=True)
class Figures:
    """Per-category value, low and high, shape (K,) each (low = high = value when the
    source gives no range)."""

    value: FloatArray
    low: FloatArray
    high: FloatArray

    @classmethod
    def zeros(cls) -> Figures:
        z = np.zeros(len(CATEGORIES))
        return cls(z, z.copy(), z.copy())

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.value + other.value, self.low + other.low, self.high + other.high)

    def scaled(self, s: float) -> Figures:
        lo, hi = self.low * s, self.high * s
        return Figures(self.value * s, np.minimum(lo, hi), np.maximum(lo, hi))


def _on_date(as_of: str, date: dt.date) -> bool:
    try:
        start, end = parse_dates(as_of)
    except ValueError:
        return False
    return start <= date <= end


def _rows(df: pd.DataFrame, part: ForcePart, side: str, date: str, where: str) -> pd.DataFrame:
    want = part.as_of or date
    day = dt.date.fromisoformat(want)
    sel = df[(df["formation"] == part.formation)]
    if sel.empty:
        raise InputError(f"{where}.formation", f"no rows for {part.formation!r} in {part.table}")
    # a formation holding both sides (an operation in operations_1941) gives each its own rows
    own = sel[sel["side"] == side]
    if not own.empty:
        sel = own
    exact = sel[sel["as_of"] == want]
    sel = exact if not exact.empty else sel[[_on_date(str(a), day) for a in sel["as_of"]]]
    if sel.empty:
        raise InputError(
            f"{where}.as_of", f"{part.table} has no {part.formation!r} rows dated {want}"
        )
    return sel


def _figure(row: pd.DataFrame, where: str, what: str) -> tuple[float, float, float]:
    v = float(row["value"].iloc[0])
    if np.isnan(v):
        raise InputError(where, f"{what} is empty in the table (a figure not found)")
    lo, hi = float(row["low"].iloc[0]), float(row["high"].iloc[0])
    return v, (v if np.isnan(lo) else lo), (v if np.isnan(hi) else hi)


def division_slice(load: Loader, side: str, table: str) -> Figures:
    """The side's all-arms per-division slice (men, guns, tanks, aircraft per division)."""
    df = load(table)
    sel = df[(df["formation"] == SLICE_FORMATION) & (df["side"] == side)]
    out = Figures.zeros()
    for k, cat in enumerate(CATEGORIES):
        row = sel[sel["category"] == cat]
        if row.empty:
            raise InputError(f"{table}", f"no {side} division slice for {cat}")
        out.value[k], out.low[k], out.high[k] = _figure(row, table, f"{side} {cat} slice")
    return out


def resolve_part(part: ForcePart, side: str, date: str, load: Loader, where: str) -> Figures:
    """One part's figures per category (before ``scale``)."""
    out = Figures.zeros()
    if part.inline is not None:
        for k, cat in enumerate(CATEGORIES):
            out.value[k] = out.low[k] = out.high[k] = part.inline.get(cat, 0.0)
        return out
    assert part.table is not None
    try:
        df = load(part.table)
    except InputError as exc:
        # keep a user file's own location (path, row, column) in the message
        problem = exc.problem if exc.field == "table" else str(exc)
        raise InputError(f"{where}.table", problem) from None
    rows = _rows(df, part, side, date, where)
    if part.divisions_via:
        div = rows[rows["category"] == "divisions"]
        if div.empty:
            raise InputError(f"{where}.divisions_via", f"{part.formation!r} has no divisions row")
        d, dlo, dhi = _figure(div, where, "divisions")
        sl = division_slice(load, side, part.divisions_via)
        return Figures(d * sl.value, dlo * sl.low, dhi * sl.high)
    found = False
    for k, cat in enumerate(CATEGORIES):
        row = rows[rows["category"] == cat]
        if row.empty or (part.categories is not None and cat not in part.categories):
            continue
        found = True
        out.value[k], out.low[k], out.high[k] = _figure(row, where, f"{part.formation} {cat}")
    if not found:
        raise InputError(
            f"{where}.formation", f"{part.formation!r} has none of {', '.join(CATEGORIES)}"
        )
    return out


def resolve(parts: list[ForcePart], side: str, date: str, load: Loader, where: str) -> Figures:
    """The sum of ``scale * part``; a negative total in any category is an error."""
    total = Figures.zeros()
    for j, part in enumerate(parts):
        total = total + resolve_part(part, side, date, load, f"{where}.{j}").scaled(part.scale)
    if np.any(total.value < -1e-9):
        k = int(np.argmin(total.value))
        raise InputError(where, f"{CATEGORIES[k]} adds up to {total.value[k]:g} < 0")
    return Figures(np.maximum(total.value, 0), np.maximum(total.low, 0), np.maximum(total.high, 0))


def table_value(load: Loader, path: str, ref: TableValue) -> tuple[float, Source]:
    """A parameter's value from one table row (see :class:`~.model.TableValue`)."""
    where = f"table_values.{path}"
    lookup(path, where)
    df = load(ref.table)
    rows = df[(df["formation"] == ref.formation) & (df["category"] == ref.category)]
    if ref.side is not None:
        rows = rows[rows["side"] == ref.side]
    if len(rows) != 1:
        raise InputError(where, f"expected one {ref.category} row for {ref.formation!r} in "
                         f"{ref.table}, found {len(rows)}")  # fmt: skip
    r = rows.iloc[0]
    v, lo, hi = float(r["value"]), float(r["low"]), float(r["high"])
    found = not np.isnan(v)
    if not found:
        if np.isnan(lo) or np.isnan(hi):
            raise InputError(where, "the figure is empty (not found) and has no bounds")
        v = (lo + hi) / 2.0
    if str(r["unit"]).strip() == "percent":
        v /= 100.0
    PARAMETERS[path].check(np.asarray([v]))
    key, locator = str(r["source"]), str(r["locator"])
    verified = str(r["verified"]).strip().lower() in ("yes", "true")
    what = "" if found else "NOT FOUND, the midpoint of its bounds; "
    cite = f"{key}, {locator}" if locator else key
    text = (f"{ref.table} table, {ref.formation!r} {ref.category}: {what}{cite} "
            f"({'verified' if verified else 'unverified'})")  # fmt: skip
    return v, Source("table", text, key, locator, verified)

"""Turn a scenario's force parts into numbers: rows of the data tables (or inline figures),
scaled and summed per side and category.  Every figure keeps its low/high so that a sweep
can sample the data's own uncertainty."""

from __future__ import annotations

import datetime as dt
import functools
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from forceratio.data.schema import parse_dates
from forceratio.errors import InputError
from forceratio.scenarios.registry import PARAMETERS, Source, lookup
from forceratio.scenarios.schema import CATEGORIES, ForcePart, TableValue

FloatArray = NDArray[np.float64]
Loader = Callable[[str], pd.DataFrame]
SLICE_FORMATION = "division slice: all arms per division, western border (direction tables)"


def load_named(load: Loader, table: str, field: str) -> pd.DataFrame:
    """The table ``table`` named by the scenario's ``field``: an unknown name is that
    field's error, not the loader's; a user table's own error (its file, row and column)
    is kept as it is."""
    try:
        return load(table)
    except InputError as exc:
        if exc.field != "table":
            raise
        raise InputError(field, exc.problem) from None


#: numpy copies of the columns of the tables looked up here, per table (by id, with a weak
#: reference that tells a table from a later one at the same address).
_COLUMNS: dict[int, tuple[weakref.ref[pd.DataFrame], dict[str, NDArray[np.object_]]]] = {}


def column(df: pd.DataFrame, name: str) -> NDArray[np.object_]:
    """``df[name]`` as a numpy object array (a text column's missing values None), kept
    per table: a pandas comparison and boolean selection cost about half a millisecond
    each, and preparing the record scenarios makes hundreds.  The tables are not modified
    after loading."""
    key = id(df)
    ref, cols = _COLUMNS.get(key, (None, {}))
    if ref is None or ref() is not df:
        cols = {}
        _COLUMNS[key] = (weakref.ref(df, functools.partial(_forget, key)), cols)
    if name not in cols:
        col = df[name]
        arr: NDArray[np.object_] = col.to_numpy(dtype=object)
        if col.dtype.kind not in "fiub":
            arr[pd.isna(arr)] = None
        cols[name] = arr
    return cols[name]


def _forget(key: int, _: object) -> None:
    _COLUMNS.pop(key, None)


def select(
    df: pd.DataFrame, rows: NDArray[np.intp] | None = None, **equal: str | None
) -> NDArray[np.intp]:
    """Positions of the rows of ``df`` (among ``rows``, default all) whose columns equal
    ``equal`` (column=value), in table order: ``df[(df[c] == v) & ...]`` is
    ``df.iloc[select(df, c=v, ...)]`` (a value None matches no row)."""
    pos = np.arange(len(df)) if rows is None else rows
    for name, value in equal.items():
        pos = pos[column(df, name)[pos] == value] if value is not None else pos[:0]
    return pos


def row_range(rows: pd.DataFrame, scale: float, field: str) -> list[float]:
    """The [low, high] of a table's one row times ``scale`` (an interval record's range,
    :class:`~forceratio.scenarios.schema_forces.ScenarioRecord`), refused unless
    0 < low < high, both finite (an empty one is NaN, which fails)."""
    ends = [scale * float(rows[c].iloc[0]) for c in ("low", "high")]
    if not 0 < ends[0] < ends[1] < np.inf:
        raise InputError(field, f"the row has no 0 < low < high: {ends}")
    return ends


def side_rows(df: pd.DataFrame, formation: str, category: str, side: str) -> NDArray[np.intp]:
    """Positions of the rows of ``formation`` and ``category``, only ``side``'s when there
    are some (an operation's rows hold both sides)."""
    pos = select(df, formation=formation, category=category)
    own = select(df, pos, side=side) if side else pos[:0]
    return own if own.size else pos


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


def _rows(
    df: pd.DataFrame, part: ForcePart, side: str, date: str | None, where: str
) -> NDArray[np.intp]:
    """Positions of the rows of ``part``'s formation for ``side`` on its date."""
    want = part.as_of or date
    if want is None:
        raise InputError(
            f"{where}.as_of",
            "a table part needs a date to select its rows: give as_of or the scenario's date",
        )
    day = dt.date.fromisoformat(want)
    sel = select(df, formation=part.formation)
    if not sel.size:
        raise InputError(f"{where}.formation", f"no rows for {part.formation!r} in {part.table}")
    # a formation holding both sides (an operation in operations_1941) gives each its own rows
    own = select(df, sel, side=side)
    if own.size:
        sel = own
    exact = select(df, sel, as_of=want)
    dated = [_on_date(str(a), day) for a in column(df, "as_of")[sel]]
    sel = exact if exact.size else sel[np.asarray(dated, dtype=bool)]
    if not sel.size:
        raise InputError(
            f"{where}.as_of", f"{part.table} has no {part.formation!r} rows dated {want}"
        )
    return sel


def _figure(
    df: pd.DataFrame, rows: NDArray[np.intp], where: str, what: str
) -> tuple[float, float, float]:
    """Value, low and high of the first of ``rows`` (low and high default to the value)."""
    i = rows[0]
    v = float(column(df, "value")[i])
    if np.isnan(v):
        raise InputError(where, f"{what} is empty in the table (a figure not found)")
    lo, hi = float(column(df, "low")[i]), float(column(df, "high")[i])
    return v, (v if np.isnan(lo) else lo), (v if np.isnan(hi) else hi)


def division_slice(load: Loader, side: str, table: str) -> Figures:
    """The side's all-arms per-division slice (men, guns, tanks, aircraft per division)."""
    df = load(table)
    sel = select(df, formation=SLICE_FORMATION, side=side)
    out = Figures.zeros()
    for k, cat in enumerate(CATEGORIES):
        row = select(df, sel, category=cat)
        if not row.size:
            raise InputError(f"{table}", f"no {side} division slice for {cat}")
        out.value[k], out.low[k], out.high[k] = _figure(df, row, table, f"{side} {cat} slice")
    return out


def resolve_part(part: ForcePart, side: str, date: str | None, load: Loader, where: str) -> Figures:
    """One part's figures per category (before ``scale``)."""
    out = Figures.zeros()
    if part.inline is not None:
        for k, cat in enumerate(CATEGORIES):
            out.value[k] = out.low[k] = out.high[k] = part.inline.get(cat, 0.0)
        return out
    assert part.table is not None
    df = load_named(load, part.table, f"{where}.table")
    rows = _rows(df, part, side, date, where)
    if part.divisions_via:
        div = select(df, rows, category="divisions")
        if not div.size:
            raise InputError(f"{where}.divisions_via", f"{part.formation!r} has no divisions row")
        d, dlo, dhi = _figure(df, div, where, "divisions")
        sl = division_slice(load, side, part.divisions_via)
        return Figures(d * sl.value, dlo * sl.low, dhi * sl.high)
    found = False
    for k, cat in enumerate(CATEGORIES):
        row = select(df, rows, category=cat)
        if not row.size or (part.categories is not None and cat not in part.categories):
            continue
        found = True
        out.value[k], out.low[k], out.high[k] = _figure(df, row, where, f"{part.formation} {cat}")
    if not found:
        raise InputError(
            f"{where}.formation", f"{part.formation!r} has none of {', '.join(CATEGORIES)}"
        )
    return out


def resolve(
    parts: list[ForcePart], side: str, date: str | None, load: Loader, where: str
) -> Figures:
    """The sum of ``scale * part``; a negative total in any category is an error."""
    total = Figures.zeros()
    for j, part in enumerate(parts):
        total = total + resolve_part(part, side, date, load, f"{where}.{j}").scaled(part.scale)
    if np.any(total.value < -1e-9):
        k = int(np.argmin(total.value))
        raise InputError(where, f"{CATEGORIES[k]} adds up to {total.value[k]:g} < 0")
    return Figures(np.maximum(total.value, 0), np.maximum(total.low, 0), np.maximum(total.high, 0))


#: The units (case aside) of a table row read as a percent of its parameter's value.
PERCENT_UNITS = ("percent", "%")


def table_value(load: Loader, path: str, ref: TableValue) -> tuple[float, Source]:
    """A parameter's value from one table row (see :class:`~.schema.TableValue`)."""
    where = f"table_values.{path}"
    lookup(path, where)
    df = load_named(load, ref.table, f"{where}.table")
    pos = select(df, formation=ref.formation, category=ref.category)
    if ref.side is not None:
        pos = select(df, pos, side=ref.side)
    rows = df.iloc[pos]
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
    unit = str(r["unit"]).strip()
    if unit.lower() in PERCENT_UNITS:
        v /= 100.0
    try:
        PARAMETERS[path].check(np.asarray([v]))
    except InputError as exc:  # name the row and its unit: a percent written otherwise
        raise InputError(
            exc.field,
            f"{exc.problem}, from {ref.table}'s {ref.formation!r} {ref.category} row (unit "
            f"{unit!r}; a percent is read as one when the unit is {' or '.join(PERCENT_UNITS)})",
        ) from None
    key, locator = str(r["source"]), str(r["locator"])
    verified = str(r["verified"]).strip().lower() in ("yes", "true")
    what = "" if found else "NOT FOUND, the midpoint of its bounds; "
    cite = f"{key}, {locator}" if locator else key
    text = (f"{ref.table} table, {ref.formation!r} {ref.category}: {what}{cite} "
            f"({'verified' if verified else 'unverified'})")  # fmt: skip
    return v, Source("table", text, key, locator, verified)

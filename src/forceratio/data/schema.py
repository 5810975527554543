"""The tidy format every historical table shares, and its strict validation.

Each row is one number with its provenance: side, formation, category, value, low, high,
unit, as_of, source (a key of ``sources.csv``), locator, verified, derivation, note.  A
malformed row is an error naming the file, the row and the column, never skipped.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import math
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from forceratio.errors import InputError
from forceratio.io.decimal_marks import DOT_GROUPS, decimal_mark
from forceratio.io.tables import SEPARATOR, named_columns, number, row_lines

COLUMNS: tuple[str, ...] = (
    "side",
    "formation",
    "category",
    "value",
    "low",
    "high",
    "unit",
    "as_of",
    "source",
    "locator",
    "verified",
    "derivation",
    "note",
)
NUMERIC = ("value", "low", "high")
SIDES = ("USSR", "Germany", "Romania", "Hungary", "Finland", "Axis", "both")
#: What a row can count: a category outside this list is refused (a misspelt "tank" would
#: otherwise be read by nothing, silently).
CATEGORIES = frozenset(
    {
        "aircraft", "aircraft_destroyed_on_ground", "aircraft_lost", "aircraft_lost_in_air",
        "attack_not_before", "attacker_vulnerability", "casualties", "cev",
        "concentration_complete", "coverage", "daily_casualty_rate", "decay_days",
        "defender_vulnerability", "deployment_deadline", "depth", "destroyed_fraction",
        "divisions", "divisions_moved", "duration", "effectiveness_ratio", "exchange_ratio",
        "frontage", "guns_mortars", "guns_mortars_lost", "initial_strength",
        "irrecoverable_losses", "killed", "killed_and_wounded", "losses_month", "missing",
        "mobility_factor", "move_begins", "offensive_duration", "personnel",
        "personnel_total", "planned_attack_day", "posture_factor", "prisoners", "readiness",
        "sanitary_losses", "share", "share_arrived", "share_new_types", "share_present",
        "tanks", "tanks_lost", "total_losses", "trains_arrived", "trains_en_route",
        "trains_not_loaded", "trains_total", "wounded",
    }
)  # fmt: skip
#: The columns that name one figure: two rows with the same are refused.
FIGURE = ("side", "formation", "category", "as_of")
#: The largest figure a table may hold: the engine's largest strength (the upper end of
#: forceratio.simulator.magnitudes.STRENGTH_RANGE; data does not import the simulator).  The
#: shipped tables' largest figure is about 2e6 men.
MAX_FIGURE = 1e12
HUGE = "beyond any count of men or weapons (and the range the engine resolves)"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?$")


def _fail(where: str, row: int, column: str, problem: str) -> InputError:
    """``row``: as a spreadsheet numbers it, the header being row 1 (the file's line, see
    :func:`forceratio.io.tables.row_lines`)."""
    return InputError(f"{where}: row {row}, column {column}", problem)


def parse_dates(text: str) -> tuple[dt.date, dt.date]:
    """``YYYY-MM-DD`` or a range ``YYYY-MM-DD..YYYY-MM-DD`` -> (start, end)."""
    parts = text.split("..")
    start = dt.date.fromisoformat(parts[0])
    end = dt.date.fromisoformat(parts[-1])
    return start, end


def validate(df: pd.DataFrame, where: str, source_keys: set[str] | None = None) -> pd.DataFrame:
    """Check a table and return it with numeric columns as floats.

    Raises :class:`InputError` ``"<where>: row R, column C: problem"`` on the first problem:
    missing or unknown columns, text in a number, ``low <= value <= high`` broken, a date
    that does not parse or is impossible, an unknown source key, a verified row without a
    locator, a derived row whose formula does not recompute from the table's own figures.
    """
    out, lines = _columns(df, where)
    mark = decimal_mark(out, NUMERIC, where, lines, df.attrs.get(SEPARATOR))
    out = _cells(out, where, lines, mark, source_keys)
    _check_repeats(out, where, lines)
    check_derivations(out, where, lines)
    check_totals(out, where, lines)
    return out


def check_rows(df: pd.DataFrame, where: str, source_keys: set[str] | None = None) -> None:
    """The checks of :func:`validate` that a row fails alone (its columns, cells and row),
    for the first rows of a long table before the whole is read
    (:func:`forceratio.io.tables.csv_head`); the file's decimal mark, repeats, derivations
    and totals need the whole.  A semicolon- or tab-separated file, whose mark its first
    rows may not tell, is refused only when both marks refuse it alike.  With several
    faults the first of these rows is named, where the whole file's check may name another
    first (a cell of a later row, checked column by column)."""
    out, lines = _columns(df, where)
    marks = ".," if df.attrs.get(SEPARATOR) in (";", "\t") else "."
    refusals: list[InputError] = []
    for mark in marks:
        try:
            _cells(out.copy(), where, lines, mark, source_keys)
        except InputError as exc:
            refusals.append(exc)
    if len(refusals) == len(marks) and len({str(e) for e in refusals}) == 1:
        raise refusals[0]


def _columns(df: pd.DataFrame, where: str) -> tuple[pd.DataFrame, list[int]]:
    """The table's columns, named, checked and in order, its text stripped; its rows' lines."""
    df = named_columns(df, where, COLUMNS)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise InputError(where, f"missing column(s): {', '.join(missing)}")
    extra = [c for c in df.columns if c not in COLUMNS]
    if extra:
        raise InputError(where, f"unknown column(s): {', '.join(map(str, extra))}")
    lines = row_lines(df)
    out = df.loc[:, list(COLUMNS)].copy()
    for col in COLUMNS:
        if col not in NUMERIC:
            out[col] = out[col].fillna("").astype(str).str.strip()
    return out, lines


def _cells(
    df: pd.DataFrame, where: str, lines: list[int], mark: str, source_keys: set[str] | None
) -> pd.DataFrame:
    """``df`` with its numbers read with decimal ``mark`` (in place) and checked, then each
    row."""
    out = df
    # once, not out.iloc[i] per row: each copies the frame's attrs (a line number a row),
    # which made a 30,000-row --table quadratic (minutes)
    kinds = out[["derivation", "unit", "category"]].to_dict(orient="records")
    for col in NUMERIC:
        vals = []
        for i, v in enumerate(out[col]):
            x = number(v, f"{where}: row {lines[i]}, column {col}", mark)
            if x < 0:
                raise _fail(where, lines[i], col, f"must be >= 0, got {x:g}")
            if x > MAX_FIGURE:
                raise _fail(where, lines[i], col, f"{x:g} is above {MAX_FIGURE:g}: {HUGE}")
            if math.isfinite(x) and x % 1 and _whole(kinds[i]):
                raise _fail(where, lines[i], col, _fraction(x, str(v), kinds[i]["unit"]))
            vals.append(x)
        out[col] = pd.Series(vals, index=out.index, dtype=float)
    records = [{str(k): v for k, v in r.items()} for r in out.to_dict(orient="records")]
    for i, rec in enumerate(records):
        _check_row(where, lines[i], rec, source_keys)
    return out


def _whole(row: Mapping[Any, Any]) -> bool:
    """Whether a row's figures must be whole numbers: a count of persons or things read
    from a source (a derived figure, a share of a count, may have a fraction; a division
    count may be half, as sources print 20.5)."""
    if str(row["derivation"]).strip():
        return False
    unit, category = str(row["unit"]), str(row["category"])
    return unit == "persons" or (unit == "count" and category != "divisions")


def _fraction(x: float, text: str, unit: str) -> str:
    hint = (
        f" (a dot between thousands? write {text.replace('.', '')})"
        if DOT_GROUPS.fullmatch(text.strip())
        else ""
    )
    return f"{x:g} {unit}: a count read from a source is a whole number{hint}"


def _check_repeats(df: pd.DataFrame, where: str, lines: list[int]) -> None:
    """Refuse a second row for one figure (same side, formation, category and date)."""
    seen: dict[tuple[str, ...], int] = {}
    for i, key in enumerate(df.loc[:, list(FIGURE)].itertuples(index=False, name=None)):
        first = seen.setdefault(tuple(map(str, key)), i)
        if first != i:
            problem = f"repeats row {lines[first]}'s figure ({', '.join(FIGURE)} all equal)"
            raise _fail(where, lines[i], "formation", problem)


def _check_row(where: str, i: int, rec: dict[str, Any], source_keys: set[str] | None) -> None:
    """Row ``i`` (numbered as in the file) alone."""
    text = {k: str(rec[k]) for k in COLUMNS if k not in NUMERIC}
    v, lo, hi = (float(rec[k]) for k in NUMERIC)
    for col in ("side", "category"):
        if not text[col]:
            raise _fail(where, i, col, "empty")
    if text["side"] not in SIDES:
        raise _fail(where, i, "side", f"unknown side {text['side']!r}; use {', '.join(SIDES)}")
    if text["category"] not in CATEGORIES:
        near = difflib.get_close_matches(text["category"], sorted(CATEGORIES), n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise _fail(where, i, "category", f"unknown category {text['category']!r}{hint}")
    source = text["source"]
    if not source:
        raise _fail(where, i, "source", "every row needs a source key")
    if source_keys is not None and source not in source_keys:
        near = difflib.get_close_matches(source, sorted(source_keys), n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise _fail(where, i, "source", f"unknown source key {source!r}{hint}")
    verified = text["verified"]
    if verified not in ("yes", "no"):
        raise _fail(where, i, "verified", f"must be yes or no, got {verified!r}")
    if verified == "yes" and not text["locator"]:
        raise _fail(where, i, "locator", "a verified row must say where (page, table, URL)")
    as_of = text["as_of"]
    if not _DATE.match(as_of):
        raise _fail(where, i, "as_of", f"expected YYYY-MM-DD or a range a..b, got {as_of!r}")
    try:
        start, end = parse_dates(as_of)
    except ValueError as exc:
        raise _fail(where, i, "as_of", f"impossible date {as_of!r} ({exc})") from None
    if end < start:
        raise _fail(where, i, "as_of", f"range ends before it starts: {as_of!r}")
    if not math.isnan(lo) and not math.isnan(hi) and lo > hi:
        raise _fail(where, i, "low", f"low {lo:g} > high {hi:g}")
    if not math.isnan(v):
        if not math.isnan(lo) and v < lo:
            raise _fail(where, i, "value", f"value {v:g} < low {lo:g}")
        if not math.isnan(hi) and v > hi:
            raise _fail(where, i, "value", f"value {v:g} > high {hi:g}")
    elif verified == "yes":
        raise _fail(where, i, "value", "an empty (not found) figure cannot be verified")
    if source == "derived" and not text["derivation"]:
        raise _fail(where, i, "derivation", "a derived row must give its formula and inputs")
    if text["derivation"] and verified == "yes":
        raise _fail(where, i, "verified", "a computed figure (it has a derivation) is not read")


#: Literals a derivation may use without naming a row: unity, the halving of a midpoint and
#: the percent base.
STRUCTURAL = frozenset({1.0, 2.0, 100.0})
_BINOPS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def formula(derivation: str) -> str:
    """The arithmetic part of a derivation: the text after its last ``=``."""
    return derivation.rsplit("=", 1)[-1].strip()


def evaluate(expr: str) -> tuple[float, list[float]]:
    """Evaluate ``+ - * /`` arithmetic on numbers; returns (result, the literals used).

    Raises ``ValueError`` on anything else (names, calls, powers).
    """
    literals: list[float] = []

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            literals.append(float(node.value))
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        raise ValueError(f"only numbers and + - * / ( ) are allowed, got {ast.dump(node)[:40]}")

    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        raise ValueError(f"not arithmetic: {expr!r}") from None
    try:
        return walk(tree), literals
    except ZeroDivisionError:
        raise ValueError("division by zero") from None


def check_derivations(df: pd.DataFrame, where: str, lines: list[int] | None = None) -> None:
    """Every row with a derivation (derived rows, and midpoints of a printed range kept under
    their source) uses figures of the table (values, lows, highs) and recomputes to its value.

    Derived values are rounded when stored: to whole units from 100 up, to 0.001 below.
    """
    known = set(pd.concat([df[c] for c in NUMERIC]).dropna().astype(float)) | STRUCTURAL
    row = lines or row_lines(df)
    for i, rec in enumerate(df.to_dict(orient="records")):
        if rec["source"] != "derived" and not str(rec["derivation"]).strip():
            continue
        expr = formula(str(rec["derivation"]))
        try:
            result, literals = evaluate(expr)
        except ValueError as exc:
            raise _fail(where, row[i], "derivation", str(exc)) from None
        strays = [x for x in literals if x not in known]
        if strays:
            raise _fail(where, row[i], "derivation", f"{strays[0]:g} is not a figure of this table")
        value = float(rec["value"])
        tol = (0.5 if abs(value) >= 100 else 5e-4) + 1e-9 * abs(value)
        if math.isnan(value) or abs(result - value) > tol:
            raise _fail(
                where, row[i], "value", f"derivation gives {result:.6g}, the row says {value:g}"
            )


#: Components that add up to a printed ``total_losses`` of the same side and formation.
COMPONENTS: tuple[tuple[str, ...], ...] = (
    ("irrecoverable_losses", "sanitary_losses"),
    ("killed", "wounded", "missing"),
    ("killed_and_wounded", "prisoners"),
    ("losses_month",),
)


def check_totals(df: pd.DataFrame, where: str, lines: list[int] | None = None) -> None:
    """A total the source prints equals the sum of its components in the table (to 0.5),
    unless its note flags the source's own DISCREPANCY.  Components are the rows of one
    set of :data:`COMPONENTS` with the same side and formation, dated inside the total's
    span; a set counts only when every member is there and filled."""
    recs = df.to_dict(orient="records")
    row = lines or row_lines(df)
    for i, rec in enumerate(recs):
        if rec["category"] != "total_losses" or rec["source"] == "derived":
            continue
        total = float(rec["value"])
        if math.isnan(total) or "DISCREPANCY" in str(rec["note"]):
            continue
        start, end = parse_dates(str(rec["as_of"]))
        mine = [
            r
            for r in recs
            if r["side"] == rec["side"]
            and r["formation"] == rec["formation"]
            and start <= parse_dates(str(r["as_of"]))[0] <= end
            and not math.isnan(float(r["value"]))
        ]
        for names in COMPONENTS:
            parts = [r for r in mine if r["category"] in names]
            if {str(r["category"]) for r in parts} != set(names):
                continue
            got = sum(float(r["value"]) for r in parts)
            if abs(got - total) > 0.5:
                raise _fail(
                    where,
                    row[i],
                    "value",
                    f"the printed total {total:g} is not the sum of its "
                    f"{' + '.join(names)} ({got:g}); flag a source's own DISCREPANCY in the "
                    "note",
                )

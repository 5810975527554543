"""Reading a battle's daily series for :mod:`forceratio.fitting`.

One row per observation day: ``day``, ``red``, ``blue`` (a cell may be empty when the side
was not observed), optional arrivals ``red_reinforcements`` / ``blue_reinforcements``,
optional daily losses ``red_losses`` / ``blue_losses`` and an optional ``attacker`` column
(``red``, ``blue`` or empty: which side attacked during the day that ends at that row).

Arrivals follow one of two conventions (``arrivals=``):

* ``after-observation`` (default): arrivals listed on day d join right *after* that day's
  observation, so they first show in day d+1's strength;
* ``in-observation``: the strength listed on day d already *includes* that day's arrivals;
  they are taken to join right after the previous observation (the start of the day). The
  first row's arrivals are then part of the first strength and are not added again.

A side may start at 0 and arrive by landings (every amphibious battle); a side that never
has any strength is refused.  A side observed only through its losses gets the strength the
losses imply (initial + arrivals - cumulative losses) while every earlier day's losses are
given.  When a side's last observation is 0 it was annihilated then, and the fitted model
must do so (the zero is a constraint, not one more noisy point).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from forceratio.errors import InputError
from forceratio.fitting.losses import column_note, implied_strengths, no_loss_note
from forceratio.fitting.rises import RISE_TOLERANCE as RISE_TOLERANCE  # re-exported
from forceratio.fitting.rises import RISES as RISES
from forceratio.fitting.rises import check_rises, zero_note
from forceratio.io.decimal_marks import decimal_mark
from forceratio.io.tables import SEPARATOR, named_columns, number, row_lines
from forceratio.simulator.magnitudes import STRENGTH_RANGE, check_magnitude

FloatArray = NDArray[np.float64]
Arrivals = Literal["after-observation", "in-observation"]
ARRIVALS: tuple[str, ...] = ("after-observation", "in-observation")
REQUIRED = ("day", "red", "blue")
NUMERIC = ("red_reinforcements", "blue_reinforcements", "red_losses", "blue_losses")
OPTIONAL = (*NUMERIC, "attacker")


@dataclass(frozen=True)
class Battle:
    """Validated daily data, times from the first day, arrivals in the after-observation
    form (``red_in[j]`` joins right after the observation at ``t[j]``).

    ``attack[j]`` for the interval from ``t[j]`` to ``t[j + 1]``: +1 red attacks, -1 blue
    attacks, 0 unknown or neither; ``None`` when the series has no ``attacker`` column.
    """

    t: FloatArray  # (T,) days since the first row
    red: FloatArray  # (T,) men, NaN where not observed
    blue: FloatArray
    red_in: FloatArray  # (T,) men joining after the observation at t[j]
    blue_in: FloatArray
    attack: FloatArray | None = None  # (T - 1,)
    name: str = "battle"
    day0: float = 0.0  # the first row's own day value (0 when the day column holds dates)
    notes: tuple[str, ...] = ()  # what the reading found that the user should know
    #: (T,) each side's losses over the day ending at row j (NaN where not given, and the
    #: first row's); None when the series has no such column.  The count likelihoods
    #: (:mod:`.casualties`) use them; the strengths' fit does not.
    red_loss: FloatArray | None = None
    blue_loss: FloatArray | None = None
    where: str = "data"  # the file read (a DataFrame: "data"), as its problems name it

    @cached_property
    def scale(self) -> tuple[float, float]:
        """Each side's reference strength (men): the largest of its observed strengths and
        its initial strength plus every arrival.  Residuals and normalised rates use it."""
        out = []
        for obs, arr in ((self.red, self.red_in), (self.blue, self.blue_in)):
            s = max(float(np.nanmax(obs)), float(obs[0] + arr.sum()))
            out.append(s)
        return out[0], out[1]

    def annihilated(self) -> tuple[bool, bool]:
        """Whether each side's last observation is 0 after a positive one."""
        flags = []
        for obs in (self.red, self.blue):
            idx = np.flatnonzero(np.isfinite(obs))
            last = int(idx[-1])
            flags.append(bool(last > 0 and obs[last] == 0.0 and np.nanmax(obs[:last]) > 0))
        return flags[0], flags[1]

    @property
    def n_obs(self) -> int:
        """Observations that enter the fit (the first row is the initial condition)."""
        return int(np.isfinite(self.red[1:]).sum() + np.isfinite(self.blue[1:]).sum())


def _cell(value: Any, row: int, col: str, where: str, mark: str = ".") -> float:
    x = number(value, f"{where}: row {row}, column {col}", mark)
    if x < 0:
        raise InputError(f"{where}: row {row}, column {col}", f"must be >= 0, got {x:g}")
    return x


def _frame(data: pd.DataFrame | Path | str, where: str | None) -> tuple[pd.DataFrame, str]:
    if isinstance(data, pd.DataFrame):
        return data.astype(object), where or "data"
    where = where or str(data)
    from forceratio.io.tables import read_user_csv  # a regular file within the size limit

    def why(rows: int) -> str:
        step = math.ceil(rows / (MAX_OBSERVATIONS // 2))  # both sides observed on each row
        return (
            f"a fit reads (it takes at most {MAX_OBSERVATIONS:,} observations, both sides after "
            f"the first row): keep every {ordinal(step)} row ({math.ceil(rows / step):,} rows) "
            "or aggregate the series to as few"
        )

    return read_user_csv(data, where, separators=",;\t", rows=(MAX_ROWS, why)), where


def _attack(df: pd.DataFrame, where: str, lines: list[int]) -> FloatArray:
    out = np.zeros(len(df))
    for i, v in enumerate(df["attacker"].tolist()):
        text = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()
        if text.lower() in ("", "none", "neither"):
            continue
        if text.lower() not in ("red", "blue"):
            raise InputError(
                f"{where}: row {lines[i]}, column attacker", f"must be red, blue or empty: {text!r}"
            )
        out[i] = 1.0 if text.lower() == "red" else -1.0
    return out[1:]


#: The longest series and the closest observations a fit resolves (days): a century of
#: daily data, and about a tenth of a second (a 1e308 or 1e-300 day made the fit's clock
#: overflow or its steps vanish, and a fit came back "converged" on nonsense).
DAY_SPAN, DAY_STEP = 36_525.0, 1e-6


def _check_span(day: FloatArray, where: str, lines: list[int]) -> None:
    span = float(day[-1] - day[0])
    if span > DAY_SPAN:
        i = int(np.argmax(day - day[0] > DAY_SPAN))
        raise InputError(
            f"{where}: row {lines[i]}, column day",
            f"{day[i]:.6g} is {span:.3g} days after the first day; at most {DAY_SPAN:,.0f}",
        )
    steps = np.diff(day)
    if steps.size and float(steps.min()) < DAY_STEP:
        i = int(np.argmin(steps)) + 1
        raise InputError(
            f"{where}: row {lines[i]}, column day",
            f"{day[i]:.6g} is {steps[i - 1]:.3g} days after the row above; at least {DAY_STEP:g}",
        )


def _header(df: pd.DataFrame, where: str) -> pd.DataFrame:
    """Columns named as the fit knows them (:func:`forceratio.io.tables.named_columns`)."""
    df = named_columns(df, where, REQUIRED + OPTIONAL)
    names = list(df.columns)
    missing = [c for c in REQUIRED if c not in names]
    unknown = [str(c) for c in names if c not in REQUIRED + OPTIONAL]
    if missing:  # the columns it has are what a table from elsewhere must rename
        has = (
            f"; its header is one column, {unknown[0]}: separate the columns with commas, "
            "semicolons or tabs (not spaces)"
            if len(names) == 1 and unknown and "_" in unknown[0]
            else f"; it has {', '.join(unknown)}, which the fit does not read: rename those "
            f"holding {', '.join(missing)} (the fit reads {', '.join(REQUIRED + OPTIONAL)})"
            if unknown
            else ""
        )
        raise InputError(where, f"missing column(s): {', '.join(missing)}{has}")
    if unknown:
        raise InputError(
            where,
            f"unknown column(s): {', '.join(unknown)}; the fit reads only "
            f"{', '.join(REQUIRED + OPTIONAL)}: remove the others (or pass the table with "
            "only those columns)",
        )
    return df


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or not str(v).strip()


#: A date as a locale writes it (16.12.1944, 12/16/1944, 16-12-44): which day is not guessed.
LOCAL_DATE = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?")


def _date(value: Any, where: str) -> pd.Timestamp | None:
    """A cell as a date when it is one (a datetime, or ISO text such as 1944-12-16); ISO
    text naming no real day or time (1941-02-29, 1944-12-16 25:00) is an error."""
    if isinstance(value, dt.date | np.datetime64):
        return pd.Timestamp(value)
    if isinstance(value, str) and ISO_DATE.fullmatch(text := value.strip()):
        try:
            return pd.Timestamp(text)
        except ValueError:
            try:
                dt.date.fromisoformat(text[:10])
            except ValueError:
                raise InputError(where, f"{text}: no such date") from None
            raise InputError(where, f"{text}: no such time of day") from None
    return None


def _days(
    values: list[Any], where: str, lines: list[int], mark: str = "."
) -> tuple[FloatArray, str]:
    """The day column as numbers, or its dates as days since the first row (with a note)."""
    dates = [_date(v, f"{where}: row {lines[i]}, column day") for i, v in enumerate(values)]
    if all(d is None for d in dates):
        for i, v in enumerate(values):
            if isinstance(v, str) and LOCAL_DATE.fullmatch(v.strip()):
                raise InputError(
                    f"{where}: row {lines[i]}, column day",
                    f"{v.strip()!r}: write dates as YYYY-MM-DD (1944-12-16), or days as numbers",
                )
        days = [_cell(v, lines[i], "day", where, mark) for i, v in enumerate(values)]
        return np.array(days), ""
    for i, d in enumerate(dates):
        if d is None:
            raise InputError(
                f"{where}: row {lines[i]}, column day",
                f"{values[i]!r} among dates: give every day as a date (YYYY-MM-DD) or a number",
            )
    first = dates[0]
    assert first is not None
    out = np.array([(d - first).total_seconds() / 86400.0 for d in dates if d is not None])
    return out, f"day: read as dates, in days since the first row ({first:%Y-%m-%d})"


#: A step between rows more than this many times the median step, and over a week, is noted.
GAP_FACTOR, GAP_DAYS = 10.0, 7.0


def _gap_note(day: FloatArray) -> str:
    steps = np.diff(day)
    if steps.size < 2:
        return ""
    median = float(np.median(steps))
    i = int(np.argmax(steps))
    if steps[i] > max(GAP_FACTOR * median, GAP_DAYS):
        return (
            f"day: {steps[i]:g} days between day {day[i]:g} and day {day[i + 1]:g} (the median "
            f"step is {median:g}): the fit takes the battle as fought all that time; check the "
            "day column"
        )
    return ""


def read_battle(
    data: pd.DataFrame | Path | str,
    where: str | None = None,
    *,
    arrivals: str = "after-observation",
    rises: str = "note",
) -> Battle:
    """Validate daily data (a CSV path or a DataFrame); errors name the row and column
    (rows numbered as in a spreadsheet, the header being row 1: a file's line, see
    :func:`forceratio.io.tables.row_lines`).

    ``rises``: a side's strength rising between observations beyond the arrivals recorded
    by more than its own noise explains is noted (``"note"``), or taken as arrivals
    (``"arrivals"``, see :func:`.rises.check_rises`)."""
    if arrivals not in ARRIVALS:
        raise InputError("arrivals", f"must be one of {', '.join(ARRIVALS)}, got {arrivals!r}")
    if rises not in RISES:
        raise InputError("rises", f"must be one of {', '.join(RISES)}, got {rises!r}")
    df, where = _frame(data, where)
    df = _header(df, where)
    cols = list(df.columns)
    if len(df) < 2:
        raise InputError(where, "need at least two days of observations")
    given = sum(int((~df[c].iloc[1:].map(_blank)).sum()) for c in ("red", "blue"))
    if given > MAX_OBSERVATIONS:  # before any cell is parsed; losses may imply more
        raise InputError(where, _too_many(given, len(df)))
    lines = row_lines(df)
    numeric = [c for c in REQUIRED + NUMERIC if c in cols]
    mark = decimal_mark(df, numeric, where, lines, df.attrs.get(SEPARATOR))
    vals: dict[str, list[float]] = {c: [] for c in REQUIRED + NUMERIC}
    records = df.to_dict(orient="records")
    for i, rec in enumerate(records):
        for c in (*REQUIRED[1:], *NUMERIC):
            vals[c].append(_cell(rec.get(c), lines[i], c, where, mark))
    day, date_note = _days([rec.get("day") for rec in records], where, lines, mark)
    if np.isnan(day).any():
        i = int(np.flatnonzero(np.isnan(day))[0])
        raise InputError(f"{where}: row {lines[i]}, column day", "empty")
    bad = np.flatnonzero(np.diff(day) <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        same = np.flatnonzero(day[:i] == day[i])
        raise InputError(
            f"{where}: row {lines[i]}, column day",
            f"day {day[i]:g} twice (rows {lines[int(same[0])]} and {lines[i]}): give each day once"
            if same.size
            else f"days out of order: day {day[i]:g} after day {day[i - 1]:g}; sort them",
        )
    _check_span(day, where, lines)
    for c in ("red", "blue", *NUMERIC):  # no strength the model cannot resolve
        check_magnitude(f"{where}: column {c}", vals[c], STRENGTH_RANGE, "units")
    red, blue = np.array(vals["red"]), np.array(vals["blue"])
    red_in = np.nan_to_num(np.array(vals["red_reinforcements"]))
    blue_in = np.nan_to_num(np.array(vals["blue_reinforcements"]))
    if arrivals == "in-observation":
        # row d's arrivals are in day d's strength: they joined after row d-1's observation
        red_in = np.append(red_in[1:], 0.0)
        blue_in = np.append(blue_in[1:], 0.0)
    for name, obs, arr in (("red", red, red_in), ("blue", blue, blue_in)):
        if np.isnan(obs[0]):
            raise InputError(
                f"{where}: row {lines[0]}, column {name}", "the first day must give both strengths"
            )
        if obs[0] + arr.sum() <= 0:
            raise InputError(
                f"{where}: column {name}", "the side never has any strength (0 and no arrivals)"
            )
    layout_notes = [  # on the strengths as given, before the losses fill them
        column_note(n, obs.copy(), np.array(vals[f"{n}_losses"]), arr)
        for n, obs, arr in (("red", red, red_in), ("blue", blue, blue_in))
    ]
    loss_notes = [  # strengths the losses imply where missing; impossible losses refused
        implied_strengths(n, obs, np.array(vals[f"{n}_losses"]), arr, where, lines, RISE_TOLERANCE)
        for n, obs, arr in (("red", red, red_in), ("blue", blue, blue_in))
    ]
    red_in, red_note = check_rises("red", red, red_in, day, rises)
    blue_in, blue_note = check_rises("blue", blue, blue_in, day, rises)
    comma = "numbers: read with decimal commas (52,5 = 52.5)" if mark == "," else ""
    notes = tuple(
        x
        for x in (
            date_note,
            comma,
            _gap_note(day),
            *loss_notes,
            *layout_notes,
            red_note,
            blue_note,
            zero_note("red", red, red_in, day),
            zero_note("blue", blue, blue_in, day),
            no_loss_note("red", red, red_in, np.array(vals["red_losses"])),
            no_loss_note("blue", blue, blue_in, np.array(vals["blue_losses"])),
        )
        if x
    )
    attack = _attack(df, where, lines) if "attacker" in cols else None
    name = Path(str(where)).stem if not isinstance(data, pd.DataFrame) else str(where)
    day0 = 0.0 if date_note else float(day[0])
    red_loss, blue_loss = (
        np.array(vals[f"{n}_losses"]) if f"{n}_losses" in cols else None for n in ("red", "blue")
    )
    battle = Battle(
        day - day[0], red, blue, red_in, blue_in, attack, name, day0, notes, red_loss, blue_loss,
        str(where),
    )  # fmt: skip
    if battle.n_obs == 0:
        raise InputError(where, _nothing_after(vals, cols, lines))
    if battle.n_obs > MAX_OBSERVATIONS:  # with the strengths the losses imply
        raise InputError(where, _too_many(battle.n_obs, len(day)))
    return battle


def _too_many(n_obs: int, rows: int) -> str:
    step = math.ceil(n_obs / MAX_OBSERVATIONS)  # rows to merge into one
    return (
        f"{n_obs:,} observations (both sides, after the first row), above the "
        f"{MAX_OBSERVATIONS:,} the fits take: their error model is a dense covariance "
        f"(memory n^2, time n^3); keep every {ordinal(step)} row ({math.ceil(rows / step):,} "
        f"rows of the {rows:,}) or aggregate the series to as few"
    )


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, ..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _nothing_after(vals: dict[str, list[float]], cols: list[str], lines: list[int]) -> str:
    """Why no strength after the first row is known: none given, and (with loss columns)
    the rows with neither strength nor losses that break the losses' chain."""
    losses = [c for c in ("red_losses", "blue_losses") if c in cols]
    if not losses:
        return "no strength after the first row"
    empty = [
        lines[i]
        for i in range(1, len(lines))
        if all(math.isnan(vals[c][i]) for c in ("red", "blue", *losses))
    ]
    if not empty:
        return "no strength after the first row, and the losses imply none"
    shown = ", ".join(str(r) for r in empty[:4]) + (" ..." if len(empty) > 4 else "")
    return (
        f"no strength after the first row: {len(empty)} rows give neither a strength nor losses "
        f"(rows {shown}), and a loss column implies a strength only while every day's losses "
        "are given; drop the empty rows if the losses on a row cover the days since the one "
        "before, or fill them"
    )


#: The most observations a series may hold (both sides): the fit's time grows as n^3, so
#: 4,000 (2,000 rows) took 266 s and 0.8 GB at load 3, and 20,000 took 9.7 GB and had not
#: finished in 200 s; 2,000 takes about half a minute.
MAX_OBSERVATIONS = 2_000
#: The most rows (below the header) a series file may hold, refused before its cells are
#: parsed: ten times the rows of :data:`MAX_OBSERVATIONS` observed on both sides.
MAX_ROWS = 10 * MAX_OBSERVATIONS

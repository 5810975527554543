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

import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from forceratio.errors import InputError
from forceratio.files import row_lines
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


def number(value: Any, where: str) -> float:
    """A cell as a finite number, or NaN when it is empty; anything else is an error naming
    ``where`` (the file, row and column)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    text = str(value).strip()
    if not text:
        return math.nan
    try:
        x = float(text)
    except ValueError:
        raise InputError(where, f"not a number: {text!r}") from None
    if not math.isfinite(x):
        raise InputError(where, f"not a finite number: {text!r}")
    return x


def _cell(value: Any, row: int, col: str, where: str) -> float:
    x = number(value, f"{where}: row {row}, column {col}")
    if x < 0:
        raise InputError(f"{where}: row {row}, column {col}", f"must be >= 0, got {x:g}")
    return x


def _frame(data: pd.DataFrame | Path | str, where: str | None) -> tuple[pd.DataFrame, str]:
    if isinstance(data, pd.DataFrame):
        return data.astype(object), where or "data"
    where = where or str(data)
    from forceratio.files import read_user_csv  # a regular file within the size limit

    return read_user_csv(data, where), where


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


def read_battle(
    data: pd.DataFrame | Path | str,
    where: str | None = None,
    *,
    arrivals: str = "after-observation",
) -> Battle:
    """Validate daily data (a CSV path or a DataFrame); errors name the row and column
    (rows numbered as in a spreadsheet, the header being row 1: a file's line, see
    :func:`forceratio.files.row_lines`)."""
    if arrivals not in ARRIVALS:
        raise InputError("--arrivals", f"must be one of {', '.join(ARRIVALS)}, got {arrivals!r}")
    df, where = _frame(data, where)
    cols = [str(c).strip() for c in df.columns]
    repeated = sorted({c for c in cols if cols.count(c) > 1})
    if repeated:
        raise InputError(where, f"repeated column(s): {', '.join(repeated)}")
    df.columns = pd.Index(cols)
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise InputError(where, f"missing column(s): {', '.join(missing)}")
    unknown = [c for c in cols if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise InputError(where, f"unknown column(s): {', '.join(unknown)}")
    if len(df) < 2:
        raise InputError(where, "need at least two days of observations")
    lines = row_lines(df)
    vals: dict[str, list[float]] = {c: [] for c in REQUIRED + NUMERIC}
    for i, rec in enumerate(df.to_dict(orient="records")):
        for c in REQUIRED + NUMERIC:
            vals[c].append(_cell(rec.get(c), lines[i], c, where))
    day = np.array(vals["day"])
    if np.isnan(day).any():
        i = int(np.flatnonzero(np.isnan(day))[0])
        raise InputError(f"{where}: row {lines[i]}, column day", "empty")
    bad = np.flatnonzero(np.diff(day) <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        raise InputError(
            f"{where}: row {lines[i]}, column day",
            f"days out of order ({day[i]:g} after {day[i - 1]:g})",
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
    attack = _attack(df, where, lines) if "attacker" in cols else None
    name = Path(str(where)).stem if not isinstance(data, pd.DataFrame) else str(where)
    battle = Battle(day - day[0], red, blue, red_in, blue_in, attack, name)
    if battle.n_obs == 0:
        raise InputError(where, "no observation after the first day")
    return battle

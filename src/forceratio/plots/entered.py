"""Which start figures a scenario enters, so that a category nobody entered is shown as
"not in the scenario", never as 0 (the engine runs a missing figure as 0, and a reader takes
a 0 for a fact; compare shows such a ratio as "—", :func:`forceratio.data.ratios.format_ratio`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from forceratio.scenarios.forces import side_rows
from forceratio.scenarios.schema import CATEGORIES, SIDES

#: What a table cell and a figure say of a category nobody entered.
NOT_ENTERED = "not in the scenario (no figure entered)"
#: The table cell of such a category (compare's mark of a missing figure).
DASH = "—"


def _gives(part: Any, side: str, load: Callable[[str], pd.DataFrame]) -> NDArray[np.bool_]:
    """Per category, whether the force ``part`` states a figure (0 included) for ``side``."""
    if part.inline is not None:
        return np.array(
            [c in part.inline and math.isfinite(float(part.inline[c])) for c in CATEGORIES]
        )
    if part.divisions_via:  # division slices give every category
        return np.ones(len(CATEGORIES), dtype=bool)
    df = load(part.table)
    wanted = part.categories or CATEGORIES
    out: list[bool] = []
    for c in CATEGORIES:
        if c not in wanted:
            out.append(False)
            continue
        rows = side_rows(df, str(part.formation), c, side)
        values = pd.to_numeric(df.iloc[rows]["value"], errors="coerce").to_numpy(dtype=float)
        out.append(bool(np.isfinite(values).any()))
    return np.array(out, dtype=bool)


def entered(prep: Any, load: Callable[[str], pd.DataFrame]) -> dict[str, NDArray[np.bool_]]:
    """Side -> shape (n_sectors, len(CATEGORIES)): whether the scenario gives the category a
    figure at the start in that sector (a non-zero strength, or a part stating it, 0
    included); false where the 0 the engine runs was never entered (a table row NOT FOUND,
    a part limited to other ``categories``, an inline table without it).  ``load`` reads a
    data table by name (a session's ``table``)."""
    out: dict[str, NDArray[np.bool_]] = {}
    for side in SIDES:
        rows = []
        for i, sec in enumerate(prep.scenario.sectors):
            got = np.asarray(prep.forces[side][i].value) != 0
            for part in sec.forces[side]:
                got = got | _gives(part, side, load)
            rows.append(got)
        out[side] = np.array(rows, dtype=bool).reshape(len(rows), len(CATEGORIES))
    return out


def entered_anywhere(
    prep: Any, load: Callable[[str], pd.DataFrame]
) -> dict[str, NDArray[np.bool_]]:
    """Side -> shape (len(CATEGORIES),): the category entered in some sector."""
    return {s: np.asarray(e.any(axis=0), dtype=bool) for s, e in entered(prep, load).items()}


def no_ratio(soviet: float, german: float, what: str) -> str:
    """The label of a category with no ratio to draw: a missing figure (NaN) is 'no figure';
    an explicit 0 is a figure, written out ('5,300 : 0, no German tanks'); a figure
    neither side entered (NaN both) is :data:`NOT_ENTERED`."""
    if np.isnan(soviet) and np.isnan(german):
        return f" {NOT_ENTERED}"
    if np.isnan(soviet) or np.isnan(german):
        return f" no {'Soviet' if np.isnan(soviet) else 'German'} figure entered"
    if soviet == german == 0:
        return f" 0 : 0, no {what} on either side"
    side = "Soviet" if soviet == 0 else "German"
    return f" {soviet:,.0f} : {german:,.0f}, no {side} {what}"


def _part_source(
    part: Any, side: str, date: str | None, load: Callable[[str], pd.DataFrame]
) -> tuple[str, bool, str]:
    """Where a force ``part`` comes from, in words, whether every row it reads is verified
    (an inline figure never is: the file gives no source), and the table's derivation of
    its men (empty: read)."""
    if part.inline is not None:
        return "the scenario file's inline figures (no source)", False, "given in the file"
    df = load(part.table)
    rows = pd.concat(
        [df.iloc[side_rows(df, str(part.formation), c, side)] for c in CATEGORIES],
        ignore_index=True,
    )
    cited = []
    for key, loc in dict.fromkeys(
        zip(rows.get("source", []), rows.get("locator", []), strict=True)
    ):
        cited.append(f"{key}" + (f", {loc}" if isinstance(loc, str) and loc else ""))
    verified = bool(len(rows)) and all(
        str(v).strip().lower() in ("yes", "true") for v in rows.get("verified", [])
    )
    text = f"{part.table}: {part.formation!r}"
    text += f" via {part.divisions_via} division slices" if part.divisions_via else ""
    text += f" x {part.scale:g}" if part.scale != 1 else ""
    text += f" ({'; '.join(cited)})" if cited else ""
    men = df.iloc[side_rows(df, str(part.formation), "personnel", side)]
    dated = men[men["as_of"].astype(str) == str(part.as_of or date)] if "as_of" in men else men
    men = dated if len(dated) else men  # the row of the date the part reads, when dated
    how = [str(d) for d in men.get("derivation", []) if isinstance(d, str) and d.strip()]
    if part.divisions_via:
        how.insert(0, f"divisions x {part.divisions_via}'s all-arms division slice")
    return text, verified, "; ".join(how)


def force_sources(
    prep: Any, load: Callable[[str], pd.DataFrame]
) -> dict[tuple[str, int], dict[str, str]]:
    """(side, sector) -> the "source", "verified" and "derivation" of its start forces: the
    parts the file names (table and formation, the rows' citation keys and locators) and
    what was computed from them (a sum of parts, a scale, the share present on the date)."""
    out: dict[tuple[str, int], dict[str, str]] = {}
    for i, sec in enumerate(prep.scenario.sectors):
        for side in SIDES:
            date = prep.scenario.date
            parts = [_part_source(p, side, date, load) for p in sec.forces[side]]
            present = [p for p in getattr(prep, "presence", []) if p.side == side and p.sector == i]
            derived = [h for _, _, h in parts if h]
            if len(parts) > 1:
                derived.append(f"the sum of {len(parts)} parts")
            if any(p.scale != 1 for p in sec.forces[side] if p.inline is None):
                derived.append("a table figure scaled")
            if present:
                derived.append(f"x the share present on the date ([presence] {present[0].key})")
            out[(side, i)] = {
                "source": "; ".join(t for t, _, _ in parts),
                "verified": "yes" if parts and all(v for _, v, _ in parts) else "no",
                "derivation": "; ".join(derived) if derived else "read from the table",
            }
    return out

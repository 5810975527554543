"""The README's 1941 prose quotes the shipped tables: each figure it states is recomputed from
the rows it names (a table row, or plain arithmetic on rows), so a prose figure cannot drift
from its source or claim more than the row says."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from forceratio import data

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def readme() -> str:
    """The README with its line breaks and indents folded to single spaces."""
    return " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())


def _row(table: str, formation: str, category: str, side: str = "USSR") -> pd.Series:
    df = data.load(table)
    rows = df[(df["side"] == side) & (df["formation"] == formation) & (df["category"] == category)]
    assert len(rows) == 1, (table, side, formation, category, len(rows))
    return rows.iloc[0]


def _n(x: object) -> str:
    return f"{round(float(str(x))):,}"


def test_baltic_shares_are_irrecoverable_and_all_told_on_the_printed_bases(readme: str) -> None:
    """The captured-share threshold's 15% is the Baltic operation's irrecoverable share, not its
    losses all told, and the base is printed over a range (operations_1941's Baltic rows)."""
    op = "Baltic strategic defensive operation"
    men = _row("operations_1941", op, "personnel")
    irrecoverable = float(_row("operations_1941", op, "irrecoverable_losses")["value"])
    total = float(_row("operations_1941", op, "total_losses")["value"])
    base, low = float(men["value"]), float(men["low"])
    assert (
        f"{round(100 * irrecoverable / base)}% irrecoverable ({_n(irrecoverable)} of {_n(base)}; "
        f"{round(100 * total / base)}% all told, {_n(total)}" in readme
    )
    assert (
        f"printed {_n(low)}–{_n(base)}, and on {_n(low)} the irrecoverable share is "
        f"{round(100 * irrecoverable / low)}%" in readme
    )


def test_north_western_withdrawal_gives_both_printed_ranges(readme: str) -> None:
    """The depth threshold's 500 km is the top of the North-Western Front's withdrawal: the
    range the fit reads (operations_1941, pkka) and the other, not re-read (outcome_22june)."""
    pkka = _row("operations_1941", "Baltic strategic defensive operation", "depth")
    other = _row("outcome_22june", "advance on the North-West axis", "depth", "Germany")
    assert f"{_n(pkka['low'])}–{_n(pkka['high'])} km by pkka" in readme
    assert f"{_n(other['low'])}–{_n(other['high'])} km by neizvestnye" in readme


def test_the_untraced_strengths_are_named_with_their_context(readme: str) -> None:
    """The operations' table row does not call every strength sourced: Uman's Soviet figure and
    the 6th and 12th Armies' dated count beside it, and Leningrad's German figure, are quoted as
    the rows give them."""
    uman = _row("operations_1941", "Uman encirclement (within the Kiev operation)", "personnel")
    armies = _row("operations_1941", "Uman: 6th and 12th Armies on 20 July", "personnel")
    germans = _row(
        "operations_1941", "Leningrad strategic defensive operation", "personnel", "Germany"
    )
    assert "NO traceable source" in str(uman["note"])
    assert (
        f"Uman's Soviet {_n(uman['value'])} has no traceable source (the 6th and 12th Armies "
        f"alone had {_n(armies['value'])} on 20 July)" in readme
    )
    assert "origin NOT FOUND" in str(germans["note"])
    assert f"Leningrad's German {_n(germans['value'])} is undated, its origin NOT FOUND" in readme


def test_prisoner_counts_carry_the_rows_other_counts(readme: str) -> None:
    """Where a prisoners row has a range, the README quotes it beside the single figure."""
    op = "Vyazma-Bryansk encirclements (opening of Operation Typhoon)"
    row = _row("operations_1941", op, "prisoners")
    assert f"Vyazma–Bryansk {_n(row['value'])} ({_n(row['low'])}–{_n(row['high'])})" in readme
    belorussian = "Belorussian strategic defensive operation (Bialystok-Minsk)"
    bia = _row("operations_1941", belorussian, "prisoners")
    assert f"Białystok–Minsk {_n(bia['value'])} ({_n(bia['low'])} on 8 July" in readme

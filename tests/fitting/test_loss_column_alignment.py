"""A loss column checked against the strengths on the loss scale, on a real battle.

The Ardennes daily series (``fixtures/ardennes_acsdb.txt``, provenance in
``fixtures/ardennes_acsdb.md``) gives each day's start-of-day strength and the casualties
*during* that day on the same line: the Allied strength of day 3 is day 2's less day 2's
casualties to within 74 men (Germans: 56), on every one of the 31 steps.  The fit reads a
row's losses as those of the day ending at that row, so the column must move down one row.
Written as it comes (unshifted), or as running totals, the count likelihoods used it with no
note (the old check compared the two at 5% of the *strength*, 41,750 Allied men, where a
day's losses are 1,100-4,200): the cumulative column put blue's rate at 0.0694 against
0.0038, 18 times.  Oracle: the fixture's own arithmetic above, and, for the rates, Engel's
(1954) ratio estimator (the Poisson square-law maximum-likelihood rate, closed form)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forceratio.fitting import fit, read_battle
from forceratio.fitting.casualties import CasualtyFit, fit_casualties

from .counts_synth import reported_counts

RAW = Path(__file__).parent / "fixtures" / "ardennes_acsdb.txt"


def _raw() -> pd.DataFrame:
    return pd.read_csv(RAW, sep=" ")


def ardennes(layout: str = "shifted") -> pd.DataFrame:
    """The series in the fit's columns, Allies red, Germans blue; ``layout`` "shifted": a
    row's losses are the day's ending at it (the fit's reading), "as-given": the casualties
    on the line of the day they happened (the file's own layout), "cumulative": running
    totals of the shifted column."""
    d = _raw()
    out = pd.DataFrame({"day": d.Day, "red": d.ForcesAllies, "blue": d.ForcesGermans})
    red, blue = d.CasualtiesAllies.astype(float), d.CasualtiesGermans.astype(float)
    if layout != "as-given":
        red, blue = red.shift(1), blue.shift(1)
    if layout == "cumulative":
        red, blue = red.cumsum(), blue.cumsum()
    return out.assign(red_losses=red, blue_losses=blue)


def poisson(df: pd.DataFrame) -> CasualtyFit:
    """The Poisson square-law fit of ``df``, as ``forceratio fit --likelihood poisson``."""
    res = fit(df, "square", likelihood="poisson")
    assert isinstance(res, CasualtyFit)
    return res


def _column_notes(notes: list[str] | tuple[str, ...]) -> list[str]:
    return [n for n in notes if "looks" in n and "_losses" in n]


def test_the_fixture_is_the_stored_series() -> None:
    d = _raw()
    assert len(d) == 32
    assert d.Day.tolist() == list(range(2, 34))
    assert (d.ForcesAllies.iloc[0], d.ForcesGermans.iloc[-1]) == (835178, 514731)
    # the layout the docstring states: next day's strength = today's less today's losses
    for force, loss, within in (("Allies", 74, 74), ("Germans", 56, 56)):
        s, c = d[f"Forces{force}"], d[f"Casualties{force}"]
        gap = (s - c).shift(1) - s
        assert gap.abs().max() == within == loss


def test_the_shifted_column_gets_no_note_and_engels_ratio() -> None:
    d = _raw()
    res = poisson(ardennes("shifted"))
    assert not _column_notes(res.notes), res.notes
    # Engel's ratio over the 31 days the file covers (the last line's casualties fall after it)
    blue = d.CasualtiesAllies[:-1].sum() / d.ForcesGermans[:-1].sum()
    red = d.CasualtiesGermans[:-1].sum() / d.ForcesAllies[:-1].sum()
    assert res.blue_rate == pytest.approx(blue, rel=1e-6)
    assert res.red_rate == pytest.approx(red, rel=1e-6)


def test_a_column_one_row_early_is_named() -> None:
    res = poisson(ardennes("as-given"))
    notes = _column_notes(res.notes)
    assert len(notes) == 2, res.notes
    red = next(n for n in notes if n.startswith("red_losses"))
    assert "one row early" in red
    assert "move the column down one row" in red
    # the strengths' fit reads the same note at read time
    assert _column_notes(read_battle(ardennes("as-given")).notes) == notes


def test_a_cumulative_column_is_named() -> None:
    res = poisson(ardennes("cumulative"))
    notes = _column_notes(res.notes)
    assert {n.split(":")[0] for n in notes} == {"red_losses", "blue_losses"}, res.notes
    blue = next(n for n in notes if n.startswith("blue_losses"))
    assert "running totals" in blue
    assert res.red_rate > 10 * 0.0041  # the column is still used as given: the note says why


def test_no_note_on_realistic_reports_with_the_right_layout() -> None:
    """False notes: 200 series of reported counts (each day's count off by a log-normal
    factor of sd 0.3, each strength off by 2% and rounded to 100: the strengths' noise is
    of the order of a day's losses).  Measured 6 December 2026: 0 of 200."""
    false = sum(
        bool(_column_notes(read_battle(reported_counts(0.012, 0.009, days=15, seed=s)).notes))
        for s in range(40000, 40200)
    )
    assert false <= 2, false


def test_each_layout_is_named_where_the_strengths_show_a_days_losses() -> None:
    """Overdispersed daily losses (k = 10) booked exactly against strengths of 200,000 v
    150,000 rounded to 100 (a day's losses about 1,800 and 2,400): the right layout gets no
    note, the column one row early and the running totals theirs, in 100 of 100 series each
    (measured 6 December 2026; the test asks 95).  Under the realistic reports above, whose
    strengths are off by about a day's losses, the early column was found in 3 of 50: the
    note is a help where the strengths can show it, never a guarantee."""
    right = early = totals = 0
    for seed in range(42000, 42100):
        df = reported_counts(
            0.012, 0.009, days=15, seed=seed, k=10.0, report_sd=0.0, strength_sd=0.0,
            red0=200000.0, blue0=150000.0,
        )  # fmt: skip
        right += not _column_notes(read_battle(df).notes)
        moved = df.assign(red_losses=df.red_losses.shift(-1), blue_losses=df.blue_losses.shift(-1))
        early += any("one row early" in n for n in _column_notes(read_battle(moved).notes))
        summed = df.assign(red_losses=df.red_losses.cumsum())
        totals += any("running totals" in n for n in _column_notes(read_battle(summed).notes))
    assert min(right, early, totals) >= 95, (right, early, totals)


def test_the_count_fit_keeps_the_note_and_the_rates_unchanged() -> None:
    b = read_battle(ardennes("as-given"))
    res = fit_casualties(b, "square", "poisson")
    assert _column_notes(res.notes)
    assert np.isfinite(res.red_rate)


def test_days_left_out_of_a_daily_table_are_named_and_empty_rows_are_exact() -> None:
    """Days 7, 8 and 14 of the Ardennes missing.  Written as rows with empty cells, the
    Poisson rates are Engel's ratio over the 26 days whose start and losses are known
    (closed form); with the rows dropped, each next row's one day of losses was read as the
    losses of its 2- or 3-day step: the rates fell 11% with no note.  They still do (the
    reading is the documented one), but a note now names the steps."""
    d, gone = ardennes("shifted"), [5, 6, 12]
    empty = d.copy()
    empty.loc[gone, ["red", "blue", "red_losses", "blue_losses"]] = np.nan
    res = poisson(empty)
    known = np.ones(len(d), bool)
    known[gone] = False
    use = np.array([i for i in range(1, len(d)) if known[i] and known[i - 1]])
    assert use.size == 26
    red, blue = d.red.to_numpy(), d.blue.to_numpy()
    assert res.red_rate == pytest.approx(d.blue_losses.to_numpy()[use].sum() / red[use - 1].sum())
    assert res.blue_rate == pytest.approx(d.red_losses.to_numpy()[use].sum() / blue[use - 1].sum())
    assert not any("longer than the usual" in n for n in res.notes)
    dropped = poisson(d.drop(index=gone).reset_index(drop=True))
    assert dropped.red_rate < 0.92 * res.red_rate
    steps = [n for n in dropped.notes if "longer than the usual" in n]
    assert [n.split(":")[0] for n in steps] == ["red_losses", "blue_losses"], dropped.notes
    want = "2 row(s) end a step longer than the usual 1 day(s), the first from day 6 to 9"
    assert want in steps[0]

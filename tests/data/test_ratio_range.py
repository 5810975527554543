"""`data ratios` shows each reconstructed ratio with its range (review16src M9): the table's
tanks on 12 June are 9.1 : 1 at the values but 4.6 : 1 to 76.7 : 1 over the rows' own low/high."""

from __future__ import annotations

import csv
from pathlib import Path

from forceratio import data
from forceratio.data.ratios import force_ratios, ratio_range

TABLE = Path(data.__file__).parent / "tables" / "strip.csv"


def _row(formation: str, category: str, as_of: str) -> dict[str, str]:
    with TABLE.open(newline="") as f:
        (row,) = [
            r
            for r in csv.DictReader(f)
            if r["formation"] == formation and r["category"] == category and r["as_of"] == as_of
        ]
    return row


def test_the_range_is_soviet_low_over_german_high_to_soviet_high_over_german_low() -> None:
    su = _row("Red Army forces in the Ostroleka-Carpathians strip", "tanks", "1941-06-12")
    de = _row("German forces in the Ostroleka-Carpathians strip", "tanks", "1941-06-12")
    lo = float(su["low"]) / float(de["high"])
    hi = float(su["high"]) / float(de["low"])
    df = force_ratios(data.load("strip"), "strip", "1941-06-12")
    (got,) = df.loc[df["category"] == "tanks", "ratio_range"]
    assert got == f"{lo:.1f} : 1 to {hi:.1f} : 1"
    assert lo < 9.1 < hi  # the value's ratio lies inside


def test_the_range_crosses_parity_in_meltyukhovs_layout() -> None:
    assert ratio_range(100.0, 160.0, 80.0, 120.0) == "1 : 1.2 to 2.0 : 1"
    assert ratio_range(50.0, 50.0, 100.0, 100.0) == "1 : 2.0"  # no range: the ratio once

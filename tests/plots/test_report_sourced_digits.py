"""The report's data tables show each figure with the digits its source gives: 1.004 is
not "1" and 79.263 not "79.3".  The oracle is the shipped CSV's own text."""

from __future__ import annotations

import csv
import html
import io
import re
from decimal import Decimal
from importlib import resources

import pytest

from forceratio.plots.html import build
from forceratio.scenarios.session import Session

NUMBERS = ("value", "low", "high")


@pytest.fixture(scope="module")
def folded() -> dict[str, list[dict[str, str]]]:
    """Table name -> its rows as the report prints them (header -> cell text)."""
    page = build(["barbarossa-22june"], session=Session(None, False))
    out = {}
    for block in re.findall(r"<details>(.*?)</details>", page, flags=re.S):
        name = re.search(r"<summary><b>(.*?)</b>", block).group(1)  # type: ignore[union-attr]
        head = [html.unescape(h) for h in re.findall(r"<th>(.*?)</th>", block)]
        rows = re.findall(r"<tr>(<td>.*?)</tr>", block, flags=re.S)
        out[name] = [
            dict(
                zip(head, (html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", r)), strict=True)
            )
            for r in rows
        ]
    return out


def _shipped(name: str) -> list[dict[str, str]]:
    text = (resources.files("forceratio.data") / "tables" / f"{name}.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_every_figure_is_shown_with_its_own_digits(
    folded: dict[str, list[dict[str, str]]],
) -> None:
    assert {"outcome_22june", "division_equivalents"} <= set(folded)
    for name, shown in folded.items():
        rows = _shipped(name)
        assert len(shown) == len(rows), name
        for i, (cells, row) in enumerate(zip(shown, rows, strict=True)):
            for col in NUMBERS:
                if col not in row or not row[col].strip():
                    continue
                printed = cells[col].replace(",", "")
                assert Decimal(printed) == Decimal(row[col]), (name, i, col, cells[col])


def test_the_two_figures_review_named(folded: dict[str, list[dict[str, str]]]) -> None:
    values = {c["value"] for rows in folded.values() for c in rows}
    assert {"1.004", "79.263"} <= values

"""``forceratio compare`` on narrow terminals, through a real pseudo-terminal: every line
fits, every scenario's name appears whole (never cut with an ellipsis), every figure says
its window, and the lines under the table say what decides the winner and what carries it."""

from __future__ import annotations

import re

import pytest

from forceratio.scenarios import builtins
from tests.cli.terminal import run_on_pty


def _winner(name: str) -> str:
    """The winner ``compare`` reports for ``name`` (the rendering must say it, whoever it is)."""
    from forceratio.scenarios.compare import compare

    return str(compare([name])[0]["winner"])


@pytest.fixture(scope="module", params=[80, 100])
def narrow(request: pytest.FixtureRequest) -> tuple[int, str]:
    return request.param, run_on_pty(["compare"], columns=request.param)[0]


@pytest.mark.slow
def test_every_line_fits_the_terminal(narrow: tuple[int, str]) -> None:
    width, text = narrow
    too_long = [line for line in text.splitlines() if len(line) > width]
    assert not too_long, too_long[:3]


@pytest.mark.slow
def test_every_scenario_name_appears_whole(narrow: tuple[int, str]) -> None:
    _, text = narrow
    assert "…" not in text
    head_cells = [
        cell.strip()
        for line in text.splitlines()
        if line.startswith("┃")
        for cell in line.split("┃")
    ]
    for name in builtins():
        assert name in head_cells, f"{name} not a whole header cell"


def labels(text: str) -> list[str]:
    """The first-column labels of the tables, wrapped lines joined."""
    out: list[str] = []
    for line in text.splitlines():
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip("│").split("│")]
        if out and not any(cells[1:]):
            out[-1] += " " + cells[0]
        else:
            out.append(cells[0])
    return out


@pytest.mark.slow
def test_figures_carry_windows_and_the_winner_is_explained(narrow: tuple[int, str]) -> None:
    _, text = narrow
    found = labels(text)
    windows = (
        "days 0-",
        "to the end of the run",
        "to day ",
        "to the record's day",
        "to the end of each",
    )
    lost = [lab for lab in found if " lost" in lab]
    assert len(lost) >= 8
    for lab in lost:  # every loss figure says over which days it counts
        assert any(w in lab for w in windows), lab
    assert "Soviet men lost to the record's day (history)" in found
    assert "Soviet men lost to the record's day (model)" in found
    assert "Soviet record's day (days from the start)" in found
    assert "destroying power on day 0, USSR : Germany (b)" in found
    assert re.search(r"│ +[+-]\d+% │", text)  # relative errors as percentages
    flat = " ".join(text.split())
    for needle in (
        "(a) winner: by the outcome rule, the same for every command",
        "(b) combat power destroyed per day at the start",
        "What carries it: the kill rates fitted on the 1941 record",
        f"strike-12june-strip: {_winner('strike-12june-strip')} wins",
    ):
        assert needle in flat, needle


def test_table_cells_show_large_numbers_whole_and_small_ones_with_their_digits() -> None:
    """review15fresh: calibrate printed ESS as 26,122.5895 and men as 88,486.000."""
    from forceratio.cli.output import _cell

    assert _cell(88486.0, 3) == "88,486"
    assert _cell(26122.5895, 4) == "26,123"
    assert _cell(1.0045, 4) == "1.0045"  # R-hat keeps its digits
    assert _cell(0.00259, 5) == "0.00259"
    assert _cell(float("nan"), 2) == "—"

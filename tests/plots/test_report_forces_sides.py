"""The report's forces-at-the-start table calls the sides as the scenario file names them."""

from __future__ import annotations

import re
from pathlib import Path

from forceratio.plots.html import build
from forceratio.scenarios.session import Session

GOLAN = Path(__file__).parent / "files" / "golan.toml"


def test_forces_table_names_the_sides_as_the_file_does() -> None:
    """Oracle: the file's own ``side_names = { USSR = "Blue", Germany = "Red" }`` (README: a
    file with side names is shown by them, never by its slots)."""
    text = build([str(GOLAN)], session=Session(None, False))
    start = text.index("<h3>Forces at the start</h3>")
    table = text[start : text.index("</table>", start)]
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", table)
    assert rows, table[:500]
    assert {side for _, side in rows} == {"Blue", "Red"}, rows
    assert {sector for sector, _ in rows} == {"North", "South"}, rows

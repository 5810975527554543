"""A report on a file that gives its own kill rates says what is true of that file: the
comparison's notes (a) and (c) describe the rates it gave, not the 1941 calibration it
does not use."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from forceratio.plots.html import build
from forceratio.scenarios.session import Session

GOLAN = Path(__file__).parent / "files" / "golan.toml"  # given rates 0.02 and 0.015


def _notes(page: str) -> dict[str, str]:
    """Letter -> the comparison note it starts."""
    found = re.findall(r'<p class="note">\(([a-d])\) (.*?)</p>', page, flags=re.S)
    return {k: html.unescape(v) for k, v in found}


@pytest.fixture(scope="module")
def page() -> str:
    return build([str(GOLAN)], session=Session(None, False))


def test_rates_note_says_the_file_gave_them(page: str) -> None:
    notes = _notes(page)
    assert {"a", "c"} <= set(notes)
    assert "'calibrated'" not in notes["c"]
    assert "posterior" not in notes["c"]
    assert "its file gives them" in notes["c"]
    assert "'calibrated'" not in notes["a"]

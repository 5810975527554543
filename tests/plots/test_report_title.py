"""The report's title: the 1941 comparison's only over 1941 scenarios."""

from __future__ import annotations

import re
from pathlib import Path

from forceratio.plots.html import titles
from forceratio.scenarios.session import Session

GOLAN = Path(__file__).parent / "files" / "golan.toml"


def test_a_user_battle_beside_the_12_june_strike_is_not_titled_as_1941() -> None:
    """Oracle: the scenarios' own names (README: a user file is shown by its side names,
    'never as Soviet or German'); the 12 June strike alone keeps the 1941 title."""
    session = Session(None, False)
    strike = session.prepare("strike-12june-strip", ()).scenario
    golan = session.prepare(str(GOLAN), ()).scenario
    title, heading = titles([golan, strike])
    assert title == "forceratio report: golan-test, strike-12june-strip", title
    assert not re.search(r"\b(Soviet|German)\b", heading), heading
    assert "12 June v 22 June 1941" in titles([strike])[0]

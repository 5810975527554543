"""The report read on a phone: a name with no space in it (a 100-character scenario name,
40-character side names, all allowed) is broken to the screen's width, not scrolled."""

from __future__ import annotations

from pathlib import Path

from forceratio.plots.html import build
from forceratio.scenarios.schema import MAX_NAME
from forceratio.scenarios.session import Session
from tests.app.conftest import browser as browser  # the one chromium fixture (Playwright)

GOLAN = Path(__file__).parent / "files" / "golan.toml"


def test_long_names_do_not_widen_the_page_at_360_px(browser: object, tmp_path: Path) -> None:
    """Oracle: the viewport (a page no wider than the 360 px screen scrolls only down)."""
    text = GOLAN.read_text(encoding="utf-8")
    text = text.replace('name = "golan-test"', 'name = "' + "n" * MAX_NAME + '"')
    text = text.replace('"Blue"', '"' + "Ж" * 40 + '"').replace('"Red"', '"' + "W" * 40 + '"')
    scenario = tmp_path / "long.toml"
    scenario.write_text(text, encoding="utf-8")
    page_file = tmp_path / "report.html"
    page_file.write_text(build([str(scenario)], session=Session(None, False)), encoding="utf-8")
    page = browser.new_page(viewport={"width": 360, "height": 800})  # type: ignore[attr-defined]
    page.goto(page_file.as_uri())
    width = page.evaluate("document.documentElement.scrollWidth")
    page.close()
    assert width <= 360, width

"""The report read on a phone: a name with no space in it (a 200-character scenario name,
40-character side names, all allowed) is broken to the screen's width, not scrolled."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from forceratio.plots.html import build
from forceratio.scenarios.session import Session

GOLAN = Path(__file__).parent / "files" / "golan.toml"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium through Playwright, as tests/app/conftest.py launches it."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs Debian's chromium)")
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    from tests.app.conftest import QUIET

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=QUIET)
        yield b
        b.close()


def test_long_names_do_not_widen_the_page_at_360_px(browser: object, tmp_path: Path) -> None:
    """Oracle: the viewport (a page no wider than the 360 px screen scrolls only down)."""
    text = GOLAN.read_text(encoding="utf-8")
    text = text.replace('name = "golan-test"', 'name = "' + "n" * 200 + '"')
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

"""The explorer's two columns at a desktop window: the outcome beside the scenario, at the top.

docs/app.png (scripts/docs_images.py) showed a blank band, a fifth of the page tall, above
the outcome and nearby panels.  The layout was not the cause: at load the columns start
level.  The script opened one assumption's source before its full-page picture, the click
scrolled the page down to it (529 pixels), and the outcome column is sticky (it stays in
view while the assumptions scroll), so the picture drew it that far down.  The oracle is
the scenario panel's own top, in the page's coordinates (what a full-page picture draws).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .pages import wait_ready

ROOT = Path(__file__).resolve().parents[2]
#: The page's top of an element, in pixels from the top of the document (not the window).
TOPS = """() => Object.fromEntries(['#controls', '#outcome', '#nearby'].map(
  s => [s, document.querySelector(s).getBoundingClientRect().top + scrollY]))"""


def _docs_images() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "docs_images", ROOT / "scripts" / "docs_images.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _level(page: Any) -> dict[str, float]:
    tops: dict[str, float] = page.evaluate(TOPS)
    assert abs(tops["#outcome"] - tops["#controls"]) <= 2, tops
    assert abs(tops["#nearby"] - tops["#controls"]) <= 2, tops
    return tops


def _window(browser: Any, docs: ModuleType) -> Any:
    """A page of the docs picture's window size."""
    return browser.new_page(viewport={"width": docs.WIDTH, "height": docs.HEIGHT})


@pytest.mark.slow
def test_the_outcome_starts_beside_the_scenario(server: str, browser: object) -> None:
    """At load, 1280 pixels wide as the docs picture is."""
    docs = _docs_images()
    page = _window(browser, docs)
    page.goto(server)
    wait_ready(page, 0)
    assert page.evaluate("scrollY") == 0
    _level(page)
    page.close()


@pytest.mark.slow
def test_the_docs_picture_has_the_outcome_beside_the_scenario(server: str, browser: object) -> None:
    """As scripts/docs_images.py poses the page for docs/app.png: one source opened (the
    click scrolls to it), then the full-page picture."""
    docs = _docs_images()
    page = _window(browser, docs)
    page.goto(server)
    docs.pose(page)
    opened = page.locator('[data-path="breakpoints.USSR"]').first.locator(
        "xpath=ancestor::div[@class='param']"
    )
    assert opened.locator("details").get_attribute("open") is not None  # the pose's click
    tops = _level(page)
    # and the picture is the page as laid out: the scenario where the header ends
    assert tops["#controls"] < 150
    page.close()

"""The page's address keeps the scenario shown and the values moved from its own
(``#scenario=kiev-1941&breakpoints.USSR=0.5``): a reload, or coming back to the page, shows
them again, where it went back to the first scenario at its own values; an address given
by hand opens that scenario at those values, a value that is no number refused naming its
box, an unknown scenario the first.

Oracles: the scenario and value the test chose, and the API's answer for them (the winner
and the attacker's margin as the page writes them)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from .pages import fetch, wait_ready

PATH = "breakpoints.USSR"


def _margin(x: float | None) -> str:
    return "n/a" if x is None else f"{'+' if x >= 0 else ''}{x:.3f}"


def _shows(page: Any, server: str, scenario: str, value: str) -> None:
    """The page shows ``scenario`` with ``PATH`` at ``value`` and the API's figures for it."""
    assert page.input_value("#scenario") == scenario
    assert page.locator("#title").text_content().startswith(f"forceratio explorer: {scenario}")
    box = page.locator(f'input[type=number][data-path="{PATH}"]')
    assert box.input_value() == value
    values = {
        b.get_attribute("data-path"): b.get_attribute("data-exact") or b.input_value()
        for b in page.locator(".param input[type=number]").all()
    }
    status, res, _ = fetch(
        server + "api/run", json.dumps({"scenario": scenario, "values": values}).encode()
    )
    assert status == 200
    shown = (page.locator("#winner").text_content(), page.locator("#margin").text_content())
    assert shown == (res["winner"], _margin(res["attacker_margin"]))


@pytest.mark.slow
def test_a_reload_and_a_way_back_show_the_scenario_and_values_again(
    server: str, browser: object
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server)
    wait_ready(page, 0)
    page.select_option("#scenario", "kiev-1941")
    page.locator("#title").filter(has_text="kiev-1941").wait_for(timeout=60_000)
    wait_ready(page, 1)
    runs = int(page.get_attribute("body", "data-runs"))
    box = page.locator(f'input[type=number][data-path="{PATH}"]')
    box.fill("0.5")
    box.press("Enter")
    wait_ready(page, runs)
    _shows(page, server, "kiev-1941", "0.5")
    page.reload()
    wait_ready(page, 0)
    _shows(page, server, "kiev-1941", "0.5")
    page.goto("about:blank")
    page.go_back()
    wait_ready(page, 0)
    _shows(page, server, "kiev-1941", "0.5")
    page.close()


@pytest.mark.slow
def test_an_address_given_by_hand(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server + f"#scenario=uman-1941&{PATH}=0.4")
    wait_ready(page, 0)
    _shows(page, server, "uman-1941", "0.4")
    page.goto(server + f"#scenario=no-such-scenario&{PATH}=0.4")
    page.reload()
    wait_ready(page, 0)
    assert page.input_value("#scenario") == "strike-12june-strip"  # the first
    page.goto(server + f"#scenario=uman-1941&{PATH}=abc")
    page.reload()
    page.locator("body[data-state='error']").wait_for(timeout=60_000)
    said = page.locator("#error").text_content()
    assert said == f"{PATH}: expected a finite number, got 'abc' (from the page's address)"
    box = page.locator(f'input[type=number][data-path="{PATH}"]')
    assert box.get_attribute("aria-invalid") == "true"
    page.close()


#: Counts the page's address changes (chromium ignores more than 200 in 10 s: a slider
#: dragged for 10 s, one change a move, lost the last ones).
COUNT = """(() => {
  const replace = history.replaceState.bind(history);
  window.addressChanges = 0;
  history.replaceState = (...a) => { window.addressChanges += 1; return replace(...a); };
})();"""


@pytest.mark.slow
def test_a_slider_moved_fast_changes_the_address_a_few_times_a_second(
    server: str, browser: object
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.add_init_script(COUNT)
    page.goto(server)
    wait_ready(page, 0)
    slider = page.locator(".param input[type=range]").nth(1)
    slider.focus()
    page.keyboard.press("Home")
    before = page.evaluate("() => window.addressChanges")
    start = time.monotonic()
    for _ in range(40):
        page.keyboard.press("ArrowRight")
    changes = page.evaluate("() => window.addressChanges") - before
    took = time.monotonic() - start
    assert changes <= took / 0.1 + 1, (changes, took)  # not one a move
    moved = slider.input_value()
    page.wait_for_timeout(300)  # (the last change made within 100 ms)
    page.reload()
    wait_ready(page, 0)
    assert page.locator(".param input[type=number]").nth(1).input_value() == moved
    page.close()


@pytest.mark.slow
def test_a_long_bad_value_in_the_address_keeps_a_narrow_page_narrow(
    server: str, browser: object
) -> None:
    """The refusal of a value of 300 letters given in the address, one word, widened a
    360-pixel page to 2,551 pixels. Oracle: the window's width, and the value's start."""
    page = browser.new_page(viewport={"width": 360, "height": 700})  # type: ignore[attr-defined]
    page.goto(server + f"#scenario=kiev-1941&{PATH}=" + "x" * 300)
    page.locator("body[data-state='error']").wait_for(timeout=60_000)
    said = page.locator("#error").text_content()
    assert said.startswith(f"{PATH}: expected a finite number, got 'xxxx")
    assert len(said) < 200
    assert page.evaluate("() => document.documentElement.scrollWidth") == 360
    page.close()

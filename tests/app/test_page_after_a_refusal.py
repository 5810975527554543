"""What the page shows after an input or a request it could not use: the controls keep
saying what the page is showing (a slider never moved to a value nobody chose, the picker
never naming a scenario the page did not load).

Oracles: the values the test itself typed and chose, and the scenario the page's title
and sliders are of."""

from __future__ import annotations

import pytest

from forceratio.app.model import Explorer

from .conftest import Serve
from .pages import wait_ready


@pytest.mark.slow
def test_an_emptied_box_leaves_its_slider_where_it_was(server: str, browser: object) -> None:
    """An emptied box (refused: "missing") moved its slider to the middle of its range:
    ``Number("")`` is 0, a finite number, and the slider given "" sits at its middle."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server)
    wait_ready(page, 0)
    box = page.locator(".param input[type=number]").first
    slider = page.locator(".param input[type=range]").first
    low, high = float(slider.get_attribute("min")), float(slider.get_attribute("max"))
    page.keyboard.press("Tab")  # (focus into the page)
    slider.focus()
    page.keyboard.press("Home")  # (the first slider's own value is its range's top)
    wait_ready(page, 1)
    assert float(slider.input_value()) == low
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.press("Enter")
    said = page.locator("#error").text_content()
    assert said.endswith("missing (the box is empty); expected a number")
    assert float(slider.input_value()) == low, (low, high)  # not (low + high) / 2
    page.close()


@pytest.mark.slow
def test_a_choice_the_server_never_answered_is_undone(
    explorer: Explorer, serve: Serve, browser: object
) -> None:
    """With the server stopped, choosing another scenario left the picker on it while the
    title, the sliders and the figures were the first scenario's (and a later run sent the
    first's name under the second's label): the picker goes back to the scenario shown."""
    page = browser.new_page()  # type: ignore[attr-defined]
    with serve(explorer) as url:
        page.goto(url)
        wait_ready(page, 0)
        first = page.input_value("#scenario")
    page.select_option("#scenario", "uman-1941")
    error = page.locator("#error")
    error.filter(has_text="server: no answer").wait_for(timeout=10_000)
    assert page.input_value("#scenario") == first  # the scenario the page still shows
    assert page.locator("#title").text_content().startswith(f"forceratio explorer: {first}")
    page.close()


@pytest.mark.slow
def test_every_slider_reaches_both_ends_of_its_range(server: str, browser: object) -> None:
    """A slider's step, (high - low) / 100 in floating point (0.018000000000000002 for 1.2 to
    3), fitted only 99 times into the range in chromium's decimal step arithmetic: End gave
    2.982, never 3, and the scenario's own value 3 sat at 2.982. Oracle: each slider's
    declared range (its min and max) and the scenario's own values (the API's)."""
    import json

    from .pages import fetch

    _, info, _ = fetch(server + "api/scenario/strike-12june-strip")
    own = {p["path"]: p for p in info["parameters"]}
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server)
    wait_ready(page, 0)
    sliders = page.locator(".param input[type=range]")
    at_top = 0
    for i in range(sliders.count()):
        s = sliders.nth(i)
        p = own[s.get_attribute("data-path")]
        if p["value"] == p["high"]:  # shown where it is, not a step short
            at_top += 1
            assert float(s.input_value()) == p["high"], json.dumps(p)
        s.focus()
        for key, end in (("End", p["high"]), ("Home", p["low"])):
            page.keyboard.press(key)
            assert float(s.input_value()) == end, (key, json.dumps(p))
    assert at_top >= 1  # (the surprise's fire at its range's top: the case seen)
    page.close()


@pytest.mark.slow
def test_a_refusal_made_while_a_run_is_out_outlasts_its_answer(
    server: str, browser: object
) -> None:
    """A box emptied while a run was on its way was refused ("missing"), and then the run's
    answer cleared the refusal: the page said ready, its figures not marked stale, with the
    box still empty. Oracle: the box the test emptied (the run held by the test until then)."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server)
    wait_ready(page, 0)
    held: list[object] = []
    page.route("**/api/run", lambda route: held.append(route))
    page.locator(".param input[type=range]").nth(1).focus()
    page.keyboard.press("Home")  # a run, held
    page.wait_for_timeout(200)
    assert len(held) == 1
    box = page.locator(".param input[type=number]").nth(2)
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.press("Enter")
    path = box.get_attribute("data-path")
    missing = f"{path}: missing (the box is empty); expected a number"
    assert page.locator("#error").text_content() == missing
    held[0].continue_()  # type: ignore[attr-defined]
    page.unroute("**/api/run")
    body = page.locator("body")
    page.locator("body[data-runs='2']").wait_for(timeout=10_000)  # the held answer is in
    assert body.get_attribute("data-state") == "error"
    assert page.locator("#error").text_content() == missing
    assert page.locator("#stale").is_visible()
    assert box.get_attribute("aria-invalid") == "true"
    page.close()


@pytest.mark.slow
def test_a_run_on_its_way_is_shown(server: str, browser: object) -> None:
    """While a run was out (seconds for a stiff point, or behind another tab's runs) the page
    showed nothing: only an attribute no reader sees said "busy". Oracle: the run the test
    holds, then lets through."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server)
    wait_ready(page, 0)
    busy = page.locator("#busy")
    assert not busy.is_visible()
    held: list[object] = []
    page.route("**/api/run", lambda route: held.append(route))
    page.locator(".param input[type=range]").nth(1).focus()
    page.keyboard.press("Home")
    page.wait_for_timeout(800)  # (shown after 0.3 s: a quick run flashes nothing)
    assert len(held) == 1
    assert busy.is_visible()
    assert "running" in busy.text_content()
    held[0].continue_()  # type: ignore[attr-defined]
    page.unroute("**/api/run")
    wait_ready(page, 1)
    assert not busy.is_visible()
    page.close()


@pytest.mark.slow
def test_the_charts_words_stay_readable_in_a_narrow_window(server: str, browser: object) -> None:
    """At 360 pixels the chart, drawn 720 wide and scaled to the window, shrank its 11-pixel
    labels to under 5 pixels (the axes' numbers unreadable on a phone). Oracle: the labels'
    rendered height in CSS pixels, and the chart inside the window (no sideways scroll)."""
    page = browser.new_page(viewport={"width": 360, "height": 740})  # type: ignore[attr-defined]
    page.goto(server)
    wait_ready(page, 0)
    heights = page.locator("#chart text").evaluate_all(
        "ts => ts.map(t => t.getBoundingClientRect().height)"
    )
    assert heights
    assert min(heights) >= 9, heights
    box = page.locator("#chart").bounding_box()
    assert box["x"] + box["width"] <= 360
    widths = page.evaluate("() => document.documentElement.scrollWidth")
    assert widths <= 360
    page.close()


@pytest.mark.slow
def test_a_refused_box_still_shows_when_it_has_the_focus(server: str, browser: object) -> None:
    """A refused box's red outline replaced the focus ring: focused or not, it looked the
    same, so a keyboard user tabbing through could not see the focus on it. Oracle: the
    box's computed style with and without the focus (the ring differs), the mark kept."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server)
    wait_ready(page, 0)
    box = page.locator(".param input[type=number]").nth(1)
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.press("Enter")
    assert box.get_attribute("aria-invalid") == "true"
    look = (
        "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth, "
        "getComputedStyle(e).boxShadow]"
    )
    focused = box.evaluate(look)
    page.keyboard.press("Tab")
    away = box.evaluate(look)
    assert focused != away, focused
    assert away[2] != "none" or away[0] != "none"  # still marked without the focus
    page.close()

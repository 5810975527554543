"""An answer that comes back after another scenario was chosen (while its run was out) is
not shown as the new scenario's, and does not make the page say it is ready: with the
second scenario still loading, the page said "ready" (the busy notice gone) with the picker
naming the second and the first's title, sliders and figures; with the second loaded, it
showed the first's figures under the second's title until the second's run answered.

Oracle: at every moment the page says ready, the API's own answer for the scenario the
picker names and the values in the page's boxes (the winner and the attacker's margin, as
the page writes them); the requests are held by the test, so the order is the same on
every run."""

from __future__ import annotations

from typing import Any

import pytest

from .pages import fetch, wait_ready

#: Each time the page says ready (``readyLog``), and each time its figures change while its
#: title names the scenario picked (``shownLog``): the picker's scenario, the boxes' values,
#: the figures.
SPY = """() => {
  const seen = () => {
    const values = {};
    for (const x of document.querySelectorAll('.param input[type=number]')) {
      values[x.dataset.path] = x.dataset.exact ?? x.value;
    }
    return {scenario: document.getElementById('scenario').value, values,
      winner: document.getElementById('winner').textContent,
      margin: document.getElementById('margin').textContent};
  };
  window.readyLog = []; window.shownLog = [];
  new MutationObserver(() => {
    if (document.body.dataset.state === 'ready') { window.readyLog.push(seen()); }
  }).observe(document.body, {attributes: true, attributeFilter: ['data-state']});
  new MutationObserver(() => {
    const s = seen();
    if (document.getElementById('title').textContent.includes(s.scenario)) {
      window.shownLog.push(s);
    }
  }).observe(document.getElementById('margin'), {childList: true, characterData: true});
}"""


def _margin(x: float | None) -> str:
    return "n/a" if x is None else f"{'+' if x >= 0 else ''}{x:.3f}"


def _check(server: str, log: list[dict[str, Any]]) -> None:
    import json

    assert log, "the page never said ready"
    for seen in log:
        body = json.dumps({"scenario": seen["scenario"], "values": seen["values"]}).encode()
        status, res, _ = fetch(server + "api/run", body)
        assert status == 200, ("ready with the picker on another scenario's sliders", seen)
        shown = (seen["winner"], seen["margin"][:6])
        assert shown == (res["winner"], _margin(res["attacker_margin"])[:6]), seen


def _held(page: Any, pattern: str) -> list[Any]:
    """The first request matching ``pattern`` held (appended), the later ones let through."""
    held: list[Any] = []

    def hold(route: Any) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route(pattern, hold)
    return held


@pytest.mark.slow
@pytest.mark.parametrize("hold_scenario", [False, True], ids=["loaded", "loading"])
def test_a_run_answered_after_another_scenario_was_chosen(
    server: str, browser: object, hold_scenario: bool
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server)
    wait_ready(page, 0)
    assert page.input_value("#scenario") == "strike-12june-strip"
    page.evaluate(SPY)
    runs = _held(page, "**/api/run")
    page.locator(".param input[type=range]").nth(1).focus()
    page.keyboard.press("Home")  # the first scenario's run, held
    page.wait_for_timeout(300)
    assert len(runs) == 1
    scenario = _held(page, "**/api/scenario/kiev-1941") if hold_scenario else []
    page.select_option("#scenario", "kiev-1941")
    if hold_scenario:
        page.wait_for_timeout(300)
        assert len(scenario) == 1  # its sliders not yet loaded
    else:
        page.locator("#title").filter(has_text="kiev-1941").wait_for(timeout=30_000)
    runs[0].continue_()  # the first scenario's answer arrives
    page.wait_for_timeout(1_500)
    if hold_scenario:
        scenario[0].continue_()
    page.locator("#title").filter(has_text="kiev-1941").wait_for(timeout=30_000)
    page.locator("body[data-state='ready']").wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    log = page.evaluate("() => window.readyLog")
    _check(server, log)
    assert log[-1]["scenario"] == "kiev-1941"
    _check(server, page.evaluate("() => window.shownLog"))  # never strike's under kiev's
    page.close()

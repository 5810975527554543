"""The explorer's first numbers are ``forceratio compare``'s (outside review, 2026-12-03):
the page rounded a starting value it sent (the attacker's capture factor 0.000665 sent as
0.0007) and the model clamped one outside its declared range (barbarossa-22june-strip's
air strike 0.093 sent as 0.1).  The model's starting values are the ones compare runs, and
the page sends them exactly until the user moves one; it may show them rounded."""

from __future__ import annotations

import json
from typing import Any

import pytest

from forceratio.app.model import Explorer
from forceratio.scenarios.compare import compare
from forceratio.scenarios.registry import sweepable

from .pages import wait_ready

#: The built-ins whose starting values the page or the model changed.
NAMES = ["strike-12june-strip", "barbarossa-22june-strip", "strike-12june-north", "sokolov-152v100"]


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer()


@pytest.fixture(scope="module")
def rows() -> dict[str, dict[str, Any]]:
    return {r["scenario"]: r for r in compare(NAMES)}


def _same(res: dict[str, Any], row: dict[str, Any]) -> None:
    assert res["winner"] == row["winner"]
    got = {
        "soviet_losses": res["losses"]["USSR"]["personnel"],
        "german_losses": res["losses"]["Germany"]["personnel"],
        "soviet_tanks_lost": res["losses"]["USSR"]["tanks"],
        "german_aircraft_lost": res["losses"]["Germany"]["aircraft"],
        "attacker_margin": res["attacker_margin"],
        "duration_days": res["duration_days"],
        "soviet_surviving_share": res["kept"]["USSR"],
        "german_surviving_share": res["kept"]["Germany"],
    }
    for key, value in got.items():
        assert value == pytest.approx(row[key], rel=1e-12, abs=1e-12), key


@pytest.mark.parametrize("name", NAMES)
def test_the_starting_point_is_exactly_compares(
    name: str, explorer: Explorer, rows: dict[str, dict[str, Any]]
) -> None:
    prep = explorer._prep(name)
    own = sweepable(prep, explorer._session.rates(prep))  # the values compare runs at
    params = explorer.scenario(name)["parameters"]
    assert {p["path"]: p["value"] for p in params} == {p["path"]: own[p["path"]] for p in params}
    _same(explorer.run(name, {p["path"]: p["value"] for p in params}), rows[name])


@pytest.mark.slow
@pytest.mark.parametrize("name", ["strike-12june-strip", "barbarossa-22june-strip"])
def test_the_page_sends_the_starting_values_exactly(
    name: str,
    server: str,
    browser: object,
    explorer: Explorer,
    rows: dict[str, dict[str, Any]],
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    sent: list[dict[str, Any]] = []
    answers: list[Any] = []

    def request(req: Any) -> None:
        if req.url.endswith("/api/run"):
            sent.append(json.loads(req.post_data))

    def response(res: Any) -> None:
        if res.url.endswith("/api/run"):
            answers.append(res)

    page.on("request", request)
    page.on("response", response)
    page.goto(server)
    wait_ready(page, 0)
    if name != page.input_value("#scenario"):
        runs = int(page.get_attribute("body", "data-runs"))
        page.select_option("#scenario", name)
        wait_ready(page, runs)
    body = sent[-1]
    assert body["scenario"] == name
    own = {p["path"]: p["value"] for p in explorer.scenario(name)["parameters"]}
    assert {k: float(v) for k, v in body["values"].items()} == own
    _same(answers[-1].json(), rows[name])
    # the box may show a value rounded; a user's move then sends what the box holds
    path = "operations.capture.factor.attacker"
    box = page.locator(f'input[type=number][data-path="{path}"]')
    runs = int(page.get_attribute("body", "data-runs"))
    box.fill("0.002")
    box.blur()
    wait_ready(page, runs)
    assert float(sent[-1]["values"][path]) == 0.002

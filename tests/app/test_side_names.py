"""The explorer shows a scenario file's sides by the names the file gives them.

The page labelled the sides by slot (USSR, Germany; "Soviet men lost") whatever the
scenario called them, and could not show a scenario file at all.  A file given to the
explorer (``Explorer(files=...)``) is listed after the built-ins, and its ``side_names``
name its sides everywhere the page shows one: the winner, the losses table, the chart's
labels, tooltips and legend, the sliders' labels, the end reason, the nearby note.  The
names are hostile (markup, an ampersand, quotes): the oracle is the name as written in the
file, shown as text, with no element made from it and no script run.  Then what a teacher
met: a narrow window scrolled sideways, and a value the server refused left its box
unmarked.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from forceratio.app.model import Explorer
from tests.scenario_files import ScenarioFile

from .conftest import Serve
from .pages import wait_ready

#: Hostile names: an element that would run a script, an entity, quotes of both kinds.
NAMES = {"USSR": "<img src=x onerror=alert(1)>", "Germany": "Ruritania & \"Co\" 'q' <b>"}
#: Names of the longest length allowed (40), one of them without a space to break at.
LONG = {"USSR": "Grand_Army_of_the_Northern_Marches_Royal", "Germany": "L" * 40}
#: Thirty days of the square law, Germany (here Ruritania) attacking; the USSR slot breaks
#: when it keeps less than its break point's share.
FILE = ScenarioFile(name="hostile", description="two named sides", duration_days=30)
UNCERTAINTY = """
[uncertainty]
"attrition.german_rate" = [0.01, 0.014]
"attrition.soviet_rate" = [0.008, 0.012]
"breakpoints.USSR" = [0.2, 0.95]
"""
BREAK = "[breakpoints]\nUSSR = {}\n"
#: Words that name a side by its slot (or the 1941 wording), never shown for a named side.
SLOT_WORDS = re.compile(r"\b(USSR|Soviet|Germany|German|Germans)\b")


def _write(tmp: Path, names: dict[str, str] | None, name: str, breakpoint: float = 0.3) -> str:
    head = UNCERTAINTY
    if names is not None:
        inner = ", ".join(f"{slot} = {json.dumps(n)}" for slot, n in names.items())
        head = f"side_names = {{ {inner} }}\n" + UNCERTAINTY
    scn = dataclasses.replace(FILE, name=name, head=head, tail=BREAK.format(breakpoint))
    return str(scn.write(tmp / f"{name}.toml"))


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> Explorer:
    tmp = tmp_path_factory.mktemp("happ23")
    return Explorer(
        files=(
            _write(tmp, NAMES, "hostile"),
            _write(tmp, LONG, "long-names"),
            _write(tmp, None, "unnamed"),
            _write(tmp, NAMES, "breaks", breakpoint=0.9),
            str(dataclasses.replace(FILE, name="bare", date=None).write(tmp / "bare.toml")),
        )
    )


@pytest.fixture(scope="module")
def named_server(named: Explorer, serve: Serve) -> Iterator[str]:
    with serve(named) as url:
        yield url


def test_the_api_gives_the_files_names(named: Explorer) -> None:
    listed = [s["name"] for s in named.scenarios()]
    # after the built-ins
    assert listed[-5:] == ["hostile", "long-names", "unnamed", "breaks", "bare"]
    scn = named.scenario("hostile")
    assert scn["sides"] == NAMES
    labels = {p["path"]: p["label"] for p in scn["parameters"]}
    assert labels["attrition.german_rate"].startswith(NAMES["Germany"] + " ")
    assert labels["breakpoints.USSR"].startswith(NAMES["USSR"] + " ")
    run = named.run("breaks", {})
    assert run["sides"] == NAMES
    # the USSR slot breaks at 90% kept, on the first day: the reason names it as the file does
    assert run["end_reason"] == f"{NAMES['USSR']} broke"
    assert run["history"] == []  # the 22 June 1941 record is no record of this battle
    # a file that names no sides is shown by its slots, with the 1941 record beside it
    plain = named.run("unnamed", {})
    assert plain["sides"] == {"USSR": "USSR", "Germany": "Germany"}
    assert plain["history"]
    # its run beside that record in its slots' words, never the 1941 wording's "Soviet"
    assert plain["lost_labels"] == {"USSR": "USSR men lost", "Germany": "Germany men lost"}


def test_a_name_taken_by_a_built_in_is_refused(tmp_path: Path) -> None:
    from forceratio.errors import InputError

    path = _write(tmp_path, NAMES, "strike-12june-strip")
    with pytest.raises(InputError, match="taken"):
        Explorer(files=(path,))


def test_a_name_two_files_share_is_refused(tmp_path: Path) -> None:
    """review23d: the branch for a name another file already took had no test (two files
    with one scenario name, or one file given twice)."""
    from forceratio.errors import InputError

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = (_write(tmp_path / d, NAMES, "twice") for d in ("a", "b"))
    with pytest.raises(InputError, match=f"taken by the file {first}"):
        Explorer(files=(first, second))
    with pytest.raises(InputError, match="taken by the file"):
        Explorer(files=(first, first))


def _open(chromium: object, url: str, scenario: str, width: int = 1280) -> tuple[object, list[str]]:
    """A page at ``url`` showing ``scenario`` once run, and the list its script errors and
    dialogs (an alert a name ran) go to."""
    page = chromium.new_page(viewport={"width": width, "height": 800})  # type: ignore[attr-defined]
    seen: list[str] = []

    def dialog(d: Any) -> None:  # an alert a name ran
        seen.append(f"dialog: {d.message}")
        d.dismiss()

    page.on("pageerror", lambda e: seen.append(f"error: {e}"))
    page.on("dialog", dialog)
    page.goto(url)
    wait_ready(page, 0)
    if page.input_value("#scenario") != scenario:
        runs = int(page.get_attribute("body", "data-runs"))
        page.select_option("#scenario", scenario)
        wait_ready(page, runs)
    assert page.title().endswith(scenario)
    return page, seen


@pytest.mark.slow
def test_the_page_names_every_side_as_the_file_does(
    named: Explorer,
    named_server: str,
    browser: object,
) -> None:
    page, seen = _open(browser, named_server, "breaks")
    p: object = page
    run = named.run("breaks", {})
    assert p.inner_text("#winner") == NAMES[run["winner"]]  # type: ignore[attr-defined]
    heads = p.locator("#losses tr").first.locator("th").all_inner_texts()  # type: ignore[attr-defined]
    assert heads == ["", NAMES["USSR"], NAMES["Germany"]]
    assert p.inner_text("#end").startswith(f"{NAMES['USSR']} broke (")  # type: ignore[attr-defined]
    legend = p.locator("#legend .key").all_inner_texts()  # type: ignore[attr-defined]
    assert legend == [NAMES["USSR"], NAMES["Germany"]]
    tips = p.locator("#chart title").all_text_contents()  # type: ignore[attr-defined]
    assert set(tips) == set(NAMES.values())
    labels = p.locator(".param label").all_inner_texts()  # type: ignore[attr-defined]
    assert any(t.startswith(NAMES["USSR"] + " breakpoint") for t in labels)
    assert f"attacker: {NAMES['Germany']}." in p.inner_text("#nearby-note")  # type: ignore[attr-defined]
    assert NAMES["USSR"] in p.inner_text("#record")  # type: ignore[attr-defined]
    for part in ("#outcome", "#nearby", "#chart-box", "#record", "#params label"):
        for text in p.locator(part).all_inner_texts():  # type: ignore[attr-defined]
            assert not SLOT_WORDS.search(text), (part, text)
    # text, not markup: no element made from a name, no script run
    assert p.locator("main img, main b").count() == 0  # type: ignore[attr-defined]
    assert not seen


@pytest.mark.slow
@pytest.mark.parametrize(
    ("served", "scenario"), [("server", "strike-12june-strip"), ("named_server", "long-names")]
)
def test_a_narrow_window_does_not_scroll_sideways(
    request: pytest.FixtureRequest,
    browser: object,
    served: str,
    scenario: str,
) -> None:
    """A 360-pixel window (a phone, half a projector's screen): the page was two columns
    and a 720-pixel chart wide; long names must wrap, or be cut in the chart (whole in its
    tooltip and legend), not push the page past the window."""
    page, seen = _open(browser, request.getfixturevalue(served), scenario, width=360)
    p: object = page
    wide = p.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    assert wide <= 360
    # the chart's side labels end inside the chart's own box
    ends = p.evaluate(  # type: ignore[attr-defined]
        "[...document.querySelectorAll('#chart > text[fill]')].map(t => {"
        " const b = t.getBBox(); return b.x + b.width; })"
    )
    assert ends
    assert max(ends) <= 720
    assert not seen


@pytest.mark.slow
def test_a_value_the_server_refuses_marks_its_box(
    server: str,
    browser: object,
) -> None:
    """A break point of 1.5 passes the page's own check (a finite number) and is refused by
    the server; the error showed but the box was not marked (only the page's own refusals
    were)."""
    page, _ = _open(browser, server, "strike-12june-strip")
    p: object = page
    box = p.locator('input[type=number][data-path="breakpoints.USSR"]')  # type: ignore[attr-defined]
    box.fill("1.5")
    box.press("Enter")
    p.wait_for_selector("body[data-state='error']", state="attached", timeout=60_000)  # type: ignore[attr-defined]
    assert p.inner_text("#error").startswith("breakpoints.USSR: must be in [0, 1)")  # type: ignore[attr-defined]
    assert box.get_attribute("aria-invalid") == "true"
    assert "bad" in (box.get_attribute("class") or "")
    other = p.locator('input[type=number][data-path="breakpoints.Germany"]')  # type: ignore[attr-defined]
    assert other.get_attribute("aria-invalid") != "true"
    runs = int(p.get_attribute("body", "data-runs"))  # type: ignore[attr-defined]
    box.fill("0.3")
    box.press("Enter")
    wait_ready(p, runs)
    assert box.get_attribute("aria-invalid") == "false"
    assert "bad" not in (box.get_attribute("class") or "")


def _in_view(page: Any, selector: str) -> bool:
    """Whether ``selector``'s element shows at least in part in the window."""
    return bool(
        page.evaluate(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; })()"
        )
    )


@pytest.mark.slow
def test_the_outcome_stays_in_view_beside_the_last_assumption(
    server: str,
    browser: object,
) -> None:
    """The strip's 22 assumptions run three screens long; moving the last one (scrolled to
    it) left the outcome, and an error, scrolled away at the top of the page."""
    page, seen = _open(browser, server, "strike-12june-strip", width=1280)
    p: Any = page
    assert p.locator(".param").count() > 10
    last = p.locator(".param").last
    slider = last.locator("input[type=range]")
    slider.scroll_into_view_if_needed()
    runs = int(p.get_attribute("body", "data-runs"))
    slider.focus()
    p.keyboard.press("Home")
    wait_ready(p, runs)
    assert p.evaluate("scrollY") > 800  # scrolled down to it
    assert _in_view(p, "#outcome")
    box = last.locator("input[type=number]")
    box.fill("-1")
    box.press("Enter")
    p.wait_for_selector("body[data-state='error']", state="attached", timeout=60_000)
    assert _in_view(p, "#stale")
    assert not seen


class _SlowNorth(Explorer):
    """An explorer that answers for strike-12june-north two seconds late (its first
    preparation, say, while another scenario's answer is quick)."""

    def scenario(self, name: str) -> dict[str, Any]:
        if name == "strike-12june-north":
            time.sleep(2.0)
        return super().scenario(name)


@pytest.mark.slow
def test_a_late_answer_for_an_earlier_choice_is_not_shown(
    serve: Serve,
    browser: object,
) -> None:
    """Arrow keys on the scenario list choose each scenario in turn; an answer arriving
    after a later choice's replaced it: the list said one scenario, the page showed
    another."""
    with serve(_SlowNorth()) as url:
        page, seen = _open(browser, url, "strike-12june-strip")
        p: Any = page
        p.select_option("#scenario", "strike-12june-north")  # slow
        p.select_option("#scenario", "sokolov-152v100")  # quick, chosen last
        p.wait_for_timeout(3_000)  # the slow answer has come
        p.wait_for_selector("body[data-state='ready']", state="attached", timeout=60_000)
        assert p.input_value("#scenario") == "sokolov-152v100"
        assert p.title() == "forceratio explorer: sokolov-152v100"
        assert not seen


@pytest.mark.slow
def test_a_scenario_declaring_no_ranges_says_so(
    named_server: str,
    browser: object,
) -> None:
    """A file with no [uncertainty] table showed the heading over nothing; with no date,
    the list and the title said 'bare (null)'."""
    page, seen = _open(browser, named_server, "bare")
    p: Any = page
    assert p.locator(".param").count() == 0
    assert p.inner_text("#params").startswith("None: this scenario declares no uncertainty")
    assert p.inner_text("#title") == "forceratio explorer: bare"
    assert p.locator("#scenario option[value=bare]").inner_text() == "bare"
    assert not seen


@pytest.mark.slow
def test_a_stopped_server_is_said_to_be_one(
    serve: Serve,
    browser: object,
) -> None:
    """The teacher closes the terminal; a slider moved then showed 'Failed to fetch'."""
    with serve(Explorer()) as url:
        page, seen = _open(browser, url, "strike-12june-strip")
    p: Any = page  # the server is stopped now
    slider = p.locator('input[type=range][data-path="breakpoints.USSR"]')
    slider.focus()
    p.keyboard.press("End")
    p.wait_for_selector("body[data-state='error']", state="attached", timeout=60_000)
    assert p.inner_text("#error").startswith("server: no answer (is forceratio app still running?")
    assert not seen

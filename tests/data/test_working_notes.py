"""Every note a shipped locator or note names is one a reader can find: the shipped
tables themselves, or a file the report's Sources section says where to find; no note
that exists nowhere (a session's scratch file) is cited."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from forceratio import data
from forceratio.scenarios import builtins
from forceratio.scenarios.session import Session

FILE = re.compile(r"[\w./-]+\.(?:md|csv)\b")
#: Named files that are no working note: a placeholder for the reader's own file, and a
#: file of a public repository cited with the repository's name.
NOT_NOTES = {"FILE.csv", "QJMWargame.md"}  # (HerrTom/OPORD-QJM, documentation/)


def _shipped_text() -> list[tuple[str, str]]:
    """(where, text) of every table cell and every built-in scenario's file text."""
    out = []
    tables = resources.files("forceratio.data") / "tables"
    for name in [*data.tables(), "sources"]:
        text = (tables / f"{name}.csv").read_text(encoding="utf-8")
        out.append((f"{name}.csv", text.split("\n", 1)[1]))  # the rows, not the header
    scenarios = resources.files("forceratio.scenarios") / "builtin"
    for name in builtins():
        out.append((name, (scenarios / f"{name}.toml").read_text(encoding="utf-8")))
    return out


@pytest.mark.parametrize(("where", "text"), _shipped_text())
def test_every_note_file_named_is_placed(where: str, text: str) -> None:
    shipped = {f"{t}.csv" for t in [*data.tables(), "sources"]}
    for name in set(FILE.findall(re.sub(r"https?://\S+", "", text))):  # addresses aside
        base = name.rsplit("/", 1)[-1]
        if base in NOT_NOTES:
            continue
        assert base in shipped or base in data.WORKING_NOTES, f"{where}: {name} placed nowhere"


@pytest.mark.parametrize(("where", "text"), _shipped_text())
def test_no_scratch_note_is_cited(where: str, text: str) -> None:
    """A session's review or research file (review16src, research13.md) exists in no
    folder a reader can open: the primary source is cited instead, the check by date."""
    assert not re.search(r"research\d+\.md|review\d+\w*|audit M\d+", text), where


def test_the_report_says_where_the_notes_live() -> None:
    from forceratio.plots.html import build

    page = build(["uman-1941"], session=Session(None, False))
    sources = page[page.index("<h2>Sources</h2>") :]
    for name in ("sources-notes-2.md", "gaps.csv", "shared/reference/1941", "not shipped"):
        assert name in sources.split("<table>")[0], name

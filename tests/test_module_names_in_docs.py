"""The package's docstrings and comments name modules that exist: after the scenario model
was split into ``scenarios/schema*.py`` and ``cells``, ``files`` and ``decoding`` moved into
``forceratio.io``, references such as ``~.model.TableValue`` or ``cells.dot_groups`` were
left behind (found 5 December 2026).  The oracle is the source text itself: every string and
comment token (Python's tokenizer) of every module under src/forceratio."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "forceratio"
STALE = {
    "the scenario model's classes (now scenarios/schema*.py or bounds.py)": re.compile(
        r"(?<!fitting\.)\bmodel\.[A-Z]\w*"
    ),
    "scenarios.model (now scenarios/schema*.py)": re.compile(r"scenarios\.model\b"),
    "cells (now io.tables)": re.compile(r"(?<![\w.])cells\.[a-z_]+\b(?!\()|forceratio\.cells"),
    "files (now forceratio.io)": re.compile(r"forceratio\.files\b"),
    "decoding (now forceratio.io)": re.compile(r"forceratio\.decoding\b"),
    "DEFAULT_SEED's old home (now forceratio.seeds)": re.compile(r"\brun\.DEFAULT_SEED"),
}


def _prose(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string and comment token of ``path``."""
    source = path.read_text(encoding="utf-8")
    kinds = (tokenize.STRING, tokenize.COMMENT)
    return [
        (tok.start[0], tok.string)
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type in kinds
    ]


@pytest.mark.parametrize("what", list(STALE))
def test_docstrings_and_comments_name_no_moved_module(what: str) -> None:
    pattern = STALE[what]
    found = [
        f"{path.relative_to(PACKAGE)}:{line}: {m.group(0)}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, text in _prose(path)
        for m in pattern.finditer(text)
    ]
    assert found == [], f"{what}: {found}"

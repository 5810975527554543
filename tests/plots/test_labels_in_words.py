"""review20a L6: parameter labels read as words, not as nested parentheses or a capital
in mid-sentence."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from forceratio.cli.discover import print_boxes
from forceratio.cli.output import Format
from forceratio.plots.labels import parameter_label
from forceratio.scenarios.registry import LABELS


@pytest.mark.parametrize("path", sorted(LABELS))
def test_no_label_nests_parentheses(path: str) -> None:
    """Every label's parentheses balance and none opens inside another."""
    depth = 0
    for ch in str(parameter_label(path)):
        depth += (ch == "(") - (ch == ")")
        assert depth >= 0
        # a unit like 'in ln(ratio)' is a formula, not a parenthetical opened inside one
        assert depth <= 1 or "ln(" in str(parameter_label(path)), path
    assert depth == 0


def test_in_words_keeps_a_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    """The 'In words' line joins the labels with 'and': only proper adjectives keep their
    capital there."""
    names = [
        "modifiers.quality.Germany",
        "operations.capture.factor.defender",
        "operations.readiness.USSR.tanks",
        "modifiers.posture.unprepared_factor",
    ]
    box = SimpleNamespace(
        names=names,
        bounds=[(0.6, 18.7), (0.004, 1.0), (0.79, 0.83), (0.5, 1.0)],
        density=0.8,
        coverage=0.5,
        mass=0.1,
        trajectory=[],
        conditions=lambda: [
            {"parameter": n, "low": lo, "high": hi}
            for n, lo, hi in zip(names, (1, 0.2, 0.8, 0.5), (4, 1, 0.82, 0.9), strict=True)
        ],
    )
    print_boxes([box], "the attacker wins", 100, Format.table, False)
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("In words"))
    words = line.split(" when ", 1)[1]
    assert "German quality" in words
    assert "and the defender's capture rate" in words
    assert "and share of Soviet tanks ready" in words
    assert "and fire of a side caught unprepared" in words
    for clause in words.split(" and ")[1:]:
        assert clause[0].islower() or clause.split()[0] in ("German", "Soviet"), clause

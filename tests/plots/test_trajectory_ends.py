"""The trajectory stops where the run stopped and names the rule that decided it: no
flat line on to the scenario's last day after a side broke.  Oracle: compare's row for
the same scenario (its duration, its deciding day and rule, its end reason), which reads
the outcome rule's arrays, not the figure."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from forceratio.plots import figure
from forceratio.scenarios.compare import compare
from forceratio.scenarios.session import Session

Drawn = tuple[dict[str, Any], list[Any]]  # compare's row, the figure's axes
NAME = "strike-12june-strip"  # a side breaks on day 24.2 of 30; the rule decided on day 5.25


@pytest.fixture(scope="module")
def drawn() -> Drawn:
    session = Session(None, False)
    row = compare([NAME], session=session)[0]
    fig = figure("trajectory", NAME, session=session)
    return row, fig.axes


def test_the_lines_stop_at_the_run_end(drawn: Drawn) -> None:
    row, axes = drawn
    assert row["duration_days"] < 29  # the premise: the run ended early
    for ax in axes:
        for line in ax.get_lines():
            if str(line.get_label()).endswith("(model)"):
                x = np.asarray(line.get_xdata(), dtype=float)
                assert x.max() == pytest.approx(row["duration_days"]), ax.get_title()


def test_the_deciding_day_and_the_end_are_marked_with_their_rule(
    drawn: Drawn,
) -> None:
    row, axes = drawn
    labels = {str(ln.get_label()): ln.get_xdata()[0] for ln in axes[0].get_lines()}
    decided = [k for k in labels if k.startswith("decided, day")]
    assert len(decided) == 1
    assert f"rule: {row['winner_decided_by']}" in decided[0]
    ended = [k for k in labels if k.startswith("run ended, day")]
    assert len(ended) == 1
    assert row["end_reason"] in ended[0]
    assert labels[ended[0]] == pytest.approx(row["duration_days"])

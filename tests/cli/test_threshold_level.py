"""``threshold --level`` for the winner (review17 finding 7): without replications the
winner is a 0/1 step, so every level in (0, 1) is crossed at the same value and
``--level 0.9`` printed the 0.5 answer under the label 0.9; it is refused, and a win
probability's level outside (0, 1) is refused too (one line, exit 2, before any run)."""

from __future__ import annotations

import pytest

from tests.cli.refusals import refused

ARGS = ["threshold", "smolensk-1941", "--vary", "breakpoints.USSR=0.1:0.5"]


def test_level_without_replications_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, [*ARGS, "--level", "0.9"])
    assert line.startswith("forceratio: error: --level:")
    assert "add replications" in line


@pytest.mark.parametrize("level", ["0", "1", "1.5"])
def test_win_probability_level_outside_0_1(level: str, capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, [*ARGS, "--level", level, "--replications", "2", "--seed", "1"])
    assert line.startswith("forceratio: error: --level:")
    assert "(0, 1)" in line

"""A CLI refusal as the tests expect it: exit status 2 and one ``forceratio: error:`` line."""

from __future__ import annotations

import pytest

from forceratio.cli import run


def refused(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    """Run the CLI; assert exit 2 and exactly one ``forceratio: error:`` line on stderr."""
    code = run(args)
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code == 2, captured.err
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("forceratio: error: "), lines[0]
    return lines[0]

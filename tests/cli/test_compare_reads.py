"""``forceratio compare`` reads each data table once: the lines under the table ("what
carries it") run in the comparison's own session, not in a new one per scenario that reads
and validates every CSV again (review21b: 97 reads of the tables in one warm compare)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from typer.testing import CliRunner

from forceratio import data
from forceratio.cli.app import app


@pytest.mark.slow
def test_compare_reads_each_table_once(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: Counter[str] = Counter()
    real = data.load

    def counting(name: str, path: Any = None) -> Any:
        reads[name] += 1
        return real(name, path)

    monkeypatch.setattr(data, "load", counting)
    res = CliRunner().invoke(app, ["compare"])
    assert res.exit_code == 0, res.output
    assert "What carries it" in res.output
    assert "moves it most" in res.output
    assert reads, "no table read: the count no longer sees the readers"
    twice = {name: n for name, n in reads.items() if n > 1}
    assert not twice, f"tables read more than once in one compare: {twice}"

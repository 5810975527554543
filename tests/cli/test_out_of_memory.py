"""Work that runs out of memory after its estimate was allowed (``FORCERATIO_MAX_MEMORY``
set high or ``unlimited``, or a process capped below the machine) ends in one line naming
the limit and exit status 2, not numpy's traceback: ``FORCERATIO_MAX_MEMORY=unlimited
forceratio sensitivity NAME --samples 4294967296`` printed 52 lines ending in
``_ArrayMemoryError: Unable to allocate 768. GiB``.

Oracle: the allocation is made to fail (the engine's batch call raises ``MemoryError``, as
numpy's refusal of a 768 GiB array does); the line must name the limit as set."""

from __future__ import annotations

import pytest

from tests.cli.refusals import refused


def _exhausted(*args: object, **kwargs: object) -> None:
    raise MemoryError("Unable to allocate 768. GiB for an array")


@pytest.mark.parametrize("limit", ["unlimited", None])
def test_an_allocation_that_fails_is_one_line(
    limit: str | None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if limit is None:
        monkeypatch.delenv("FORCERATIO_MAX_MEMORY", raising=False)
    else:
        monkeypatch.setenv("FORCERATIO_MAX_MEMORY", limit)
    monkeypatch.setattr("forceratio.simulator.battle.battle", _exhausted)
    line = refused(capsys, ["battle", "--replications", "10", "--seed", "1"])
    assert line.startswith("forceratio: error: out of memory: "), line
    if limit is not None:
        assert f"FORCERATIO_MAX_MEMORY={limit}" in line
    assert "Traceback" not in line
    assert "768" not in line

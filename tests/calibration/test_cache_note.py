"""An unwritable calibration cache is no longer silent (review20d M4): the result is still
returned, and the command line prints one note naming the folder and FORCERATIO_CACHE_DIR
(a quick calibration is minutes, recomputed on every run without it)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import cast

import pytest

from forceratio.calibration import cache as cache_mod
from forceratio.calibration.result import CalibrationResult


def test_unwritable_cache_prints_one_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from forceratio.cli import _notes_as_lines

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    folder = blocker / "calibration"  # cannot be made, even by root
    monkeypatch.setenv(cache_mod.ENV_VAR, str(folder))
    monkeypatch.setattr(cache_mod, "_unwritable", set(), raising=False)
    logger = logging.getLogger("forceratio.cache")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "propagate", True)
    _notes_as_lines("forceratio")  # what the command line does before a command

    result = cast(CalibrationResult, object())  # never serialised: the folder fails first
    calls = []

    def compute() -> CalibrationResult:
        calls.append(1)
        return result

    for _ in range(2):  # (the same folder twice: one note)
        got, hit = cache_mod.cached("k" * 64, compute)
        assert got is result
        assert hit is False
    assert len(calls) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("forceratio: note: calibration cache ")
    assert str(folder) in err[0]
    assert "FORCERATIO_CACHE_DIR" in err[0]
